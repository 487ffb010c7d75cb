package io.highwater.it;

import static io.highwater.it.TestNode.action;
import static io.highwater.it.TestNode.batch;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /health/ready} after the node was ready once: a partition of its share that it took again
 * and could not start makes it unready, naming the partition, until the partition starts.
 */
class ReadinessTest {

  private static final Duration LIMIT = Duration.ofSeconds(20);

  @TempDir
  Path dir;

  @Test
  void a_partition_that_fails_to_start_withdraws_readiness_until_it_starts() {
    String pgUrl = TestDatabase.fresh();
    try (TestNode node = TestNode.start(dir, pgUrl, Map.of("HIGHWATER_RECORDS_FLUSH_INTERVAL_MS", "20"))) {
      assertThat(node.get("/health/ready").statusCode()).isEqualTo(200);
      String ws = "readiness";
      HttpResponse<Buffer> first = node.append(ws, batch(0, action("alice", "book", "a", new JsonObject().put("genre", "SciFi"))));
      assertThat(first.statusCode()).as(first.bodyAsString()).isEqualTo(200);
      int partition = first.bodyAsJsonObject().getInteger("partition");

      // Behind the node's back: an event it cannot read after its checkpoint, and its ownership taken over
      // (by itself, under a newer epoch), so it stops the partition and starts it again, which fails.
      TestDatabase.execute(pgUrl, "INSERT INTO events (app, partition, offs, ws, agg_type, agg_id, body) VALUES ('bookstore', "
          + partition + ", 2, '" + ws + "', 'book', 'unreadable', '\"not an event\"'); "
          + "UPDATE partition_owners SET epoch = epoch + 1 WHERE app = 'bookstore' AND partition = " + partition);
      HttpResponse<Buffer> unready = awaitReadiness(node, 503);
      assertThat(unready.statusCode()).as("readiness while partition %d cannot start: %s", partition, unready.bodyAsString()).isEqualTo(503);
      assertThat(unready.bodyAsString()).as("names the partition").contains("bookstore/" + partition);

      TestDatabase.execute(pgUrl, "DELETE FROM events WHERE app = 'bookstore' AND partition = " + partition + " AND agg_id = 'unreadable'");
      HttpResponse<Buffer> ready = awaitReadiness(node, 200);
      assertThat(ready.statusCode()).as("readiness once the partition started: %s", ready.bodyAsString()).isEqualTo(200);
      HttpResponse<Buffer> next = node.append(ws, batch(1, action("alice", "book", "b", new JsonObject().put("genre", "SciFi"))));
      assertThat(next.statusCode()).as(next.bodyAsString()).isEqualTo(200);
      assertThat(next.bodyAsJsonObject().getJsonArray("events").getJsonObject(0).getLong("offset")).isEqualTo(2);
    }
  }

  /** Asks until readiness answers {@code status} or the limit passes; the last answer. */
  private static HttpResponse<Buffer> awaitReadiness(TestNode node, int status) {
    long deadline = System.nanoTime() + LIMIT.toNanos();
    HttpResponse<Buffer> last = node.get("/health/ready");
    while (last.statusCode() != status && System.nanoTime() < deadline) {
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      last = node.get("/health/ready");
    }
    return last;
  }
}
