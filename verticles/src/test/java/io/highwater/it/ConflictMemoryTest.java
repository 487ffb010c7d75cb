package io.highwater.it;

import static io.highwater.it.TestNode.action;
import static io.highwater.it.TestNode.batch;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The command processor's memory of its log (ADR 0009) changes no answer: conflicts through actions
 * and through effects of linked triggers, repeats and the gapless log come out the same whether it
 * holds every aggregate, two (so most leave it), none, or has just restarted with nothing, and an
 * update of an aggregate it holds reads nothing of the log.
 */
class ConflictMemoryTest {

  private static final String WS = "memory";
  private static final JsonArray KEY = new JsonArray().add("encryption-key").add(7);

  @TempDir
  Path dataDir;

  private static JsonObject book(String id, String author) {
    return action("alice", "book", id, new JsonObject().put("author", author));
  }

  private static JsonObject expiry() {
    return new JsonObject().put("source", "keystore")
        .put("effect", new JsonObject().put("reason", "key-expired").put("trigger", KEY));
  }

  private static long appended(HttpResponse<Buffer> r) {
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    JsonArray events = r.bodyAsJsonObject().getJsonArray("events");
    return events.getJsonObject(events.size() - 1).getLong("offset");
  }

  private static void assertConflict(HttpResponse<Buffer> r, long theirs, Long... unresolved) {
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(409);
    JsonObject conflict = r.bodyAsJsonObject().getJsonObject("conflict");
    assertThat(conflict.getJsonObject("theirs").getLong("offset")).isEqualTo(theirs);
    assertThat(conflict.getJsonArray("unresolved").stream().map(o -> ((Number) o).longValue()).toList())
        .containsExactly(unresolved);
  }

  @ParameterizedTest(name = "held aggregates: {0}")
  @ValueSource(strings = {"0", "2", "100000"})
  void answers_do_not_depend_on_what_memory_holds(String held) {
    TestNode node = TestNode.start(dataDir, TestDatabase.fresh(), Map.of("HIGHWATER_HELD_AGGREGATES", held));
    try {
      long linked = appended(node.append(WS, batch(0, book("r1", "A").put("triggers", new JsonArray().add(KEY)))));
      JsonObject r2 = batch(linked, book("r2", "B").put("id", "e-2"));
      long second = appended(node.append(WS, r2));
      long effect = appended(node.append(WS, batch(second, expiry())));
      for (int i = 0; i < 5; i++) {
        appended(node.append(WS, batch(effect, book("filler-" + i, "F"))));
      }
      // Through the effect on its linked trigger, then through an action.
      assertConflict(node.append(WS, batch(linked, book("r1", "A2"))), effect, effect);
      long updated = appended(node.append(WS, batch(effect, book("r1", "A2"))));
      assertConflict(node.append(WS, batch(linked, book("r1", "A3"))), effect, effect, updated);
      assertConflict(node.append(WS, batch(effect, book("r1", "A3"))), updated, updated);
      // A repeat answers the stored event; a batch mixing a stored id with a new one is refused.
      HttpResponse<Buffer> repeat = node.append(WS, r2);
      assertThat(appended(repeat)).isEqualTo(second);
      assertThat(node.append(WS, batch(updated, book("r2", "B").put("id", "e-2"), book("r3", "C").put("id", "e-3"))).statusCode())
          .isEqualTo(400);

      node = node.restart();

      assertConflict(node.append(WS, batch(effect, book("r1", "A3"))), updated, updated);
      assertThat(appended(node.append(WS, r2))).isEqualTo(second);
      long again = appended(node.append(WS, batch(updated, book("r1", "A3"))));
      long expiredAgain = appended(node.append(WS, batch(again, expiry())));
      node = node.restart();
      // Nothing held after a restart: the write's own check finds the effect through the stored link.
      assertConflict(node.append(WS, batch(again, book("r1", "A4"))), expiredAgain, expiredAgain);
      long last = appended(node.append(WS, batch(expiredAgain, book("r1", "A4"))));
      assertThat(last).isEqualTo(expiredAgain + 1);
      assertThat(node.stream("/v1/apps/bookstore/ws/" + WS + "/events").stream().map(e -> e.getLong("offset")).toList())
          .isEqualTo(java.util.stream.LongStream.rangeClosed(linked, last).boxed().toList());
    } finally {
      node.close();
    }
  }

  /** Memory on, and off as the control that shows the measure sees lookups when there are some. */
  @org.junit.jupiter.api.Test
  void updates_of_held_aggregates_read_no_index_of_the_log(@TempDir Path otherDir) throws Exception {
    TestNode remembering = TestNode.start(dataDir, TestDatabase.fresh(), Map.of("HIGHWATER_HELD_AGGREGATES", "100000"));
    TestNode forgetting = TestNode.start(otherDir, TestDatabase.fresh(), Map.of("HIGHWATER_HELD_AGGREGATES", "0"));
    try {
      List<String> books = java.util.stream.IntStream.range(0, 10).mapToObj(i -> "held-" + i).toList();
      List<TestNode> nodes = List.of(remembering, forgetting);
      long[] base = new long[2];
      for (String id : books) {
        for (int n = 0; n < 2; n++) {
          base[n] = appended(nodes.get(n).append(WS, batch(base[n], book(id, "A"))));
        }
      }
      long[] before = settledLookups(remembering.pgUrl(), forgetting.pgUrl());
      for (int round = 0; round < 3; round++) {
        for (String id : books) {
          for (int n = 0; n < 2; n++) {
            base[n] = appended(nodes.get(n).append(WS, batch(base[n], book(id, "A" + round))));
          }
        }
      }
      long[] after = settledLookups(remembering.pgUrl(), forgetting.pgUrl());
      assertThat(after[0] - before[0]).as("lookups with memory").isZero();
      // Without memory each update is checked by its write.
      assertThat(after[1] - before[1]).as("lookups without memory").isGreaterThanOrEqualTo(30);
    } finally {
      remembering.close();
      forgetting.close();
    }
  }

  /**
   * Scans of the index by which every conflict lookup and every write check finds an aggregate's
   * trigger links (the async views' history reads use the events' indexes, so those would not tell),
   * once PostgreSQL has published its backends' counts: a backend that flushed them less than a second
   * ago keeps new ones for up to 10 s, so the same value for 11 s.
   */
  private static long[] settledLookups(String... pgUrls) throws Exception {
    long[] last = new long[pgUrls.length];
    java.util.Arrays.fill(last, -1);
    long stableSince = System.nanoTime();
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (System.nanoTime() < deadline) {
      long[] now = new long[pgUrls.length];
      for (int i = 0; i < pgUrls.length; i++) {
        now[i] = query(pgUrls[i], "SELECT coalesce(sum(idx_scan), 0) FROM pg_stat_user_indexes"
            + " WHERE indexrelname = 'trigger_links_aggregate'");
      }
      if (!java.util.Arrays.equals(now, last)) {
        last = now;
        stableSince = System.nanoTime();
      } else if (System.nanoTime() - stableSince > 11_000_000_000L) {
        return now;
      }
      Thread.sleep(500);
    }
    throw new AssertionError("index statistics did not settle");
  }

  private static long query(String pgUrl, String sql) throws SQLException {
    URI uri = URI.create(pgUrl);
    String jdbc = "jdbc:postgresql://" + uri.getHost() + ":" + uri.getPort() + uri.getPath();
    String user = uri.getUserInfo() == null ? "postgres" : uri.getUserInfo().split(":")[0];
    try (Connection c = DriverManager.getConnection(jdbc, user, null); Statement s = c.createStatement();
        ResultSet rows = s.executeQuery(sql)) {
      rows.next();
      return rows.getLong(1);
    }
  }
}
