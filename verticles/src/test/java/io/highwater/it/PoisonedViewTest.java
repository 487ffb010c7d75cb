package io.highwater.it;

import static io.highwater.it.StatusNotes.eventually;
import static io.highwater.it.TestNode.action;
import static io.highwater.it.TestNode.batch;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A projector that throws stops only its own view, at that event, visibly and without telling the
 * sealed values it saw; the view is tried again with back-off, then parked; an operator resumes it
 * once the fault is fixed (it catches up) or skips the event (recorded, and skipped by rebuilds and
 * after restarts). Appends and the other views go on meanwhile.
 */
class PoisonedViewTest {

  private static final String SECRET = "s3cr3t-4111-1111";
  /** Each test's projector throws while its file exists. */
  private static final String[] FAULTS = {"pa", "pk", "ps", "pq"};

  @TempDir
  static Path dir;
  static TestNode node;

  @BeforeAll
  static void start() throws IOException {
    for (String fault : FAULTS) {
      Files.createFile(dir.resolve(fault + ".fault"));
    }
    Path conf = TestNode.confWith(dir, config -> {
      JsonObject apps = config.getJsonObject("apps");
      apps.put("pa", app(failing("fragile", "async", "pa")));
      apps.put("pk", app(failing("fragile", "async", "pk")));
      apps.put("ps", app(failing("fragile_sync", "sync", "ps")
          .put("count_sync", new JsonObject().put("projector", "count").put("mode", "sync")
              .put("options", new JsonObject().put("type", "book").put("field", "author")))));
      apps.put("pq", app(failing("fragile_sync", "sync", "pq")));
    });
    node = TestNode.start(Files.createDirectories(dir.resolve("data")), TestDatabase.fresh(),
        Map.of("HIGHWATER_CONF_DIR", conf.toString(), "HIGHWATER_VIEWS_FLUSH_INTERVAL_MS", "20",
            "HIGHWATER_VIEWS_RETRY_ATTEMPTS", "2", "HIGHWATER_VIEWS_RETRY_INITIAL_BACKOFF_MS", "400",
            "HIGHWATER_VIEWS_RETRY_MAX_BACKOFF_MS", "800"));
  }

  private static JsonObject failing(String name, String mode, String fault) {
    return new JsonObject().put(name, new JsonObject().put("projector", "failing").put("mode", mode)
        .put("options", new JsonObject().put("field", "poison").put("echo", "secret")
            .put("whileFile", dir.resolve(fault + ".fault").toString())));
  }

  private static JsonObject app(JsonObject views) {
    return new JsonObject().put("partitions", 1).put("views", views
        .put("by_author", new JsonObject().put("projector", "index").put("mode", "async")
            .put("options", new JsonObject().put("type", "book").put("field", "author"))));
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private static JsonObject entity(String app, String view) {
    return node.get("/v1/apps/" + app + "/partitions/0/consistency").bodyAsJsonObject().getJsonObject("entities")
        .getJsonObject("view:" + view);
  }

  private static long append(String app, JsonObject event) {
    HttpResponse<Buffer> r = node.post("/v1/apps/" + app + "/ws/w/events", batch(0, event));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    return r.bodyAsJsonObject().getJsonArray("events").getJsonObject(0).getLong("offset");
  }

  private static long book(String app, String id, String author) {
    return append(app, action("a", "book", id, new JsonObject().put("author", author)));
  }

  /** A book the failing projectors throw on, with a sealed value they put in their message. */
  private static long poisoned(String app, String id) {
    return append(app, action("a", "book", id, new JsonObject().put("author", "P").put("poison", true).put("secret", SECRET))
        .put("triggers", new JsonArray().add(new JsonArray().add("encryption-key").add(id)))
        .put("seal", new JsonArray().add("secret")));
  }

  private static HttpResponse<Buffer> repair(String app, String view, String op, JsonObject body) {
    return node.post("/v1/apps/" + app + "/views/" + view + "/partitions/0/" + op, body);
  }

  /** The view's value of {@code seen}: the failing projector writes there the offset of every action it projects. */
  private static long seen(String app, String view, long consistentAt, String level) {
    HttpResponse<Buffer> r = node.get("/v1/apps/" + app + "/ws/w/views/" + view + "/seen?consistentAt=" + consistentAt + "&level=" + level);
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    return r.bodyAsJsonObject().getJsonObject("value").getLong("last");
  }

  private static void assertFailedWithoutTheSecret(JsonObject status, long at, String id) {
    assertThat(status.getLong("failedAt")).isEqualTo(at);
    assertThat(status.getString("error")).isEqualTo("java.lang.IllegalStateException: poisoned aggregate book/" + id + " with secret [sealed]");
    assertThat(status.encode()).doesNotContain(SECRET);
    assertThat(status.getLong("cache")).as("no watermark over the event it failed at").isLessThan(at);
  }

  private static JsonObject byAuthor(String app, String author, long consistentAt) {
    HttpResponse<Buffer> r = node.get("/v1/apps/" + app + "/ws/w/views/by_author/" + author + "?consistentAt=" + consistentAt + "&level=storage");
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    return r.bodyAsJsonObject().getJsonObject("value");
  }

  @Test
  void an_async_view_is_retried_then_parked_and_once_fixed_a_resume_catches_it_up() throws IOException {
    long ok = book("pa", "ok", "A");
    long poison = poisoned("pa", "bad");
    long later = book("pa", "later", "A");

    JsonObject failed = eventually(() -> entity("pa", "fragile"), e -> "failed".equals(e.getString("status")));
    assertFailedWithoutTheSecret(failed, poison, "bad");
    assertThat(failed.getInteger("attempts")).isBetween(1, 2);
    assertThat(failed.getString("nextRetryAt")).isNotBlank();

    JsonObject parked = eventually(() -> entity("pa", "fragile"), e -> "parked".equals(e.getString("status")));
    assertFailedWithoutTheSecret(parked, poison, "bad");
    assertThat(parked.getInteger("attempts")).as("the first try and two retries").isEqualTo(3);
    assertThat(parked.containsKey("nextRetryAt")).isFalse();

    // The rest of the partition goes on: appends, the other view; the failed one is not read as consistent.
    long more = book("pa", "more", "A");
    assertThat(byAuthor("pa", "A", more).getJsonArray("ids").getList()).containsExactly("later", "more", "ok");
    assertThat(byAuthor("pa", "P", more).getJsonArray("ids").getList()).containsExactly("bad");
    assertThat(node.get("/v1/apps/pa/ws/w/views/fragile/seen?consistentAt=" + later + "&timeoutMs=200").statusCode()).isEqualTo(504);
    assertThat(entity("pa", "fragile").getString("status")).as("parked stays parked").isEqualTo("parked");
    assertThat(seen("pa", "fragile", ok, "storage")).isEqualTo(ok);

    Files.delete(dir.resolve("pa.fault"));
    HttpResponse<Buffer> resumed = repair("pa", "fragile", "resume", new JsonObject());
    assertThat(resumed.statusCode()).as(resumed.bodyAsString()).isEqualTo(200);
    assertThat(resumed.bodyAsJsonObject().getString("status")).isEqualTo("resumed");
    assertThat(resumed.bodyAsJsonObject().getLong("offset")).isEqualTo(poison);

    assertThat(seen("pa", "fragile", more, "storage")).isEqualTo(more);
    JsonObject healthy = eventually(() -> entity("pa", "fragile"), e -> !e.containsKey("status"));
    assertThat(healthy.containsKey("failedAt")).isFalse();
    assertThat(healthy.containsKey("error")).isFalse();
    long after = book("pa", "after", "A");
    assertThat(seen("pa", "fragile", after, "cache")).isEqualTo(after);

    HttpResponse<Buffer> notFailed = repair("pa", "fragile", "resume", new JsonObject());
    assertThat(notFailed.statusCode()).isEqualTo(409);
    assertThat(notFailed.bodyAsJsonObject().getJsonObject("error").getString("code")).isEqualTo("conflict");
    assertThat(notFailed.bodyAsJsonObject().getJsonObject("error").getString("message")).contains("not failed or parked");
    assertThat(repair("pa", "nope", "resume", new JsonObject()).statusCode()).isEqualTo(404);
    assertThat(node.post("/v1/apps/pa/views/fragile/partitions/7/resume", new JsonObject()).statusCode()).isEqualTo(404);
  }

  @Test
  void a_skipped_event_is_recorded_and_visible_and_the_view_goes_past_it_through_rebuilds_and_restarts() {
    long ok = book("pk", "ok", "A");
    long poison = poisoned("pk", "bad");
    long later = book("pk", "later", "A");
    eventually(() -> entity("pk", "fragile"), e -> "parked".equals(e.getString("status")));

    // Bad input changes nothing.
    HttpResponse<Buffer> wrong = repair("pk", "fragile", "skip", new JsonObject().put("offset", later));
    assertThat(wrong.statusCode()).isEqualTo(400);
    assertThat(wrong.bodyAsJsonObject().getJsonObject("error").getString("message")).startsWith("offset:").contains(String.valueOf(poison));
    HttpResponse<Buffer> missing = repair("pk", "fragile", "skip", new JsonObject());
    assertThat(missing.statusCode()).isEqualTo(400);
    assertThat(missing.bodyAsJsonObject().getJsonObject("error").getString("message")).startsWith("offset:");
    assertThat(repair("pk", "fragile", "skip", new JsonObject().put("offset", "x")).statusCode()).isEqualTo(400);
    assertThat(node.postRaw("/v1/apps/pk/views/fragile/partitions/0/skip", Buffer.buffer("{nope")).statusCode()).isEqualTo(400);
    JsonObject still = entity("pk", "fragile");
    assertThat(still.getString("status")).isEqualTo("parked");
    assertThat(still.containsKey("skipped")).isFalse();

    HttpResponse<Buffer> skipped = repair("pk", "fragile", "skip", new JsonObject().put("offset", poison));
    assertThat(skipped.statusCode()).as(skipped.bodyAsString()).isEqualTo(200);
    assertThat(skipped.bodyAsJsonObject().getString("status")).isEqualTo("skipped");

    assertThat(seen("pk", "fragile", later, "storage")).isEqualTo(later);
    assertSkipped(poison);
    assertThat(repair("pk", "fragile", "skip", new JsonObject().put("offset", poison)).statusCode()).isEqualTo(409);

    // A rebuild from offset 0 skips it too (the fault is still there: it would fail otherwise).
    assertThat(node.post("/v1/apps/pk/views/fragile/rebuild", new JsonObject()).statusCode()).isEqualTo(202);
    long during = book("pk", "during", "A");
    JsonObject rebuilt = eventually(() -> entity("pk", "fragile"), e -> !e.containsKey("rebuild") && e.getLong("storage") >= during);
    assertThat(rebuilt.containsKey("status")).as(rebuilt.encode()).isFalse();
    assertThat(seen("pk", "fragile", during, "storage")).isEqualTo(during);
    assertSkipped(poison);

    node = node.restart();
    assertSkipped(poison);
    long afterRestart = book("pk", "after", "A");
    assertThat(seen("pk", "fragile", afterRestart, "storage")).isEqualTo(afterRestart);
    assertThat(entity("pk", "fragile").containsKey("status")).isFalse();
    assertThat(byAuthor("pk", "A", afterRestart).getJsonArray("ids").getList()).containsExactly("after", "during", "later", "ok");
    assertThat(ok).isLessThan(poison);
  }

  private static void assertSkipped(long poison) {
    JsonArray list = entity("pk", "fragile").getJsonArray("skipped");
    assertThat(list).as("skipped events listed").isNotNull().hasSize(1);
    JsonObject skip = list.getJsonObject(0);
    assertThat(skip.getLong("offset")).isEqualTo(poison);
    assertThat(skip.getString("error")).isEqualTo("java.lang.IllegalStateException: poisoned aggregate book/bad with secret [sealed]");
    assertThat(skip.getString("at")).isNotBlank();
  }

  @Test
  void a_sync_view_stops_alone_the_appends_go_on_and_once_fixed_a_resume_catches_it_up_from_the_log() throws Exception {
    long before = book("ps", "fine", "A");
    long poison = poisoned("ps", "toxic");
    long after = book("ps", "fine2", "A");
    assertThat(after).isEqualTo(poison + 1);
    HttpResponse<Buffer> record = node.get("/v1/apps/ps/ws/w/aggregates/book/toxic?consistentAt=" + poison);
    assertThat(record.statusCode()).as(record.bodyAsString()).isEqualTo(200);

    JsonObject failed = eventually(() -> entity("ps", "fragile_sync"), e -> "failed".equals(e.getString("status")));
    assertFailedWithoutTheSecret(failed, poison, "toxic");
    assertThat(failed.getLong("cache")).isGreaterThanOrEqualTo(before);
    assertThat(failed.getString("nextRetryAt")).isNotBlank();
    JsonObject parked = eventually(() -> entity("ps", "fragile_sync"), e -> "parked".equals(e.getString("status")));
    assertThat(parked.getInteger("attempts")).isEqualTo(3);
    assertFailedWithoutTheSecret(parked, poison, "toxic");

    // The other sync view and the async one go on.
    long more = book("ps", "fine3", "A");
    HttpResponse<Buffer> count = node.get("/v1/apps/ps/ws/w/views/count_sync/A?consistentAt=" + more);
    assertThat(count.statusCode()).as(count.bodyAsString()).isEqualTo(200);
    assertThat(count.bodyAsJsonObject().getJsonObject("value").getInteger("count")).isEqualTo(3);
    assertThat(byAuthor("ps", "P", more).getJsonArray("ids").getList()).containsExactly("toxic");
    assertThat(node.get("/v1/apps/ps/ws/w/views/fragile_sync/seen?consistentAt=" + after + "&timeoutMs=200").statusCode()).isEqualTo(504);
    assertThat(entity("ps", "fragile_sync").getLong("cache")).isLessThan(poison);

    // Restarted with the fault still there, the view fails again as it catches up, and the command
    // processor does not project into it from the log's end on.
    node = node.restart();
    JsonObject again = eventually(() -> entity("ps", "fragile_sync"), e -> e.containsKey("failedAt"));
    assertFailedWithoutTheSecret(again, poison, "toxic");
    long whileFailed = book("ps", "fine5", "A");
    HttpResponse<Buffer> counted = node.get("/v1/apps/ps/ws/w/views/count_sync/A?consistentAt=" + whileFailed);
    assertThat(counted.bodyAsJsonObject().getJsonObject("value").getInteger("count")).isEqualTo(4);
    assertThat(entity("ps", "fragile_sync").getLong("cache")).as("no watermark over the event it failed at").isLessThan(poison);
    assertThat(node.get("/v1/apps/ps/ws/w/views/fragile_sync/seen?consistentAt=" + whileFailed + "&timeoutMs=200").statusCode())
        .isEqualTo(504);

    Files.delete(dir.resolve("ps.fault"));
    resumeOrRetried("ps", "fragile_sync");

    assertThat(seen("ps", "fragile_sync", whileFailed, "cache")).isEqualTo(whileFailed);
    assertThat(seen("ps", "fragile_sync", whileFailed, "storage")).isEqualTo(whileFailed);
    // The status clears once the view is handed back to the command processor.
    eventually(() -> entity("ps", "fragile_sync"), e -> !e.containsKey("status"));
    // Projected by the command processor again, as the append answers.
    long next = book("ps", "fine4", "A");
    assertThat(seen("ps", "fragile_sync", next, "cache")).isEqualTo(next);
    assertThat(entity("ps", "fragile_sync").getLong("cache")).isGreaterThanOrEqualTo(next);
    assertThat(repair("ps", "fragile_sync", "skip", new JsonObject().put("offset", poison)).statusCode()).isEqualTo(409);
  }

  @Test
  void a_sync_view_skips_a_recorded_event_and_is_projected_by_the_command_processor_again() {
    long ok = book("pq", "ok", "A");
    long poison = poisoned("pq", "bad");
    long later = book("pq", "later", "A");
    eventually(() -> entity("pq", "fragile_sync"), e -> "parked".equals(e.getString("status")));
    assertThat(node.get("/v1/apps/pq/ws/w/views/fragile_sync/seen?consistentAt=" + later + "&timeoutMs=200").statusCode()).isEqualTo(504);

    HttpResponse<Buffer> skipped = repair("pq", "fragile_sync", "skip", new JsonObject().put("offset", poison));
    assertThat(skipped.statusCode()).as(skipped.bodyAsString()).isEqualTo(200);

    assertThat(seen("pq", "fragile_sync", later, "cache")).isEqualTo(later);
    JsonObject healthy = eventually(() -> entity("pq", "fragile_sync"), e -> !e.containsKey("status"));
    assertThat(healthy.getJsonArray("skipped").getJsonObject(0).getLong("offset")).isEqualTo(poison);
    long next = book("pq", "next", "A");
    assertThat(seen("pq", "fragile_sync", next, "cache")).isEqualTo(next);
    assertThat(seen("pq", "fragile_sync", next, "storage")).isEqualTo(next);
    assertThat(ok).isLessThan(poison);
  }

  /**
   * Resumes a failed view whose fault is gone: a retry of its own that runs at that moment answers 409
   * ("being tried again") and then succeeds by itself, which is as good.
   */
  private static void resumeOrRetried(String app, String view) throws InterruptedException {
    long until = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
    while (true) {
      HttpResponse<Buffer> resumed = repair(app, view, "resume", new JsonObject());
      if (resumed.statusCode() == 200 || (resumed.statusCode() == 409 && !entity(app, view).containsKey("failedAt"))) {
        return;
      }
      assertThat(resumed.statusCode()).as(resumed.bodyAsString()).isEqualTo(409);
      assertThat(System.nanoTime()).as("resumed within 30 s: " + resumed.bodyAsString()).isLessThan(until);
      Thread.sleep(200);
    }
  }
}
