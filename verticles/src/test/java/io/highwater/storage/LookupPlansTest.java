package io.highwater.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.highwater.it.LookupPlans;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Tuple;
import io.highwater.it.LookupPlans.Seeded;
import io.highwater.it.LookupPlans.Statistics;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every lookup by key costs a few index probes per key, even on tables that have grown without
 * statistics: the state of a new deployment until autovacuum first analyzes them. Planned as plain
 * joins there, these lookups scanned the partition's whole table on every call (thousands of
 * buffers here), so the command processor slowed down as its log grew. Under a generic plan an
 * index matching only the key's workspace tied with the exact one and read the whole workspace
 * (hundreds of buffers at 10^6 rows), hence V6: no index shares a lookup's leading columns but its own.
 */
class LookupPlansTest {

  /** Per index probe: pages down to the leaf and the heap page, with room to spare. */
  private static final long BUFFERS_PER_PROBE = 12;

  private static final String[] WS = {"ws-0", "ws-2", "ws-3"};
  private static final String[] BOOKS = {"book", "book", "book"};
  private static final String[] IDS = {"b1", "b-absent", "b-absent-too"};
  /** Keys of ten members each, in the workspaces of {@link #WS}, and one absent. */
  private static final String[] MEMBER_KEYS = {"m0", "m-absent", "m3"};
  private static final String[] NONE = {};

  /** Offsets of the appends the generic-plan checks make, beyond the seeded log. */
  private static final java.util.concurrent.atomic.AtomicLong APPENDED = new java.util.concurrent.atomic.AtomicLong(2L * LookupPlans.GROWN_ROWS);

  private static Vertx vertx;
  private static Database db;

  @BeforeAll
  static void seed() {
    vertx = Vertx.vertx();
    db = LookupPlans.seeded(vertx);
  }

  @AfterAll
  static void close() {
    db.close().await();
    vertx.close().await();
  }

  @Test
  void conflictLookupsProbeTheIndexes() {
    // Each aggregate: its actions, and its links (then the effects of each trigger linked).
    assertProbes(EventLog.TOUCHING, Tuple.of("bookstore", 0, WS, BOOKS, IDS, 0L), 2);
    assertProbes(EventLog.LINKS, Tuple.of("bookstore", 0, WS, BOOKS, IDS));
    assertProbes(EventLog.BY_IDS, Tuple.of("bookstore", 0, new String[] {"id-7", "id-absent", "id-absent-too"}));
  }

  @Test
  void historyLookupsProbeTheIndexes() {
    assertProbes(EventLog.ACTIONS_BEFORE, Tuple.of("bookstore", 0, WS, BOOKS, IDS, Long.MAX_VALUE));
    assertProbes(EventLog.LINKED, Tuple.of("bookstore", 0, "ws-1", "order", "o10"));
    // Each trigger: its links, then each linked aggregate's actions.
    assertProbes(EventLog.REPLAYS, Tuple.of("bookstore", 0, new String[] {"ws-1", "ws-2", "ws-3"},
        new String[] {"order", "order", "order"}, new String[] {"o10", "o-absent", "o-absent-too"},
        new Long[] {10L, 20L, 30L}, Long.MAX_VALUE, 0L, 0L, 1_000, EventLog.PAGE_BYTES), 2);
  }

  @Test
  void recordAndViewReadsProbeTheIndexes() {
    assertProbes(RecordStore.GET_MANY, Tuple.of("bookstore", 0, WS, BOOKS, IDS));
    // A key is a whole row or members: one probe of each table per key.
    assertProbes(ViewStore.GET_MANY, Tuple.of("bookstore", 0, "books_by_author", WS, new String[] {"k1", "k-absent", "k30"}), 2);
    assertProbes(ViewStore.GET_MANY, Tuple.of("bookstore", 0, "books_by_author", WS, MEMBER_KEYS), 2);
  }

  /**
   * The same lookups and the flushes under their generic plans, which PostgreSQL may switch a prepared
   * statement to after five executions: planned without the values, a range condition on offs made the
   * primary key look as good as the aggregate's index. The bound is per key, so it must hold as the
   * tables grow tenfold.
   */
  @Test
  void genericPlansWithoutStatisticsProbeTheIndexes() {
    assertGenericPlans(Statistics.NONE);
  }

  @Test
  void genericPlansOnStaleStatisticsProbeTheIndexes() {
    assertGenericPlans(Statistics.STALE);
  }

  private static void assertGenericPlans(Statistics statistics) {
    Seeded seeded = LookupPlans.seeded(vertx, statistics);
    try {
      SoftAssertions soft = new SoftAssertions();
      assertGenericPlans(soft, seeded.db(), statistics + ", " + LookupPlans.ROWS + " rows");
      seeded.grow(LookupPlans.ROWS, LookupPlans.GROWN_ROWS);
      assertGenericPlans(soft, seeded.db(), statistics + ", " + LookupPlans.GROWN_ROWS + " rows");
      soft.assertAll();
    } finally {
      seeded.db().close().await();
    }
  }

  private static void assertGenericPlans(SoftAssertions soft, Database db, String state) {
    String[] triggerWs = {"ws-1", "ws-2", "ws-3"};
    String[] orders = {"order", "order", "order"};
    String[] triggerIds = {"o10", "o-absent", "o-absent-too"};
    generic(soft, db, state, "TOUCHING", EventLog.TOUCHING, 2, "bookstore", 0, WS, BOOKS, IDS, 0L);
    generic(soft, db, state, "LINKS", EventLog.LINKS, 1, "bookstore", 0, WS, BOOKS, IDS);
    generic(soft, db, state, "BY_IDS", EventLog.BY_IDS, 1, "bookstore", 0, new String[] {"id-7", "id-absent", "id-absent-too"});
    generic(soft, db, state, "ACTIONS_BEFORE", EventLog.ACTIONS_BEFORE, 1, "bookstore", 0, WS, BOOKS, IDS, Long.MAX_VALUE);
    generic(soft, db, state, "LINKED", EventLog.LINKED, 1, "bookstore", 0, "ws-1", "order", "o10");
    generic(soft, db, state, "REPLAYS", EventLog.REPLAYS, 2, "bookstore", 0, triggerWs, orders, triggerIds,
        new Long[] {10L, 20L, 30L}, Long.MAX_VALUE, 0L, 0L, 1_000, EventLog.PAGE_BYTES);
    generic(soft, db, state, "LAST_OFFSET", EventLog.LAST_OFFSET, 1, "bookstore", 0);
    // The log read as EventLog.read builds it without a workspace or filter: a page of the tail.
    generic(soft, db, state, "read", EventLog.page("e.app = $1 AND e.partition = $2 AND e.offs >= $3", 4, 5), 1,
        "bookstore", 0, 50_000L, 3, EventLog.PAGE_BYTES);
    generic(soft, db, state, "RecordStore.GET_MANY", RecordStore.GET_MANY, 1, "bookstore", 0, WS, BOOKS, IDS);
    generic(soft, db, state, "ViewStore.GET_MANY", ViewStore.GET_MANY, 2, "bookstore", 0, "books_by_author", WS,
        new String[] {"k1", "k-absent", "k30"});
    // A key's members: one range of the primary key each, as long as the key has members.
    generic(soft, db, state, "ViewStore.GET_MANY members", ViewStore.GET_MANY, 2, "bookstore", 0, "books_by_author", WS, MEMBER_KEYS);
    // A flush: each row's conflict probe and insert or update, then the checkpoint and the fence.
    generic(soft, db, state, "RecordStore.FLUSH", RecordStore.FLUSH, 3, "bookstore", 0, WS, BOOKS, IDS,
        new String[] {"{}", "{}", "{}"}, new Long[] {Long.MAX_VALUE, 5L, 6L}, new Long[] {1L, 5L, 6L}, "records", 7L, 1L);
    // An append of three new books, checking three aggregates (b1 is stored) and destroying three data
    // keys (one stored): the inserts with their index entries, each key's probe, each check's probes
    // (actions, then each stored link's effects) and its stored links.
    long offs = APPENDED.addAndGet(10);
    String[] none = new String[0];
    String[] noTriggers = {null, null, null};
    Long[] bases = {2 * (long) LookupPlans.GROWN_ROWS, 2 * (long) LookupPlans.GROWN_ROWS, 2 * (long) LookupPlans.GROWN_ROWS};
    genericWrite(soft, db, state, "EventLog.APPEND", EventLog.APPEND, 8, "bookstore", 0,
        new Long[] {offs, offs + 1, offs + 2}, WS, new String[] {"new-" + offs, "new-" + (offs + 1), "new-" + (offs + 2)},
        BOOKS, new String[] {"n" + offs, "n" + (offs + 1), "n" + (offs + 2)}, noTriggers, noTriggers,
        new String[] {"{}", "{}", "{}"}, none, none, none, none, none, new Long[0], none, none, none, new byte[0][],
        triggerWs, orders, triggerIds, 1L, WS, BOOKS, IDS, bases);
    genericWrite(soft, db, state, "ViewStore.FLUSH", ViewStore.FLUSH, 3, "bookstore", 0, "books_by_author", WS,
        new String[] {"k1", "k-absent", "k30"}, new String[] {"[]", "[]", "[]"}, new Long[] {Long.MAX_VALUE, 5L, 6L},
        NONE, NONE, NONE, new Boolean[] {}, new Long[] {}, "view:books_by_author", 7L, 1L);
    // Members: an existing one updated, a new one inserted, one that leaves; each one probe and write.
    genericWrite(soft, db, state, "ViewStore.FLUSH members", ViewStore.FLUSH, 3, "bookstore", 0, "books_by_author", NONE, NONE, NONE,
        new Long[] {}, WS, new String[] {"m0", "m2", "m3"}, new String[] {"b1", "b-new", "b35"}, new Boolean[] {true, true, false},
        new Long[] {Long.MAX_VALUE, 5L, 6L}, "view:books_by_author", 7L, 1L);
  }

  private static void generic(SoftAssertions soft, Database db, String state, String name, String sql, int probesPerKey,
      Object... params) {
    assertBounded(soft, state, name, probesPerKey, LookupPlans.genericBuffers(db, sql, params));
  }

  /** A statement whose writes are in CTEs: their buffers count too. */
  private static void genericWrite(SoftAssertions soft, Database db, String state, String name, String sql, int probesPerKey,
      Object... params) {
    assertBounded(soft, state, name, probesPerKey, LookupPlans.genericBuffersWithWrites(db, sql, params));
  }

  private static void assertBounded(SoftAssertions soft, String state, String name, int probesPerKey, long buffers) {
    System.out.printf("generic plan %s (%s): %d buffers%n", name, state, buffers);
    soft.assertThat(buffers).as("buffers touched by the generic plan of %s (%s)", name, state)
        .isLessThanOrEqualTo(BUFFERS_PER_PROBE * probesPerKey * 3);
  }

  /** Three keys, one probe each. */
  private static void assertProbes(String sql, Tuple params) {
    assertProbes(sql, params, 1);
  }

  private static void assertProbes(String sql, Tuple params, int probesPerKey) {
    assertThat(LookupPlans.buffersTouched(db, sql, params))
        .as("buffers touched by %s", sql)
        .isLessThanOrEqualTo(BUFFERS_PER_PROBE * probesPerKey * 3);
  }
}
