package io.highwater.storage;

import io.highwater.cluster.OwnedPartitions;
import io.highwater.cluster.PartitionId;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/** View rows in PostgreSQL: flushed in bundles with the view's checkpoint, read by key; writes fenced by epoch. */
public final class ViewStore {

  static final String FLUSH = """
      WITH r AS (
        INSERT INTO view_rows (app, partition, view, ws, key, value, offs)
        SELECT $1, $2, $3, t.ws, t.key, t.value::jsonb, t.offs
        FROM unnest($4::text[], $5::text[], $6::text[], $7::bigint[]) AS t(ws, key, value, offs)
        ON CONFLICT (app, partition, view, ws, key) DO UPDATE
          SET value = excluded.value, offs = excluded.offs
          WHERE view_rows.offs < excluded.offs
      )
      INSERT INTO checkpoints (app, partition, entity, offs) SELECT $1, $2, $8, $9 WHERE highwater_fence($1, $2, $10)
      ON CONFLICT (app, partition, entity) DO UPDATE SET offs = greatest(checkpoints.offs, excluded.offs)""";

  // One index probe per key whatever the statistics say (see EventLog.TOUCHING).
  static final String GET_MANY = """
      SELECT v.ws, v.key, v.value, v.offs
      FROM unnest($4::text[], $5::text[]) AS k(ws, key)
      CROSS JOIN LATERAL (
        SELECT v.ws, v.key, v.value, v.offs FROM view_rows v
        WHERE v.app = $1 AND v.partition = $2 AND v.view = $3 AND v.ws = k.ws AND v.key = k.key
        OFFSET 0) v""";

  private static final String FENCE = "SELECT highwater_fence($1, $2, $3)";
  private static final String DISCARD_ROWS = "DELETE FROM view_rows WHERE app = $1 AND partition = $2 AND view = $3";
  private static final String DISCARD_CHECKPOINT = "DELETE FROM checkpoints WHERE app = $1 AND partition = $2 AND entity = $3";
  private static final String TAKE_ROWS = "UPDATE view_rows SET view = $3 WHERE app = $1 AND partition = $2 AND view = $4";
  private static final String SET_CHECKPOINT = """
      INSERT INTO checkpoints (app, partition, entity, offs) VALUES ($1, $2, $3, $4)
      ON CONFLICT (app, partition, entity) DO UPDATE SET offs = excluded.offs""";

  private final Pool pool;
  private final OwnedPartitions owned;

  public ViewStore(Pool pool, OwnedPartitions owned) {
    this.pool = pool;
    this.owned = owned;
  }

  /** Writes the values (deleted ones as JSON null) and raises the view's checkpoint, atomically. */
  public Future<Void> flush(PartitionId partition, String view, Map<ViewKey, ViewValue> values, long upTo) {
    int n = values.size();
    String[] ws = new String[n];
    String[] keys = new String[n];
    String[] json = new String[n];
    Long[] offs = new Long[n];
    int i = 0;
    for (Map.Entry<ViewKey, ViewValue> e : values.entrySet()) {
      ws[i] = e.getKey().ws();
      keys[i] = e.getKey().key();
      json[i] = e.getValue().deleted() ? "null" : e.getValue().value().encode();
      offs[i] = e.getValue().offs();
      i++;
    }
    Tuple params = Tuple.of(partition.app(), partition.partition(), view, ws, keys, json, offs)
        .addString(entity(view))
        .addLong(upTo);
    return FencedException.write(owned, partition, epoch -> pool.preparedQuery(FLUSH).execute(params.addLong(epoch)).mapEmpty());
  }

  public Future<Map<ViewKey, ViewValue>> getAll(PartitionId partition, String view, Collection<ViewKey> keys) {
    if (keys.isEmpty()) {
      return Future.succeededFuture(Map.of());
    }
    String[] ws = keys.stream().map(ViewKey::ws).toArray(String[]::new);
    String[] names = keys.stream().map(ViewKey::key).toArray(String[]::new);
    return pool.preparedQuery(GET_MANY)
        .execute(Tuple.of(partition.app(), partition.partition(), view, ws, names))
        .map(rows -> {
          Map<ViewKey, ViewValue> found = new HashMap<>();
          for (Row row : rows) {
            Object value = row.getValue("value");
            found.put(new ViewKey(row.getString("ws"), row.getString("key")),
                new ViewValue(value instanceof io.vertx.core.json.JsonObject json ? json : null, row.getLong("offs")));
          }
          return found;
        });
  }

  /** Removes a view's rows and checkpoint (a rebuild's copy left by an earlier run). */
  public Future<Void> discard(PartitionId partition, String view) {
    return FencedException.write(owned, partition, epoch -> pool.withTransaction(conn ->
        conn.preparedQuery(FENCE).execute(Tuple.of(partition.app(), partition.partition(), epoch))
        .compose(r -> conn.preparedQuery(DISCARD_ROWS).execute(Tuple.of(partition.app(), partition.partition(), view)))
        .compose(r -> conn.preparedQuery(DISCARD_CHECKPOINT).execute(Tuple.of(partition.app(), partition.partition(), entity(view))))
        .mapEmpty()));
  }

  /**
   * Makes the rebuilt copy {@code copy} the view {@code view}, at checkpoint {@code offset}, in one
   * transaction: readers of storage see the old rows or the new ones, never a mix.
   */
  public Future<Void> replace(PartitionId partition, String view, String copy, long offset) {
    String app = partition.app();
    int p = partition.partition();
    return FencedException.write(owned, partition, epoch -> pool.withTransaction(conn ->
        conn.preparedQuery(FENCE).execute(Tuple.of(app, p, epoch))
        .compose(r -> conn.preparedQuery(DISCARD_ROWS).execute(Tuple.of(app, p, view)))
        .compose(r -> conn.preparedQuery(TAKE_ROWS).execute(Tuple.of(app, p, view, copy)))
        .compose(r -> conn.preparedQuery(SET_CHECKPOINT).execute(Tuple.of(app, p, entity(view), offset)))
        .compose(r -> conn.preparedQuery(DISCARD_CHECKPOINT).execute(Tuple.of(app, p, entity(copy))))
        .mapEmpty()));
  }

  /** The coordinator's name for a view. */
  public static String entity(String view) {
    return "view:" + view;
  }
}
