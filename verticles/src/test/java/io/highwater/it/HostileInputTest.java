package io.highwater.it;

import static io.highwater.it.TestNode.action;
import static io.highwater.it.TestNode.batch;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Input that is not Unicode text, numbers that are not finite: 400, nothing stored. Values shaped like
 * the server's sealed values: stored and answered as sent.
 */
class HostileInputTest {

  @TempDir
  static Path dataDir;
  static TestNode node;

  @BeforeAll
  static void start() {
    node = TestNode.start(dataDir, 20);
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private static long lastOffset(String ws) {
    return node.consistency(ws).getLong("cpOffset");
  }

  private static String message(HttpResponse<Buffer> r) {
    return r.bodyAsJsonObject().getJsonObject("error").getString("message");
  }

  private static HttpResponse<Buffer> appendRaw(String ws, String assoc) {
    String body = "{\"events\": [{\"action\": {\"reason\": \"update\", \"actor\": [\"user\", \"alice\"],"
        + " \"aggregate\": [\"book\", \"a\"], \"patch\": {\"assoc\": " + assoc + "}}}]}";
    return node.postRaw("/v1/apps/bookstore/ws/" + ws + "/events", Buffer.buffer(body));
  }

  @Test
  void bad_text_and_numbers_in_an_append_are_400_naming_the_field_and_store_nothing() {
    String ws = "hostile-append";
    assertThat(node.append(ws, batch(0, action("alice", "book", "a", new JsonObject().put("title", "T")))).statusCode())
        .isEqualTo(200);
    long before = lastOffset(ws);

    HttpResponse<Buffer> nul = appendRaw(ws, "{\"title\": \"x\\u0000\"}");
    assertThat(nul.statusCode()).isEqualTo(400);
    assertThat(message(nul)).startsWith("events[0].action.patch.assoc.title");

    HttpResponse<Buffer> surrogate = appendRaw(ws, "{\"title\": {\"deep\": [\"\\ud800\"]}}");
    assertThat(surrogate.statusCode()).isEqualTo(400);
    assertThat(message(surrogate)).startsWith("events[0].action.patch.assoc.title.deep[0]");

    HttpResponse<Buffer> huge = appendRaw(ws, "{\"n\": 1e400}");
    assertThat(huge.statusCode()).isEqualTo(400);
    assertThat(message(huge)).startsWith("events[0].action.patch.assoc.n");

    assertThat(lastOffset(ws)).isEqualTo(before);
    HttpResponse<Buffer> record = node.get("/v1/apps/bookstore/ws/" + ws + "/aggregates/book/a");
    assertThat(record.statusCode()).isEqualTo(200);
    assertThat(node.stream("/v1/apps/bookstore/ws/" + ws + "/events")).hasSize(1);
  }

  @Test
  void a_value_shaped_like_a_sealed_value_is_stored_and_answered_as_sent() {
    String ws = "hostile-forged";
    String forged = "{\"$sealed\": {\"trigger\": [\"encryption-key\", \"1\"], \"data\": \"AAAA\"}}";
    String assoc = "{\"author\": " + forged + ", \"x\": {\"deep\": [" + forged + "]}}";
    HttpResponse<Buffer> r = appendRaw(ws, assoc);
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    JsonObject stored = r.bodyAsJsonObject().getJsonArray("events").getJsonObject(0);
    assertThat(stored.getJsonObject("action").getJsonObject("patch").getJsonObject("assoc")).isEqualTo(new JsonObject(assoc));
    long offset = stored.getLong("offset");
    String key = URLEncoder.encode(new JsonObject(forged).encode(), StandardCharsets.UTF_8).replace("+", "%20");
    for (String level : List.of("cache", "storage")) {
      String at = "?consistentAt=" + offset + "&level=" + level;
      HttpResponse<Buffer> record = node.get("/v1/apps/bookstore/ws/" + ws + "/aggregates/book/a" + at);
      assertThat(record.statusCode()).as(record.bodyAsString()).isEqualTo(200);
      assertThat(record.bodyAsJsonObject().getJsonObject("state")).as(level).isEqualTo(new JsonObject(assoc));
      assertThat(record.bodyAsJsonObject().containsKey("expired")).isFalse();
      HttpResponse<Buffer> view = node.get("/v1/apps/bookstore/ws/" + ws + "/views/books_by_author/" + key + at);
      assertThat(view.statusCode()).as(view.bodyAsString()).isEqualTo(200);
      assertThat(view.bodyAsJsonObject().getJsonObject("value")).as(level)
          .isEqualTo(new JsonObject().put("ids", new JsonArray().add("a")).put("count", 1));
    }
    assertThat(node.stream("/v1/apps/bookstore/ws/" + ws + "/events").get(0).getJsonObject("action").getJsonObject("patch")
        .getJsonObject("assoc")).isEqualTo(new JsonObject(assoc));
  }

  @Test
  void bad_text_in_read_parameters_is_400_naming_the_parameter() {
    String ws = "hostile-reads";
    HttpResponse<Buffer> id = node.get("/v1/apps/bookstore/ws/" + ws + "/aggregates/book/a%00");
    assertThat(id.statusCode()).isEqualTo(400);
    assertThat(message(id)).startsWith("id");

    HttpResponse<Buffer> filter = node.get("/v1/apps/bookstore/ws/" + ws + "/events?aggregate=book/a%00");
    assertThat(filter.statusCode()).isEqualTo(400);
    assertThat(message(filter)).startsWith("aggregate");
  }

  @Test
  void an_effect_on_a_trigger_no_action_links_is_stored() {
    String ws = "hostile-effect";
    JsonObject effect = new JsonObject().put("source", "keystore").put("effect", new JsonObject()
        .put("reason", "key-expired").put("trigger", new JsonArray().add("encryption-key").add("nobody")));
    HttpResponse<Buffer> r = node.append(ws, batch(0, effect));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    assertThat(node.stream("/v1/apps/bookstore/ws/" + ws + "/events")).hasSize(1);
  }
}
