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

  /** Rows per table once grown: tenfold, so a cost that grows with the table shows. */
  public static final int GROWN_ROWS = 1_000_000;

  private static final String[] TABLES = {"events", "trigger_links", "records", "view_rows", "view_members", "data_keys"};

  private LookupPlans() {}

  /** A fresh, migrated database holding {@link #ROWS} rows per table of app {@code bookstore}, partition 0, never analyzed. */
  public static Database seeded(Vertx vertx) {
    String url = TestDatabase.fresh();
    Database db = Database.open(vertx, url, 2).await();
    for (String table : TABLES) {
      TestDatabase.execute(url, "ALTER TABLE " + table + " SET (autovacuum_enabled = false)");
    }
    load(url, 1, ROWS);
    return db;
  }

  /** How the planner sees the tables. */
  public enum Statistics {
    /** Never analyzed. */
    NONE,
    /** Analyzed once while small (a thousand rows), then grown without analyzing again. */
    STALE
  }

  /** A seeded database and its URL, to grow it behind the server's back. */
  public record Seeded(String url, Database db) {
    /** Adds rows {@code from + 1 .. rows} to every table, without analyzing. */
    public void grow(int from, int rows) {
      load(url, from + 1, rows);
    }
  }

  /** Like {@link #seeded(Vertx)}, the statistics as given. */
  public static Seeded seeded(Vertx vertx, Statistics statistics) {
    String url = TestDatabase.fresh();
    Database db = Database.open(vertx, url, 2).await();
    for (String table : TABLES) {
      TestDatabase.execute(url, "ALTER TABLE " + table + " SET (autovacuum_enabled = false)");
    }
    TestDatabase.execute(url, "INSERT INTO partition_owners (app, partition, owner, epoch) VALUES ('bookstore', 0, 'n1', 1)");
    if (statistics == Statistics.STALE) {
      load(url, 1, 1000);
      TestDatabase.execute(url, "ANALYZE");
      load(url, 1001, ROWS);
    } else {
      load(url, 1, ROWS);
    }
    return new Seeded(url, db);
  }

  /** Rows {@code lo..hi} of every table: one INSERT ... SELECT each. */
  static void load(String url, int lo, int hi) {
    // Book i in ws-((i / 10) mod 1000); every tenth event an effect of trigger order/o(i), linked to the next book.
    TestDatabase.execute(url, """
        INSERT INTO events (app, partition, offs, ws, event_id, agg_type, agg_id, trigger_type, trigger_id, body)
        SELECT 'bookstore', 0, i, 'ws-' || (mod(i / 10, 1000)), 'id-' || i,
          CASE WHEN mod(i, 10) = 0 THEN NULL ELSE 'book' END, CASE WHEN mod(i, 10) = 0 THEN NULL ELSE 'b' || i END,
          CASE WHEN mod(i, 10) = 0 THEN 'order' END, CASE WHEN mod(i, 10) = 0 THEN 'o' || i END, '{}'::jsonb
        FROM generate_series(%d, %d) i""".formatted(lo, hi));
    TestDatabase.execute(url, """
        INSERT INTO trigger_links (app, partition, ws, trigger_type, trigger_id, agg_type, agg_id, offs)
        SELECT 'bookstore', 0, 'ws-' || (mod(i / 10, 1000)), 'order', 'o' || (i - 1), 'book', 'b' || i, i
        FROM generate_series(%d, %d) i WHERE mod(i, 10) = 1""".formatted(lo, hi));
    TestDatabase.execute(url, """
        INSERT INTO records (app, partition, ws, agg_type, agg_id, state, offs, first_offs)
        SELECT 'bookstore', 0, 'ws-' || (mod(i / 10, 1000)), 'book', 'b' || i, '{}'::jsonb, i, i FROM generate_series(%d, %d) i"""
        .formatted(lo, hi));
    TestDatabase.execute(url, """
        INSERT INTO view_rows (app, partition, view, ws, key, value, offs)
        SELECT 'bookstore', 0, 'books_by_author', 'ws-' || (mod(i / 10, 1000)), 'k' || i, '[]'::jsonb, i FROM generate_series(%d, %d) i"""
        .formatted(lo, hi));
    // Ten members per key: key m(i / 10), in the workspace of its books.
    TestDatabase.execute(url, """
        INSERT INTO view_members (app, partition, view, ws, key, member, present, offs)
        SELECT 'bookstore', 0, 'books_by_author', 'ws-' || (mod(i / 10, 1000)), 'm' || (i / 10), 'b' || i, mod(i, 7) <> 0, i
        FROM generate_series(%d, %d) i""".formatted(lo, hi));
    TestDatabase.execute(url, """
        INSERT INTO data_keys (app, partition, ws, trigger_type, trigger_id, wrapped)
        SELECT 'bookstore', 0, 'ws-' || (mod(i / 10, 1000)), 'order', 'o' || i, '\\x00'::bytea FROM generate_series(%d, %d) i"""
        .formatted(lo, hi));
  }

  /**
   * The shared buffers one execution of the statement touched under its generic plan: the plan
   * PostgreSQL may switch a prepared statement to after five executions, made without the values.
   * Parameters are String, Integer, Long, String[], Long[] or Boolean[].
   */
  public static long genericBuffers(Database db, String sql, Object... params) {
    return buffers(genericPlan(db, sql, params));
  }

  /**
   * Like {@link #genericBuffers}, with the buffers of the statement's data-modifying CTEs, which
   * PostgreSQL runs after the top node and so leaves out of its counts.
   */
  public static long genericBuffersWithWrites(Database db, String sql, Object... params) {
    JsonObject top = genericPlan(db, sql, params);
    long total = buffers(top);
    for (Object child : top.getJsonArray("Plans", new JsonArray())) {
      JsonObject node = (JsonObject) child;
      if (node.getString("Subplan Name", "").startsWith("CTE ") && "ModifyTable".equals(node.getString("Node Type"))) {
        total += buffers(node);
      }
    }
    return total;
  }

  private static JsonObject genericPlan(Database db, String sql, Object... params) {
    StringBuilder types = new StringBuilder();
    StringBuilder values = new StringBuilder();
    for (Object p : params) {
      String[] tv = literal(p);
      types.append(types.isEmpty() ? "" : ", ").append(tv[0]);
      values.append(values.isEmpty() ? "" : ", ").append(tv[1]);
    }
    return db.pool().withConnection(conn -> conn.query("SET plan_cache_mode = force_generic_plan").execute()
        .compose(x -> conn.query("PREPARE generic_lookup(" + types + ") AS " + sql).execute())
        .compose(x -> conn.query("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) EXECUTE generic_lookup(" + values + ")").execute())
        .eventually(() -> conn.query("DEALLOCATE generic_lookup").execute()
            .compose(x -> conn.query("RESET plan_cache_mode").execute()))
        .map(rows -> topPlan(rows.iterator().next().getValue(0)))).await();
  }

  private static String[] literal(Object p) {
    if (p instanceof String s) {
      return new String[] {"text", quote(s)};
    } else if (p instanceof Integer i) {
      return new String[] {"integer", i.toString()};
    } else if (p instanceof Long l) {
      return new String[] {"bigint", l.toString()};
    } else if (p instanceof String[] a) {
      return new String[] {"text[]", "ARRAY[" + String.join(", ", java.util.Arrays.stream(a).map(LookupPlans::quote).toList()) + "]::text[]"};
    } else if (p instanceof byte[][] a) {
      return new String[] {"bytea[]", "ARRAY[" + String.join(", ", java.util.Arrays.stream(a)
          .map(b -> "'\\x" + java.util.HexFormat.of().formatHex(b) + "'").toList()) + "]::bytea[]"};
    } else if (p instanceof Boolean[] a) {
      return new String[] {"boolean[]", "ARRAY[" + String.join(", ", java.util.Arrays.stream(a).map(String::valueOf).toList()) + "]::boolean[]"};
    } else if (p instanceof Long[] a) {
      return new String[] {"bigint[]", "ARRAY[" + String.join(", ", java.util.Arrays.stream(a).map(String::valueOf).toList()) + "]::bigint[]"};
    }
    throw new IllegalArgumentException("no literal for " + p);
  }

  private static String quote(String s) {
    if (s == null) {
      return "NULL";
    }
    return "'" + s.replace("'", "''") + "'";
  }

  private static JsonObject topPlan(Object plan) {
    return (plan instanceof JsonArray array ? array : new JsonArray(plan.toString())).getJsonObject(0).getJsonObject("Plan");
  }

  private static long buffers(JsonObject node) {
    return node.getLong("Shared Hit Blocks", 0L) + node.getLong("Shared Read Blocks", 0L);
  }

  /** The shared buffers one execution of the statement touched, from {@code EXPLAIN (ANALYZE, BUFFERS)}. */
  public static long buffersTouched(Database db, String sql, Tuple params) {
    Object plan = db.pool().preparedQuery("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql).execute(params).await()
        .iterator().next().getValue(0);
    return buffers(topPlan(plan));
  }
}
