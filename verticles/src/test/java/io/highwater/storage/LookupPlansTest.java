package io.highwater.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.highwater.it.LookupPlans;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every lookup by key costs a few index probes per key, even on tables that have grown without
 * statistics: the state of a new deployment until autovacuum first analyzes them. Planned as plain
 * joins there, these lookups scanned the partition's whole table on every call (thousands of
 * buffers here), so the command processor slowed down as its log grew. Without statistics the
 * planner may still pick a narrower index that matches only the key's workspace; that stays a few
 * pages, as workspaces are many.
 */
class LookupPlansTest {

  /** Per index probe: pages down to the leaf and the heap page, with room to spare. */
  private static final long BUFFERS_PER_PROBE = 12;

  private static final String[] WS = {"ws-0", "ws-2", "ws-3"};
  private static final String[] BOOKS = {"book", "book", "book"};
  private static final String[] IDS = {"b1", "b-absent", "b-absent-too"};

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
    assertProbes(EventLog.KNOWN_TRIGGERS, Tuple.of("bookstore", 0, new String[] {"ws-1", "ws-2", "ws-3"}, new String[] {"order", "order", "order"},
        new String[] {"o10", "o-absent", "o-absent-too"}));
    assertProbes(EventLog.BY_IDS, Tuple.of("bookstore", 0, new String[] {"id-7", "id-absent", "id-absent-too"}));
  }

  @Test
  void historyLookupsProbeTheIndexes() {
    assertProbes(EventLog.ACTIONS_BEFORE, Tuple.of("bookstore", 0, WS, BOOKS, IDS, Long.MAX_VALUE));
    assertProbes(EventLog.LINKED, Tuple.of("bookstore", 0, "ws-1", "order", "o10"));
    // Each trigger: its links, then each linked aggregate's actions.
    assertProbes(EventLog.REPLAYS, Tuple.of("bookstore", 0, new String[] {"ws-1", "ws-2", "ws-3"},
        new String[] {"order", "order", "order"}, new String[] {"o10", "o-absent", "o-absent-too"},
        new Long[] {10L, 20L, 30L}, Long.MAX_VALUE), 2);
  }

  @Test
  void recordAndViewReadsProbeTheIndexes() {
    assertProbes(RecordStore.GET_MANY, Tuple.of("bookstore", 0, WS, BOOKS, IDS));
    assertProbes(ViewStore.GET_MANY, Tuple.of("bookstore", 0, "books_by_author", WS, new String[] {"k1", "k-absent", "k30"}));
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
