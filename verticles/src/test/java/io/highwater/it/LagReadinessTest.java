package io.highwater.it;

import static io.highwater.it.TestNode.action;
import static io.highwater.it.TestNode.batch;
import static org.assertj.core.api.Assertions.assertThat;

import io.highwater.config.FaultHook;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /health/ready} by lag: an async view that fails as it applies an event stays behind the command
 * processor; once it has been over the bound for long enough the node is unready, naming the view,
 * the partition and the lag; the next append lets the view catch up and the node is ready again.
 */
class LagReadinessTest {

  private static final Duration LIMIT = Duration.ofSeconds(30);
  private static final String VIEW = "view:books_by_author";

  @TempDir
  Path dir;

  @Test
  void a_view_that_stays_behind_withdraws_readiness_with_the_reason_until_it_catches_up() throws Exception {
    Path conf = TestNode.confWith(dir, config -> config.put("health", new JsonObject()
        .put("maxViewLagEvents", 1_000_000).put("maxViewLagMs", 1_000).put("overForMs", 500)
        .put("maxSilenceMs", 3_000).put("checkIntervalMs", 100)));
    // The view fails once as it applies offset 2, before it reports it; it goes on with the next append.
    try (TestNode node = TestNode.start(dir.resolve("data"), TestDatabase.fresh(), Map.of(
        "HIGHWATER_CONF_DIR", conf.toString(),
        "HIGHWATER_RECORDS_FLUSH_INTERVAL_MS", "20",
        FaultHook.VARIABLE, "cache-applied@" + VIEW + "@2@fail"))) {
      String ws = "lagging";
      HttpResponse<Buffer> first = node.append(ws, batch(0, action("alice", "book", "a", new JsonObject().put("author", "Le Guin"))));
      assertThat(first.statusCode()).as(first.bodyAsString()).isEqualTo(200);
      int partition = first.bodyAsJsonObject().getInteger("partition");
      String p = String.valueOf(partition);
      MetricsTest.scrapeUntil(node, s -> s.sum("highwater_watermark", "partition", p, "entity", VIEW, "level", "cache") == 1);
      assertThat(awaitReadiness(node, 200).statusCode()).as("ready while the view keeps up").isEqualTo(200);

      HttpResponse<Buffer> second = node.append(ws, batch(1, action("alice", "book", "b", new JsonObject().put("author", "Le Guin"))));
      assertThat(second.statusCode()).as(second.bodyAsString()).isEqualTo(200);
      long started = System.nanoTime();
      HttpResponse<Buffer> unready = awaitReadiness(node, 503);
      long tookMs = (System.nanoTime() - started) / 1_000_000;
      assertThat(unready.statusCode()).as("readiness while the view is stuck: %s", unready.bodyAsString()).isEqualTo(503);
      assertThat(tookMs).as("not before the lag was over the bound for long enough").isGreaterThanOrEqualTo(1_400);
      assertThat(unready.bodyAsString()).as("the reason")
          .contains(VIEW + " of bookstore/" + partition, "1 events", "watermark 1", "behind the command processor");
      assertThat(unready.bodyAsJsonObject().getJsonArray("checks").stream().map(JsonObject.class::cast)
          .filter(c -> c.getString("id").equals("watermarks")).findFirst().orElseThrow().getString("status")).isEqualTo("DOWN");
      PrometheusText stuck = MetricsTest.scrape(node);
      assertThat(stuck.value("highwater_lag_events", "partition", p, "entity", VIEW, "level", "cache")).isEqualTo(1);
      assertThat(stuck.value("highwater_lag_seconds", "partition", p, "entity", VIEW, "level", "cache")).isGreaterThanOrEqualTo(1.0);
      assertThat(stuck.value("highwater_lag_events", "partition", p, "entity", "records", "level", "cache")).isZero();

      HttpResponse<Buffer> third = node.append(ws, batch(2, action("alice", "book", "c", new JsonObject().put("author", "Le Guin"))));
      assertThat(third.statusCode()).as(third.bodyAsString()).isEqualTo(200);
      HttpResponse<Buffer> ready = awaitReadiness(node, 200);
      assertThat(ready.statusCode()).as("readiness once the view caught up: %s", ready.bodyAsString()).isEqualTo(200);
      assertThat(MetricsTest.scrape(node).value("highwater_watermark", "partition", p, "entity", VIEW, "level", "cache")).isEqualTo(3);
    }
  }

  private static HttpResponse<Buffer> awaitReadiness(TestNode node, int status) throws InterruptedException {
    long deadline = System.nanoTime() + LIMIT.toNanos();
    HttpResponse<Buffer> last = node.get("/health/ready");
    while (last.statusCode() != status && System.nanoTime() < deadline) {
      Thread.sleep(50);
      last = node.get("/health/ready");
    }
    return last;
  }
}
