package io.highwater.it;

import static io.highwater.it.TestNode.action;
import static io.highwater.it.TestNode.batch;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /metrics} of a real node read back as Prometheus text: appends, group commits, flushes,
 * watermarks and WebSocket subscriptions move the meters by what was done, and Vert.x's, the JVM's
 * and the process's meters are there beside them.
 */
class MetricsTest {

  private static final Duration LIMIT = Duration.ofSeconds(30);

  @TempDir
  Path dir;

  @Test
  void the_meters_move_by_what_the_node_did() throws Exception {
    try (TestNode node = TestNode.start(dir, TestDatabase.fresh(), Map.of("HIGHWATER_RECORDS_FLUSH_INTERVAL_MS", "20"))) {
      PrometheusText before = scrape(node);
      String ws = "metered";

      HttpResponse<Buffer> first = node.append(ws, batch(0,
          action("alice", "book", "a", new JsonObject().put("author", "Le Guin").put("genre", "SciFi")),
          action("alice", "book", "b", new JsonObject().put("author", "Le Guin").put("genre", "SciFi"))));
      assertThat(first.statusCode()).as(first.bodyAsString()).isEqualTo(200);
      int partition = first.bodyAsJsonObject().getInteger("partition");
      long last = first.bodyAsJsonObject().getJsonArray("events").getJsonObject(1).getLong("offset");
      HttpResponse<Buffer> second = node.append(ws, batch(last, action("bob", "book", "a", new JsonObject().put("genre", "Fantasy"))));
      assertThat(second.statusCode()).as(second.bodyAsString()).isEqualTo(200);
      last = second.bodyAsJsonObject().getJsonArray("events").getJsonObject(0).getLong("offset");
      // Based before bob's event on the same book: a conflict, nothing written.
      HttpResponse<Buffer> conflict = node.append(ws, batch(last - 1, action("carol", "book", "a", new JsonObject().put("genre", "Poetry"))));
      assertThat(conflict.statusCode()).as(conflict.bodyAsString()).isEqualTo(409);
      HttpResponse<Buffer> bad = node.append(ws, new JsonObject().put("baseOffset", 0).put("events", "none"));
      assertThat(bad.statusCode()).as(bad.bodyAsString()).isEqualTo(400);

      String p = String.valueOf(partition);
      long end = last;
      PrometheusText settled = scrapeUntil(node, s ->
          s.sum("highwater_watermark", "partition", p, "entity", "records", "level", "storage") == end
              && s.sum("highwater_watermark", "partition", p, "entity", "view:books_by_author", "level", "storage") == end
              && s.sum("highwater_lag_events", "partition", p, "entity", "records", "level", "storage") == 0
              && s.sum("highwater_cp_offset", "partition", p) == end);

      SoftAssertions softly = new SoftAssertions();
      softly.assertThat(delta(before, settled, "highwater_appends_total", "app", "bookstore", "result", "ok")).as("ok appends").isEqualTo(2);
      softly.assertThat(delta(before, settled, "highwater_append_events_total", "app", "bookstore", "result", "ok")).as("ok events").isEqualTo(3);
      softly.assertThat(delta(before, settled, "highwater_appends_total", "app", "bookstore", "result", "conflict")).as("conflicts").isEqualTo(1);
      softly.assertThat(delta(before, settled, "highwater_appends_total", "app", "bookstore", "result", "rejected")).as("rejected").isEqualTo(1);
      softly.assertThat(delta(before, settled, "highwater_append_seconds_count", "app", "bookstore", "result", "ok")).as("timed").isEqualTo(2);
      softly.assertThat(settled.sum("highwater_append_seconds_bucket", "app", "bookstore", "result", "ok", "le", "+Inf"))
          .as("histogram's +Inf bucket").isEqualTo(settled.sum("highwater_append_seconds_count", "app", "bookstore", "result", "ok"));
      softly.assertThat(settled.sum("highwater_append_seconds_sum", "app", "bookstore", "result", "ok")).as("time spent").isGreaterThan(0);
      // The conflict wrote nothing: only the two stored batches' events were group-committed.
      softly.assertThat(delta(before, settled, "highwater_group_events_sum", "app", "bookstore")).as("events group-committed").isEqualTo(3);
      softly.assertThat(delta(before, settled, "highwater_group_events_count", "app", "bookstore")).as("group commits").isBetween(1.0, 2.0);
      softly.assertThat(delta(before, settled, "highwater_flush_rows_sum", "app", "bookstore", "entity", "records"))
          .as("record rows flushed (books a and b)").isGreaterThanOrEqualTo(2);
      softly.assertThat(delta(before, settled, "highwater_flush_seconds_count", "app", "bookstore", "entity", "records")).as("flushes").isPositive();
      softly.assertThat(settled.value("highwater_watermark", "app", "bookstore", "partition", p, "entity", "records", "level", "cache"))
          .isEqualTo(end);
      softly.assertThat(settled.value("highwater_lag_events", "app", "bookstore", "partition", p, "entity", "view:genre_counts", "level", "cache"))
          .isEqualTo(0);
      // Vert.x's own meters, labelled by route, and the JVM's and the process's.
      softly.assertThat(delta(before, settled, "vertx_http_server_requests_total", "route", "/v1/apps/:app/ws/:ws/events", "method", "POST"))
          .as("HTTP requests to the append route").isEqualTo(4);
      softly.assertThat(settled.has("vertx_eventbus_processed_total")).as("event bus meters").isTrue();
      softly.assertThat(settled.has("vertx_pool_in_use")).as("pool meters").isTrue();
      softly.assertThat(settled.sum("jvm_memory_used_bytes")).as("JVM memory").isPositive();
      softly.assertThat(settled.sum("process_uptime_seconds")).as("process uptime").isPositive();
      softly.assertThat(settled.has("jvm_threads_live_threads")).isTrue();
      softly.assertAll();

      WebSocketClient sockets = node.clientVertx().createWebSocketClient();
      WebSocket socket = sockets.connect(node.httpPort(), "127.0.0.1", "/v1/ws").await();
      LinkedBlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();
      socket.textMessageHandler(text -> frames.add(new JsonObject(text)));
      socket.writeTextMessage(new JsonObject().put("op", "watch").put("id", "w1").put("app", "bookstore").put("ws", ws)
          .put("entity", "*").put("level", "cache").encode()).await();
      assertThat(frames.poll(LIMIT.toSeconds(), TimeUnit.SECONDS)).as("the watch's first frame").isNotNull();
      PrometheusText watching = scrape(node);
      assertThat(watching.value("highwater_websocket_subscriptions")).as("while watching").isEqualTo(1);
      socket.close().await();
      PrometheusText closed = scrapeUntil(node, s -> s.value("highwater_websocket_subscriptions") == 0);
      assertThat(delta(before, closed, "highwater_websocket_disconnects_total", "reason", "normal")).as("normal closes").isEqualTo(1);
      sockets.close().await();
    }
  }

  private static double delta(PrometheusText before, PrometheusText after, String name, String... labels) {
    return after.sum(name, labels) - before.sum(name, labels);
  }

  static PrometheusText scrape(TestNode node) {
    HttpResponse<Buffer> r = node.get("/metrics");
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    assertThat(r.getHeader("content-type")).startsWith("text/plain");
    return PrometheusText.parse(r.bodyAsString());
  }

  /** Scrapes until {@code done} holds or the limit passes; the last scrape. */
  static PrometheusText scrapeUntil(TestNode node, Predicate<PrometheusText> done) throws InterruptedException {
    long deadline = System.nanoTime() + LIMIT.toNanos();
    PrometheusText last = scrape(node);
    while (!done.test(last) && System.nanoTime() < deadline) {
      Thread.sleep(100);
      last = scrape(node);
    }
    return last;
  }
}
