package io.highwater.it;

import static io.highwater.it.TestNode.action;
import static io.highwater.it.TestNode.batch;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
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
  void a_broken_or_non_utf8_percent_escape_is_400_naming_the_path_or_the_query() {
    // The core client sends the URI as it is (the web client would re-encode it); before the fix there was no answer.
    HttpClient raw = node.clientVertx().createHttpClient();
    try {
      Map<String, String> fields = Map.of("/v1/apps/bookstore/ws/a%ZZ/events", "path:", "/v1/apps/bookstore/ws/a/aggregates/book/x%", "path:",
          "/v1/%E/cluster", "path:", "/v1/apps/bookstore/ws/a/events?type=book%ZZ", "query:",
          "/v1/apps/bookstore/ws/a/aggregates/book/x%ED%A0%80", "path:", "/v1/apps/bookstore/ws/a/events?aggregate=book/%C0%80", "query:",
          "/v1/apps/bookstore/ws/a/events?type=%80", "query:", "/v1/ws", "upgrade:");
      fields.forEach((uri, field) -> {
        RequestOptions get = new RequestOptions().setHost("127.0.0.1").setPort(node.httpPort()).setURI(uri).setTimeout(10_000);
        JsonObject answer = raw.request(get).compose(req -> req.send())
            .compose(resp -> resp.body().map(body -> new JsonObject().put("status", resp.statusCode()).put("body", body.toJsonObject())))
            .await();
        assertThat(answer.getInteger("status")).as(uri).isEqualTo(400);
        assertThat(answer.getJsonObject("body").getJsonObject("error").getString("message")).as(uri).startsWith(field);
      });
    } finally {
      raw.close().await();
    }
  }

  @Test
  void a_websocket_id_that_is_not_unicode_text_is_refused_without_echoing_it() throws Exception {
    WebSocketClient sockets = node.clientVertx().createWebSocketClient();
    try {
      WebSocket ws = sockets.connect(node.httpPort(), "127.0.0.1", "/v1/ws").await();
      LinkedBlockingQueue<JsonObject> replies = new LinkedBlockingQueue<>();
      ws.textMessageHandler(text -> replies.add(new JsonObject(text)));
      // The escapes are JSON's: the text frame itself is valid UTF-8.
      for (String id : List.of("a\\u0000", "\\ud800")) {
        ws.writeTextMessage("{\"op\": \"await\", \"id\": \"" + id + "\", \"app\": \"bookstore\", \"ws\": \"hostile-ws\","
            + " \"entity\": \"records\", \"offset\": 0}").await();
        JsonObject reply = replies.poll(10, TimeUnit.SECONDS);
        assertThat(reply).as(id).isNotNull();
        assertThat(reply.getString("type")).as(id).isEqualTo("error");
        assertThat(reply.getValue("id")).as(id).isNull();
        assertThat(reply.getString("message")).as(id).startsWith("id:");
      }
    } finally {
      sockets.close().await();
    }
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
