package io.highwater.it;

import static io.highwater.it.TestNode.action;
import static io.highwater.it.TestNode.batch;
import static io.highwater.it.WalkthroughTest.offsets;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The append call of the wire contract, end to end. */
class AppendTest {

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

  private static JsonObject book(String id, String author) {
    return action("alice", "book", id, new JsonObject().put("author", author));
  }

  private static long lastOffset(String ws) {
    return node.consistency(ws).getLong("cpOffset");
  }

  @Test
  void a_conflict_in_the_last_event_stores_nothing() {
    String ws = "atomic";
    node.append(ws, batch(0, book("a", "A")));
    long before = lastOffset(ws);
    HttpResponse<Buffer> r = node.append(ws, batch(0, book("b", "B"), book("c", "C"), book("a", "A2")));
    assertThat(r.statusCode()).isEqualTo(409);
    JsonObject body = r.bodyAsJsonObject();
    assertThat(offsets(body.getJsonArray("events"))).containsExactly(before + 1, before + 2);
    assertThat(body.getJsonObject("conflict").getJsonObject("ours").getJsonObject("action").getJsonArray("aggregate").getString(1)).isEqualTo("a");
    assertThat(lastOffset(ws)).isEqualTo(before);
    assertThat(node.get("/v1/apps/bookstore/ws/" + ws + "/aggregates/book/b").statusCode()).isEqualTo(404);
    assertThat(node.stream("/v1/apps/bookstore/ws/" + ws + "/events")).hasSize(1);
  }

  @Test
  void fifty_concurrent_clients_get_gapless_offsets() {
    String ws = "concurrent";
    long start = lastOffset(ws);
    int clients = 50;
    int perClient = 10;
    List<Future<List<Long>>> runs = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      int client = c;
      Future<List<Long>> run = Future.succeededFuture(new ArrayList<>());
      for (int i = 0; i < perClient; i++) {
        int n = i;
        run = run.compose(acc -> node.client().post("/v1/apps/bookstore/ws/" + ws + "/events")
            .sendJsonObject(batch(0, book("c" + client + "-" + n, "X"), book("c" + client + "-" + n + "b", "Y")))
            .map(resp -> {
              assertThat(resp.statusCode()).as(resp.bodyAsString()).isEqualTo(200);
              acc.addAll(offsets(resp.bodyAsJsonObject().getJsonArray("events")));
              return acc;
            }));
      }
      runs.add(run);
    }
    List<Long> all = new ArrayList<>();
    for (Future<List<Long>> run : runs) {
      List<Long> offsets = run.await();
      // Each batch's two events are consecutive.
      for (int i = 0; i < offsets.size(); i += 2) {
        assertThat(offsets.get(i + 1)).isEqualTo(offsets.get(i) + 1);
      }
      all.addAll(offsets);
    }
    long total = (long) clients * perClient * 2;
    assertThat(all).containsExactlyInAnyOrderElementsOf(LongStream.rangeClosed(start + 1, start + total).boxed().toList());
    assertThat(lastOffset(ws)).isEqualTo(start + total);
  }

  @Test
  void retried_ids_answer_the_stored_events_and_write_nothing() {
    String ws = "idempotent";
    JsonObject first = batch(0, book("x", "X").put("id", "evt-1"), book("y", "Y").put("id", "evt-2"));
    HttpResponse<Buffer> stored = node.append(ws, first);
    assertThat(stored.statusCode()).isEqualTo(200);
    long last = lastOffset(ws);
    HttpResponse<Buffer> retry = node.append(ws, first);
    assertThat(retry.statusCode()).isEqualTo(200);
    assertThat(retry.bodyAsJsonObject().getJsonArray("events")).isEqualTo(stored.bodyAsJsonObject().getJsonArray("events"));
    assertThat(lastOffset(ws)).isEqualTo(last);

    HttpResponse<Buffer> mixed = node.append(ws, batch(0, book("x", "X").put("id", "evt-1"), book("z", "Z").put("id", "evt-3")));
    assertThat(mixed.statusCode()).isEqualTo(400);
    assertThat(error(mixed).getString("code")).isEqualTo("bad_request");
    assertThat(error(mixed).getString("message")).startsWith("events[1].id");
    assertThat(lastOffset(ws)).isEqualTo(last);
  }

  @Test
  void integer_ids_are_their_decimal_strings() {
    String ws = "integer-ids";
    node.append(ws, batch(0, action("alice", "book", 7, new JsonObject().put("author", "A"))));
    long last = lastOffset(ws);
    HttpResponse<Buffer> conflict = node.append(ws, batch(last - 1, action("bob", "book", "7", new JsonObject().put("author", "B"))));
    assertThat(conflict.statusCode()).isEqualTo(409);
    JsonObject read = node.get("/v1/apps/bookstore/ws/" + ws + "/aggregates/book/7").bodyAsJsonObject();
    assertThat(read.getJsonArray("aggregate")).isEqualTo(new JsonArray().add("book").add("7"));
  }

  @Test
  void dry_runs_answer_offsets_but_store_nothing() {
    String ws = "dry";
    long last = lastOffset(ws);
    HttpResponse<Buffer> dry = node.append(ws, batch(last, book("d", "D")).put("dry", true));
    assertThat(dry.statusCode()).isEqualTo(200);
    assertThat(offsets(dry.bodyAsJsonObject().getJsonArray("events"))).containsExactly(last + 1);
    assertThat(lastOffset(ws)).isEqualTo(last);
    assertThat(node.get("/v1/apps/bookstore/ws/" + ws + "/aggregates/book/d").statusCode()).isEqualTo(404);
  }

  @Test
  void a_base_offset_beyond_the_log_is_invalid() {
    String ws = "beyond";
    node.append(ws, batch(0, book("b", "B")));
    long last = lastOffset(ws);
    HttpResponse<Buffer> r = node.append(ws, batch(last + 5, book("c", "C")));
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(error(r).getString("code")).isEqualTo("invalid_offset");
    assertThat(r.bodyAsJsonObject().getLong("nextOffset")).isEqualTo(last + 1);
    assertThat(lastOffset(ws)).isEqualTo(last);
  }

  @Test
  void malformed_input_is_a_bad_request_naming_the_field_and_stores_nothing() {
    String ws = "malformed";
    long last = lastOffset(ws);
    JsonObject badAggregate = batch(0, book("ok", "A"), book("ok2", "B"));
    badAggregate.getJsonArray("events").getJsonObject(1).getJsonObject("action").put("aggregate", new JsonArray().add("Book").add("x"));
    assertBadRequest(ws, badAggregate, "events[1].action.aggregate");
    assertBadRequest(ws, batch(0), "events");
    assertBadRequest(ws, new JsonObject().put("baseOffset", -1).put("events", new JsonArray().add(book("q", "Q"))), "baseOffset");
    JsonObject both = book("q", "Q").put("effect", new JsonObject().put("reason", "r").put("trigger", new JsonArray().add("t").add(1)));
    assertBadRequest(ws, batch(0, both), "events[0]");
    HttpResponse<Buffer> notJson = node.postRaw("/v1/apps/bookstore/ws/" + ws + "/events", Buffer.buffer("{nope"));
    assertThat(notJson.statusCode()).isEqualTo(400);
    assertThat(error(notJson).getString("message")).startsWith("body");
    HttpResponse<Buffer> badWs = node.append("bad%20ws", batch(0, book("q", "Q")));
    assertThat(badWs.statusCode()).isEqualTo(400);
    assertThat(error(badWs).getString("message")).startsWith("ws");
    assertThat(lastOffset(ws)).isEqualTo(last);
  }

  @Test
  void limits_answer_413() {
    String ws = "limits";
    long last = lastOffset(ws);
    JsonObject tooMany = batch(0, IntStream.range(0, 1001).mapToObj(i -> book("b" + i, "A")).toArray(JsonObject[]::new));
    HttpResponse<Buffer> many = node.append(ws, tooMany);
    assertThat(many.statusCode()).isEqualTo(413);
    assertThat(error(many).getString("code")).isEqualTo("payload_too_large");
    JsonObject tooBig = batch(0, book("big", "x".repeat(1_100_000)));
    HttpResponse<Buffer> big = node.append(ws, tooBig);
    assertThat(big.statusCode()).isEqualTo(413);
    assertThat(error(big).getString("code")).isEqualTo("payload_too_large");
    assertThat(lastOffset(ws)).isEqualTo(last);
  }

  @Test
  void unknown_app_is_not_found() {
    HttpResponse<Buffer> r = node.post("/v1/apps/nosuchapp/ws/w/events", batch(0, book("a", "A")));
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(error(r).getString("code")).isEqualTo("not_found");
  }

  @Test
  void effects_conflict_through_their_trigger_and_conflicts_lists_them() {
    String ws = "effects";
    JsonObject linked = book("r1", "A").put("triggers", new JsonArray().add(new JsonArray().add("encryption-key").add(1)));
    node.append(ws, batch(0, linked));
    long afterAction = lastOffset(ws);
    JsonObject effect = new JsonObject().put("source", "keystore")
        .put("effect", new JsonObject().put("reason", "key-expired").put("trigger", new JsonArray().add("encryption-key").add(1)));
    HttpResponse<Buffer> fired = node.append(ws, batch(afterAction, effect));
    assertThat(fired.statusCode()).isEqualTo(200);
    long effectOffset = lastOffset(ws);
    assertThat(fired.bodyAsJsonObject().getJsonArray("events").getJsonObject(0).getString("source")).isEqualTo("keystore");

    HttpResponse<Buffer> r = node.append(ws, batch(afterAction, book("r1", "B")));
    assertThat(r.statusCode()).isEqualTo(409);
    assertThat(r.bodyAsJsonObject().getJsonObject("conflict").getJsonObject("theirs").getLong("offset")).isEqualTo(effectOffset);

    JsonArray conflicts = node.get("/v1/apps/bookstore/ws/" + ws + "/aggregates/book/r1/conflicts?since=0").bodyAsJsonArray();
    assertThat(conflicts.stream().map(e -> ((JsonObject) e).getLong("offset")).toList()).containsExactly(afterAction, effectOffset);
    JsonArray since = node.get("/v1/apps/bookstore/ws/" + ws + "/aggregates/book/r1/conflicts?since=" + afterAction).bodyAsJsonArray();
    assertThat(since.stream().map(e -> ((JsonObject) e).getLong("offset")).toList()).containsExactly(effectOffset);
  }

  @Test
  void the_log_streams_as_ndjson_with_filters_and_replays() {
    String ws = "stream";
    JsonObject receipt1 = action("alice", "receipt", 1, new JsonObject().put("total", 100))
        .put("triggers", new JsonArray().add(new JsonArray().add("encryption-key").add(1)));
    JsonObject receipt2 = action("alice", "receipt", 2, new JsonObject().put("total", 200))
        .put("triggers", new JsonArray().add(new JsonArray().add("encryption-key").add(2)));
    node.append(ws, batch(0, book("s", "S"), receipt1, receipt2));
    long second = lastOffset(ws);
    node.append(ws, batch(second, new JsonObject()
        .put("effect", new JsonObject().put("reason", "key-expired").put("trigger", new JsonArray().add("encryption-key").add(1)))));
    long effect = lastOffset(ws);
    String base = "/v1/apps/bookstore/ws/" + ws + "/events";

    List<JsonObject> all = node.stream(base);
    assertThat(all).hasSize(4);
    assertThat(all.stream().map(e -> e.getLong("offset")).toList()).isSorted();

    List<JsonObject> fromSecond = node.stream(base + "?from=" + second);
    assertThat(fromSecond.stream().map(e -> e.getLong("offset")).toList()).containsExactly(second - 1, second, effect);
    assertThat(fromSecond.get(0).getJsonObject("replay")).isEqualTo(new JsonObject().put("cause", effect));
    assertThat(fromSecond.get(1).containsKey("replay")).isFalse();

    assertThat(node.stream(base + "?type=book")).hasSize(1);
    assertThat(node.stream(base + "?aggregate=receipt/2").stream().map(e -> e.getLong("offset")).toList()).containsExactly(second);
    // The effect replays receipt 1, so it passes that filter.
    assertThat(node.stream(base + "?aggregate=receipt/1").stream().map(e -> e.getLong("offset")).toList()).containsExactly(second - 1, effect);
    assertThat(node.stream(base + "?limit=2")).hasSize(2);
    HttpResponse<Buffer> badLimit = node.get(base + "?limit=10001");
    assertThat(badLimit.statusCode()).isEqualTo(400);
    assertThat(error(badLimit).getString("message")).startsWith("limit");
    assertThat(node.get(base).getHeader("content-type")).startsWith("application/x-ndjson");
  }

  private static void assertBadRequest(String ws, JsonObject batch, String field) {
    HttpResponse<Buffer> r = node.append(ws, batch);
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(400);
    assertThat(error(r).getString("code")).isEqualTo("bad_request");
    assertThat(error(r).getString("message")).startsWith(field + ":");
  }

  private static JsonObject error(HttpResponse<Buffer> r) {
    return r.bodyAsJsonObject().getJsonObject("error");
  }
}
