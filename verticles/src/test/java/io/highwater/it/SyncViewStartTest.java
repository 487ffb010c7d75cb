package io.highwater.it;

import static io.highwater.it.TestNode.action;
import static io.highwater.it.TestNode.batch;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sync view catches up from the log before its command processor takes appends; if that read
 * fails, the partition does not start (and is started again) rather than take appends with the view
 * missing what it did not read.
 */
class SyncViewStartTest {

  private static final String WS = "sync-start";

  @TempDir
  Path dataDir;

  private static long appended(HttpResponse<Buffer> r) {
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    JsonArray events = r.bodyAsJsonObject().getJsonArray("events");
    return events.getJsonObject(events.size() - 1).getLong("offset");
  }

  private static JsonObject book(String id) {
    return action("alice", "book", id, new JsonObject().put("author", "A").put("genre", "SciFi"));
  }

  @Test
  void a_sync_view_that_cannot_read_the_log_as_it_starts_does_not_skip_what_it_missed() {
    String db = TestDatabase.fresh();
    // Enough workspaces for every partition to hold some: the fault fails whichever reads first.
    List<String> workspaces = IntStream.range(0, 16).mapToObj(i -> WS + "-" + i).toList();
    Map<String, Long> last = new HashMap<>();
    try (TestNode node = TestNode.start(dataDir, db, Map.of())) {
      for (String ws : workspaces) {
        long base = 0;
        for (int i = 0; i < 2; i++) {
          base = appended(node.append(ws, batch(base, book("b" + i))));
        }
        last.put(ws, base);
      }
    }
    // The view behind the log, as a view newly added to an app is: its rows and its checkpoints gone.
    TestDatabase.execute(db, "DELETE FROM view_rows WHERE view = 'genre_counts'");
    TestDatabase.execute(db, "DELETE FROM checkpoints WHERE entity = 'view:genre_counts'");

    try (TestNode node = TestNode.start(dataDir, db, Map.of("HIGHWATER_FAULT", "log-read@view:genre_counts@1@fail"))) {
      for (String ws : workspaces) {
        long next = appended(node.append(ws, batch(last.get(ws), book("b2"))));
        for (String level : new String[] {"cache", "storage"}) {
          HttpResponse<Buffer> read = node.get("/v1/apps/bookstore/ws/" + ws + "/views/genre_counts/SciFi?consistentAt=" + next
              + "&level=" + level + "&timeoutMs=10000");
          assertThat(read.statusCode()).as(read.bodyAsString()).isEqualTo(200);
          assertThat(read.bodyAsJsonObject().getJsonObject("value").getLong("count")).as("SciFi books of %s at %s", ws, level)
              .isEqualTo(3);
        }
      }
    }
  }
}
