package io.highwater.storage;

import io.highwater.partition.ViewKey;
import io.highwater.partition.Ownerships;
import io.highwater.partition.PartitionId;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * View rows in PostgreSQL: flushed in bundles with the view's checkpoint, read by key; writes fenced
 * by epoch. A whole value is one row of {@code view_rows}; a per-member value is one row of
 * {@code view_members} per member, and a flush writes only the members that changed.
 */
public final class ViewStore {

  // Members are idempotent by offs like rows: a member that left keeps its row (present false), so a
  // replayed earlier join cannot bring it back, and a key whose members all left still exists.
  static final String FLUSH = """
      WITH r AS (
        INSERT INTO view_rows (app, partition, view, ws, key, value, offs)
        SELECT $1, $2, $3, t.ws, t.key, t.value::jsonb, t.offs
        FROM unnest($4::text[], $5::text[], $6::text[], $7::bigint[]) AS t(ws, key, value, offs)
        ON CONFLICT (app, partition, view, ws, key_digest) DO UPDATE
          SET value = excluded.value, offs = excluded.offs
          WHERE view_rows.offs < excluded.offs
      ), m AS (
        INSERT INTO view_members (app, partition, view, ws, key, member, present, offs)
        SELECT $1, $2, $3, t.ws, t.key, t.member, t.present, t.offs
        FROM unnest($8::text[], $9::text[], $10::text[], $11::boolean[], $12::bigint[]) AS t(ws, key, member, present, offs)
        ON CONFLICT (app, partition, view, ws, key_digest, member) DO UPDATE
          SET present = excluded.present, offs = excluded.offs
          WHERE view_members.offs < excluded.offs
      )
      INSERT INTO checkpoints (app, partition, entity, offs) SELECT $1, $2, $13, $14 WHERE highwater_fence($1, $2, $15)
      ON CONFLICT (app, partition, entity) DO UPDATE SET offs = greatest(checkpoints.offs, excluded.offs)""";

  // One index probe per key and table whatever the statistics say (see EventLog.TOUCHING): a key is
  // a whole row or members, the reader need not know which. Keys are found by their digest, which an
  // index holds whatever the key's length (V10).
  static final String GET_MANY = """
      SELECT v.ws, v.key, v.value, v.offs, v.member, v.present
      FROM unnest($4::text[], $5::text[]) AS k(ws, key)
      CROSS JOIN LATERAL (
        SELECT v.ws, v.key, v.value, v.offs, NULL::text AS member, NULL::boolean AS present FROM view_rows v
        WHERE v.app = $1 AND v.partition = $2 AND v.view = $3 AND v.ws = k.ws AND v.key_digest = highwater_key_digest(k.key)
        UNION ALL
        SELECT m.ws, m.key, NULL::jsonb, m.offs, m.member, m.present FROM view_members m
        WHERE m.app = $1 AND m.partition = $2 AND m.view = $3 AND m.ws = k.ws AND m.key_digest = highwater_key_digest(k.key)
        OFFSET 0) v""";

  private static final String FENCE = "SELECT highwater_fence($1, $2, $3)";
  private static final String DISCARD_ROWS = "DELETE FROM view_rows WHERE app = $1 AND partition = $2 AND view = $3";
  private static final String DISCARD_MEMBERS = "DELETE FROM view_members WHERE app = $1 AND partition = $2 AND view = $3";
  private static final String DISCARD_CHECKPOINT = "DELETE FROM checkpoints WHERE app = $1 AND partition = $2 AND entity = $3";
  private static final String TAKE_ROWS = "UPDATE view_rows SET view = $3 WHERE app = $1 AND partition = $2 AND view = $4";
  private static final String TAKE_MEMBERS = "UPDATE view_members SET view = $3 WHERE app = $1 AND partition = $2 AND view = $4";
  private static final String SET_CHECKPOINT = """
      INSERT INTO checkpoints (app, partition, entity, offs) VALUES ($1, $2, $3, $4)
      ON CONFLICT (app, partition, entity) DO UPDATE SET offs = excluded.offs""";

  private final Pool pool;
  private final Ownerships owned;

  public ViewStore(Pool pool, Ownerships owned) {
    this.pool = pool;
    this.owned = owned;
  }

  /**
   * Writes the values (deleted ones as JSON null; of a per-member value, its pending changes only)
   * and raises the view's checkpoint, atomically.
   */
  public Future<Void> flush(PartitionId partition, String view, Map<ViewKey, ViewValue> values, long upTo) {
    FlushColumns columns = FlushColumns.of(values);
    Tuple params = Tuple.of(partition.app(), partition.partition(), view)
        .addArrayOfString(columns.ws.toArray(String[]::new))
        .addArrayOfString(columns.keys.toArray(String[]::new))
        .addArrayOfString(columns.json.toArray(String[]::new))
        .addArrayOfLong(columns.offs.toArray(Long[]::new))
        .addArrayOfString(columns.memberWs.toArray(String[]::new))
        .addArrayOfString(columns.memberKeys.toArray(String[]::new))
        .addArrayOfString(columns.members.toArray(String[]::new))
        .addArrayOfBoolean(columns.present.toArray(Boolean[]::new))
        .addArrayOfLong(columns.memberOffs.toArray(Long[]::new))
        .addString(entity(view))
        .addLong(upTo);
    return FencedException.write(owned, partition, epoch -> pool.preparedQuery(FLUSH).execute(params.addLong(epoch)).mapEmpty());
  }

  /** The statement's arrays: one entry per whole value, and one per changed member of a per-member value. */
  private record FlushColumns(List<String> ws, List<String> keys, List<String> json, List<Long> offs, List<String> memberWs,
      List<String> memberKeys, List<String> members, List<Boolean> present, List<Long> memberOffs) {

    static FlushColumns of(Map<ViewKey, ViewValue> values) {
      FlushColumns c = new FlushColumns(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>(),
          new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
      values.forEach((key, value) -> {
        if (value.perMember()) {
          value.members().pending().forEach((member, change) -> {
            c.memberWs.add(key.ws());
            c.memberKeys.add(key.key());
            c.members.add(member);
            c.present.add(change.present());
            c.memberOffs.add(change.offs());
          });
        } else {
          c.ws.add(key.ws());
          c.keys.add(key.key());
          c.json.add(value.deleted() ? "null" : value.whole().encode());
          c.offs.add(value.offs());
        }
      });
      return c;
    }
  }

  /** Every key found, whole or assembled from its members (the latter costs the key's size). */
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
          Map<ViewKey, StoredMembers> members = new HashMap<>();
          for (Row row : rows) {
            ViewKey key = new ViewKey(row.getString("ws"), row.getString("key"));
            long offs = row.getLong("offs");
            String member = row.getString("member");
            if (member == null) {
              Object value = row.getValue("value");
              found.put(key, new ViewValue(value instanceof JsonObject json ? json : null, offs));
            } else {
              members.computeIfAbsent(key, k -> new StoredMembers()).add(member, row.getBoolean("present"), offs);
            }
          }
          // A whole row wins: a key is never both, unless the view's projector kind was changed.
          members.forEach((key, stored) -> found.putIfAbsent(key, ViewValue.of(Members.stored(stored.present), stored.offs)));
          return found;
        });
  }

  /** One key's member rows as they are read: the key's offs is that of its latest member change. */
  private static final class StoredMembers {
    private final List<String> present = new ArrayList<>();
    private long offs;

    void add(String member, boolean isPresent, long memberOffs) {
      if (isPresent) {
        present.add(member);
      }
      offs = Math.max(offs, memberOffs);
    }
  }

  /** Removes a view's rows and checkpoint (a rebuild's copy left by an earlier run). */
  public Future<Void> discard(PartitionId partition, String view) {
    Tuple ofView = Tuple.of(partition.app(), partition.partition(), view);
    return FencedException.write(owned, partition, epoch -> pool.withTransaction(conn ->
        conn.preparedQuery(FENCE).execute(Tuple.of(partition.app(), partition.partition(), epoch))
        .compose(r -> conn.preparedQuery(DISCARD_ROWS).execute(ofView))
        .compose(r -> conn.preparedQuery(DISCARD_MEMBERS).execute(ofView))
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
        .compose(r -> conn.preparedQuery(DISCARD_MEMBERS).execute(Tuple.of(app, p, view)))
        .compose(r -> conn.preparedQuery(TAKE_ROWS).execute(Tuple.of(app, p, view, copy)))
        .compose(r -> conn.preparedQuery(TAKE_MEMBERS).execute(Tuple.of(app, p, view, copy)))
        .compose(r -> conn.preparedQuery(SET_CHECKPOINT).execute(Tuple.of(app, p, entity(view), offset)))
        .compose(r -> conn.preparedQuery(DISCARD_CHECKPOINT).execute(Tuple.of(app, p, entity(copy))))
        .mapEmpty()));
  }

  /** The coordinator's name for a view. */
  public static String entity(String view) {
    return "view:" + view;
  }
}
