package io.highwater.it;

import io.highwater.storage.Database;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;

/**
 * A database as a new deployment has it after its first minutes: thousands of rows in every table and
 * no statistics yet (autovacuum has not analyzed them). Lookups by key must stay index probes there.
 */
public final class LookupPlans {

  /** Rows per table; enough that a scan of a partition costs hundreds of buffers. */
  public static final int ROWS = 100_000;

  private static final String[] TABLES = {"events", "trigger_links", "records", "view_rows", "data_keys"};

  private LookupPlans() {}

  /** A fresh, migrated database holding {@link #ROWS} rows per table of app {@code bookstore}, partition 0, never analyzed. */
  public static Database seeded(Vertx vertx) {
    String url = TestDatabase.fresh();
    Database db = Database.open(vertx, url, 2).await();
    for (String table : TABLES) {
      TestDatabase.execute(url, "ALTER TABLE " + table + " SET (autovacuum_enabled = false)");
    }
    // Book i in ws-((i / 10) mod 1000); every tenth event an effect of trigger order/o(i), linked to the next book.
    TestDatabase.execute(url, """
        INSERT INTO events (app, partition, offs, ws, event_id, agg_type, agg_id, trigger_type, trigger_id, body)
        SELECT 'bookstore', 0, i, 'ws-' || (mod(i / 10, 1000)), 'id-' || i,
          CASE WHEN mod(i, 10) = 0 THEN NULL ELSE 'book' END, CASE WHEN mod(i, 10) = 0 THEN NULL ELSE 'b' || i END,
          CASE WHEN mod(i, 10) = 0 THEN 'order' END, CASE WHEN mod(i, 10) = 0 THEN 'o' || i END, '{}'::jsonb
        FROM generate_series(1, %d) i""".formatted(ROWS));
    TestDatabase.execute(url, """
        INSERT INTO trigger_links (app, partition, ws, trigger_type, trigger_id, agg_type, agg_id, offs)
        SELECT 'bookstore', 0, 'ws-' || (mod(i / 10, 1000)), 'order', 'o' || (i - 1), 'book', 'b' || i, i
        FROM generate_series(1, %d) i WHERE mod(i, 10) = 1""".formatted(ROWS));
    TestDatabase.execute(url, """
        INSERT INTO records (app, partition, ws, agg_type, agg_id, state, offs, first_offs)
        SELECT 'bookstore', 0, 'ws-' || (mod(i / 10, 1000)), 'book', 'b' || i, '{}'::jsonb, i, i FROM generate_series(1, %d) i"""
        .formatted(ROWS));
    TestDatabase.execute(url, """
        INSERT INTO view_rows (app, partition, view, ws, key, value, offs)
        SELECT 'bookstore', 0, 'books_by_author', 'ws-' || (mod(i / 10, 1000)), 'k' || i, '[]'::jsonb, i FROM generate_series(1, %d) i"""
        .formatted(ROWS));
    TestDatabase.execute(url, """
        INSERT INTO data_keys (app, partition, ws, trigger_type, trigger_id, wrapped)
        SELECT 'bookstore', 0, 'ws-' || (mod(i / 10, 1000)), 'order', 'o' || i, '\\x00'::bytea FROM generate_series(1, %d) i"""
        .formatted(ROWS));
    return db;
  }

  /** The shared buffers one execution of the statement touched, from {@code EXPLAIN (ANALYZE, BUFFERS)}. */
  public static long buffersTouched(Database db, String sql, Tuple params) {
    Object plan = db.pool().preparedQuery("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql).execute(params).await()
        .iterator().next().getValue(0);
    JsonObject top = (plan instanceof JsonArray array ? array : new JsonArray(plan.toString())).getJsonObject(0).getJsonObject("Plan");
    return top.getLong("Shared Hit Blocks", 0L) + top.getLong("Shared Read Blocks", 0L);
  }
}
