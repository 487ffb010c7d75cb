package io.highwater.storage;

import io.highwater.partition.Ownerships;
import io.highwater.partition.PartitionId;
import io.highwater.event.Aggregate;
import io.highwater.event.AggregateKey;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/** Records in PostgreSQL: flushed in bundles with their checkpoint, read by key. */
public final class RecordStore {

  // Rows and checkpoint in one statement: atomic, so a crash never leaves one without the other;
  // fenced by the writer's epoch.
  // A row is only ever replaced by a newer one, which makes a repeated flush harmless.
  static final String FLUSH = """
      WITH r AS (
        INSERT INTO records (app, partition, ws, agg_type, agg_id, state, offs, first_offs)
        SELECT $1, $2, t.ws, t.agg_type, t.agg_id, t.state::jsonb, t.offs, t.first_offs
        FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::bigint[], $8::bigint[])
          AS t(ws, agg_type, agg_id, state, offs, first_offs)
        ON CONFLICT (app, partition, ws, agg_type, agg_id) DO UPDATE
          SET state = excluded.state, offs = excluded.offs, first_offs = excluded.first_offs
          WHERE records.offs < excluded.offs
      )
      INSERT INTO checkpoints (app, partition, entity, offs) SELECT $1, $2, $9, $10 WHERE highwater_fence($1, $2, $11)
      ON CONFLICT (app, partition, entity) DO UPDATE SET offs = greatest(checkpoints.offs, excluded.offs)""";

  private static final String GET = """
      SELECT state, offs, first_offs FROM records
      WHERE app = $1 AND partition = $2 AND ws = $3 AND agg_type = $4 AND agg_id = $5""";

  // One index probe per key whatever the statistics say (see EventLog.TOUCHING).
  static final String GET_MANY = """
      SELECT r.ws, r.agg_type, r.agg_id, r.state, r.offs, r.first_offs
      FROM unnest($3::text[], $4::text[], $5::text[]) AS a(ws, agg_type, agg_id)
      CROSS JOIN LATERAL (
        SELECT r.ws, r.agg_type, r.agg_id, r.state, r.offs, r.first_offs FROM records r
        WHERE r.app = $1 AND r.partition = $2 AND r.ws = a.ws AND r.agg_type = a.agg_type AND r.agg_id = a.agg_id
        OFFSET 0) r""";

  private static final String CHECKPOINT =
      "SELECT offs FROM checkpoints WHERE app = $1 AND partition = $2 AND entity = $3";

  private final Pool pool;
  private final Ownerships owned;

  public RecordStore(Pool pool, Ownerships owned) {
    this.pool = pool;
    this.owned = owned;
  }

  /** Writes the records and raises the entity's checkpoint to {@code upTo}, atomically. */
  public Future<Void> flush(PartitionId partition, String entity, Map<AggregateKey, RecordState> records, long upTo) {
    int n = records.size();
    String[] ws = new String[n];
    String[] types = new String[n];
    String[] ids = new String[n];
    String[] states = new String[n];
    Long[] offs = new Long[n];
    Long[] firsts = new Long[n];
    int i = 0;
    for (Map.Entry<AggregateKey, RecordState> e : records.entrySet()) {
      ws[i] = e.getKey().ws();
      types[i] = e.getKey().aggregate().type();
      ids[i] = e.getKey().aggregate().id();
      states[i] = StoredState.encode(e.getValue());
      offs[i] = e.getValue().version();
      firsts[i] = e.getValue().firstOffset();
      i++;
    }
    Tuple params = Tuple.of(partition.app(), partition.partition(), ws, types, ids, states, offs, firsts)
        .addString(entity)
        .addLong(upTo);
    return FencedException.write(owned, partition, epoch -> pool.preparedQuery(FLUSH).execute(params.addLong(epoch)).mapEmpty());
  }

  public Future<RecordState> get(PartitionId partition, AggregateKey key) {
    Tuple params = Tuple.of(partition.app(), partition.partition(), key.ws(), key.aggregate().type(), key.aggregate().id());
    return pool.preparedQuery(GET).execute(params).map(rows -> {
      if (rows.size() == 0) {
        return null;
      }
      return state(rows.iterator().next());
    });
  }

  public Future<Map<AggregateKey, RecordState>> getAll(PartitionId partition, Collection<AggregateKey> keys) {
    if (keys.isEmpty()) {
      return Future.succeededFuture(Map.of());
    }
    int n = keys.size();
    String[] ws = new String[n];
    String[] types = new String[n];
    String[] ids = new String[n];
    int i = 0;
    for (AggregateKey key : keys) {
      ws[i] = key.ws();
      types[i] = key.aggregate().type();
      ids[i] = key.aggregate().id();
      i++;
    }
    return pool.preparedQuery(GET_MANY).execute(Tuple.of(partition.app(), partition.partition(), ws, types, ids)).map(rows -> {
      Map<AggregateKey, RecordState> found = new HashMap<>();
      for (Row row : rows) {
        AggregateKey key = new AggregateKey(row.getString("ws"), new Aggregate(row.getString("agg_type"), row.getString("agg_id")));
        found.put(key, state(row));
      }
      return found;
    });
  }

  /** How far the entity is durable in storage; 0 before its first flush. */
  public Future<Long> checkpoint(PartitionId partition, String entity) {
    return pool.preparedQuery(CHECKPOINT)
        .execute(Tuple.of(partition.app(), partition.partition(), entity))
        .map(rows -> rows.size() == 0 ? 0L : rows.iterator().next().getLong(0));
  }

  private static RecordState state(Row row) {
    return StoredState.decode(row.getJsonObject("state"), row.getLong("offs"), row.getLong("first_offs"));
  }
}
