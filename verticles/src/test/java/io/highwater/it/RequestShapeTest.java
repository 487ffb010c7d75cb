package io.highwater.it;

import static io.highwater.it.TestNode.action;
import static io.highwater.it.TestNode.batch;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a request looks like from curl: any content type, any size, any method, any path. Every error has a message. */
class RequestShapeTest {

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

  /** Ten events, well over the 1 KB where a form decoder gives up. */
  private static Buffer bigBatch(String ws) {
    JsonArray events = new JsonArray();
    for (int i = 0; i < 10; i++) {
      events.add(action("alice", "book", "b" + i, new JsonObject().put("title", "x".repeat(150))));
    }
    Buffer body = new JsonObject().put("baseOffset", 0).put("events", events).toBuffer();
    assertThat(body.length()).isGreaterThan(1024);
    return body;
  }

  private static HttpResponse<Buffer> send(HttpRequest<Buffer> request, Buffer body) {
    return request.sendBuffer(body).await();
  }

  private static String message(HttpResponse<Buffer> r) {
    return r.bodyAsJsonObject().getJsonObject("error").getString("message");
  }

  @Test
  void a_body_over_1_kb_sent_as_a_form_is_read_as_json() {
    String ws = "shape-form";
    HttpResponse<Buffer> r = send(node.client().post("/v1/apps/bookstore/ws/" + ws + "/events")
        .putHeader("content-type", "application/x-www-form-urlencoded"), bigBatch(ws));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    assertThat(r.bodyAsJsonObject().getJsonArray("events")).hasSize(10);
  }

  @Test
  void a_body_with_no_content_type_or_another_type_is_read_as_json() {
    HttpResponse<Buffer> none = send(node.client().post("/v1/apps/bookstore/ws/shape-none/events"), bigBatch("shape-none"));
    assertThat(none.statusCode()).as(none.bodyAsString()).isEqualTo(200);
    HttpResponse<Buffer> multipart = send(node.client().post("/v1/apps/bookstore/ws/shape-multi/events")
        .putHeader("content-type", "multipart/form-data; boundary=xyz"), bigBatch("shape-multi"));
    assertThat(multipart.statusCode()).as(multipart.bodyAsString()).isEqualTo(200);
  }

  @Test
  void a_form_body_that_is_not_json_is_400_with_a_message_and_stores_nothing() {
    String ws = "shape-bad-form";
    long before = node.consistency(ws).getLong("cpOffset");
    HttpResponse<Buffer> r = send(node.client().post("/v1/apps/bookstore/ws/" + ws + "/events")
        .putHeader("content-type", "application/x-www-form-urlencoded"), Buffer.buffer("a=" + "x".repeat(2000)));
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.bodyAsJsonObject().getJsonObject("error").getString("code")).isEqualTo("bad_request");
    assertThat(message(r)).startsWith("body");
    assertThat(node.consistency(ws).getLong("cpOffset")).isEqualTo(before);
  }

  @Test
  void a_body_over_the_limit_is_413_with_a_message_whatever_its_type() {
    HttpResponse<Buffer> r = send(node.client().post("/v1/apps/bookstore/ws/shape-huge/events")
        .putHeader("content-type", "application/x-www-form-urlencoded"), Buffer.buffer("x".repeat(2 * 1024 * 1024)));
    assertThat(r.statusCode()).isEqualTo(413);
    assertThat(message(r)).isNotBlank();
  }

  @Test
  void a_wrong_method_is_405_naming_the_allowed_ones() {
    HttpResponse<Buffer> r = node.client().request(HttpMethod.DELETE, "/v1/apps/bookstore/ws/shop-1/events").send().await();
    assertThat(r.statusCode()).isEqualTo(405);
    assertThat(r.getHeader("allow")).contains("GET").contains("POST");
    JsonObject error = r.bodyAsJsonObject().getJsonObject("error");
    assertThat(error.getString("code")).isEqualTo("method_not_allowed");
    assertThat(error.getString("message")).contains("DELETE").contains("GET").contains("POST");

    HttpResponse<Buffer> put = node.client().request(HttpMethod.PUT, "/v1/cluster").send().await();
    assertThat(put.statusCode()).isEqualTo(405);
    assertThat(put.getHeader("allow")).isEqualTo("GET");
  }

  @Test
  void an_unknown_path_is_still_404_with_a_message() {
    HttpResponse<Buffer> r = node.get("/v1/nothing-here");
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(message(r)).contains("/v1/nothing-here");
  }

  @Test
  void the_root_points_to_the_api() {
    HttpResponse<Buffer> r = node.get("/");
    assertThat(r.statusCode()).isEqualTo(200);
    JsonObject body = r.bodyAsJsonObject();
    assertThat(body.getString("name")).isEqualTo("Highwater");
    assertThat(body.getString("api")).isEqualTo("/v1");
    assertThat(body.getString("health")).isEqualTo("/health/ready");
  }

  @Test
  void an_append_still_works_after_the_odd_ones() {
    assertThat(node.append("shape-plain", batch(0, action("bob", "book", "c", new JsonObject().put("t", 1)))).statusCode())
        .isEqualTo(200);
  }
}
