package io.highwater.it;

import static io.highwater.it.TestNode.action;
import static io.highwater.it.StatusNotes.eventually;
import static io.highwater.it.TestNode.batch;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
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
 * A projector added from outside the server (a test jar's service entry and a config line) that
 * fails stops only its own view, visibly; and a view rebuilt beside the live one replaces it.
 */
class ViewFailureAndRebuildTest {

  @TempDir
  static Path dir;
  static TestNode node;

  @BeforeAll
  static void start() throws IOException {
    Path conf = TestNode.confWithApp(dir, "faulty", new JsonObject().put("partitions", 1).put("views", new JsonObject()
        .put("fragile", new JsonObject().put("projector", "failing").put("mode", "async")
            .put("options", new JsonObject().put("field", "poison")))
        .put("fragile_sync", new JsonObject().put("projector", "failing").put("mode", "sync")
            .put("options", new JsonObject().put("field", "venom")))
        .put("by_author", new JsonObject().put("projector", "index").put("mode", "async")
            .put("options", new JsonObject().put("type", "book").put("field", "author")))));
    node = TestNode.start(Files.createDirectories(dir.resolve("data")), TestDatabase.fresh(),
        Map.of("HIGHWATER_CONF_DIR", conf.toString(), "HIGHWATER_VIEWS_FLUSH_INTERVAL_MS", "20"));
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private static JsonObject consistency() {
    return node.get("/v1/apps/faulty/partitions/0/consistency").bodyAsJsonObject();
  }

  private static long append(String ws, JsonObject event) {
    HttpResponse<Buffer> r = node.post("/v1/apps/faulty/ws/" + ws + "/events", batch(0, event));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    return r.bodyAsJsonObject().getJsonArray("events").getJsonObject(0).getLong("offset");
  }

  @Test
  void a_failing_projector_stops_its_view_visibly_and_the_others_keep_going() {
    append("f", action("a", "book", "ok", new JsonObject().put("author", "A")));
    long poisoned = append("f", action("a", "book", "bad", new JsonObject().put("author", "B").put("poison", true)));
    long after = append("f", action("a", "book", "later", new JsonObject().put("author", "A")));

    HttpResponse<Buffer> byAuthor = node.get("/v1/apps/faulty/ws/f/views/by_author/A?consistentAt=" + after + "&level=storage");
    assertThat(byAuthor.statusCode()).as(byAuthor.bodyAsString()).isEqualTo(200);
    assertThat(byAuthor.bodyAsJsonObject().getJsonObject("value").getJsonArray("ids").getList()).containsExactly("later", "ok");

    JsonObject fragile = eventually(() -> consistency().getJsonObject("entities").getJsonObject("view:fragile"),
        e -> "failed".equals(e.getString("status")));
    assertThat(fragile.getLong("failedAt")).isEqualTo(poisoned);
    assertThat(fragile.getString("error")).contains("poisoned aggregate");
    assertThat(fragile.getLong("cache")).isLessThan(poisoned);

    HttpResponse<Buffer> timeout = node.get("/v1/apps/faulty/ws/f/views/fragile/seen?consistentAt=" + after + "&timeoutMs=200");
    assertThat(timeout.statusCode()).isEqualTo(504);
  }

  @Test
  void a_failing_sync_projector_stops_only_its_view_and_the_append_succeeds() {
    long before = append("s", action("a", "book", "fine", new JsonObject().put("author", "A")));
    long poisoned = append("s", action("a", "book", "toxic", new JsonObject().put("author", "B").put("venom", true)));
    long after = append("s", action("a", "book", "fine2", new JsonObject().put("author", "A")));
    assertThat(after).isEqualTo(poisoned + 1);

    HttpResponse<Buffer> record = node.get("/v1/apps/faulty/ws/s/aggregates/book/toxic?consistentAt=" + poisoned);
    assertThat(record.statusCode()).as(record.bodyAsString()).isEqualTo(200);

    JsonObject fragile = consistency().getJsonObject("entities").getJsonObject("view:fragile_sync");
    assertThat(fragile.getString("status")).isEqualTo("failed");
    assertThat(fragile.getLong("failedAt")).isEqualTo(poisoned);
    assertThat(fragile.getString("error")).contains("poisoned aggregate");
    assertThat(fragile.getLong("cache")).as("no watermark over the event it failed at").isBetween(before, poisoned - 1);

    HttpResponse<Buffer> timeout = node.get("/v1/apps/faulty/ws/s/views/fragile_sync/x?consistentAt=" + after + "&timeoutMs=200");
    assertThat(timeout.statusCode()).isEqualTo(504);
  }

  @Test
  void a_rebuilt_view_replaces_the_live_one_which_keeps_serving_meanwhile() {
    for (int i = 0; i < 30; i++) {
      append("r", action("a", "book", "b" + i, new JsonObject().put("author", i % 2 == 0 ? "Even" : "Odd")));
    }
    long last = consistency().getLong("cpOffset");
    HttpResponse<Buffer> before = node.get("/v1/apps/faulty/ws/r/views/by_author/Even?consistentAt=" + last + "&level=storage");
    assertThat(before.statusCode()).isEqualTo(200);
    long watermarkBefore = consistency().getJsonObject("entities").getJsonObject("view:by_author").getLong("cache");

    HttpResponse<Buffer> started = node.post("/v1/apps/faulty/views/by_author/rebuild", new JsonObject());
    assertThat(started.statusCode()).as(started.bodyAsString()).isEqualTo(202);
    assertThat(started.bodyAsJsonObject().getJsonArray("partitions").getJsonObject(0).getString("status")).isEqualTo("started");
    // The live view keeps answering while the copy is built.
    assertThat(node.get("/v1/apps/faulty/ws/r/views/by_author/Odd").statusCode()).isEqualTo(200);
    long more = append("r", action("a", "book", "b-late", new JsonObject().put("author", "Even")));

    JsonObject done = eventually(() -> consistency().getJsonObject("entities").getJsonObject("view:by_author"),
        e -> !e.containsKey("rebuild") && e.getLong("storage") >= more);
    assertThat(done.getLong("cache")).isGreaterThanOrEqualTo(watermarkBefore);

    JsonObject even = node.get("/v1/apps/faulty/ws/r/views/by_author/Even?consistentAt=" + more + "&level=storage").bodyAsJsonObject();
    assertThat(even.getJsonObject("value").getInteger("count")).isEqualTo(16);
    assertThat(even.getJsonObject("value").getJsonArray("ids").getList()).contains("b0", "b28", "b-late");
    JsonObject odd = node.get("/v1/apps/faulty/ws/r/views/by_author/Odd?consistentAt=" + more + "&level=cache").bodyAsJsonObject();
    assertThat(odd.getJsonObject("value").getInteger("count")).isEqualTo(15);

    assertThat(node.post("/v1/apps/bookstore/views/nope/rebuild", new JsonObject()).statusCode()).isEqualTo(404);
  }
}
