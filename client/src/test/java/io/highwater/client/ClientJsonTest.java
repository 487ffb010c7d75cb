package io.highwater.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The client's JSON mapping against the shapes of API.md, without a server. */
class ClientJsonTest {

  @Test
  void the_api_example_batch_is_built_exactly() {
    AppendRequest request = AppendRequest.of(0,
        Event.action("create", "book", "Neuromancer").id("6f1c…")
            .timestamp(Instant.parse("2026-11-24T07:00:00Z")).source("bookstore")
            .actor("user", "alice")
            .assoc("author", "William Gibson").assoc("genre", "SciFi")
            .trigger("encryption-key", 1)
            .build(),
        Event.effect("key-expired", "encryption-key", 1)
            .timestamp(Instant.parse("2026-11-24T07:00:01Z")).source("keystore")
            .build());

    JsonObject expected = new JsonObject("""
        {"baseOffset": 0, "resolved": [], "events": [
          {"id": "6f1c…", "timestamp": "2026-11-24T07:00:00Z", "source": "bookstore",
           "action": {"reason": "create", "actor": ["user", "alice"], "aggregate": ["book", "Neuromancer"],
                      "patch": {"assoc": {"author": "William Gibson", "genre": "SciFi"}, "dissoc": []}},
           "triggers": [["encryption-key", "1"]]},
          {"timestamp": "2026-11-24T07:00:01Z", "source": "keystore",
           "effect": {"reason": "key-expired", "trigger": ["encryption-key", "1"]}}
        ]}""");
    assertThat(request.toJson()).isEqualTo(expected);
    assertThat(AppendRequest.fromJson(request.toJson())).isEqualTo(request);
  }

  @Test
  void defaults_are_left_to_the_server_and_options_are_sent_only_when_set() {
    Event event = Event.action("update", "book", 42).actor(Actor.user("bob"))
        .assoc("price", 12.5).assoc("genre", "x").dissoc("genre", "draft").build();
    JsonObject json = event.toJson();
    assertThat(json.fieldNames()).containsExactlyInAnyOrder("action");
    assertThat(json.getJsonObject("action").getJsonArray("aggregate")).isEqualTo(new JsonArray().add("book").add("42"));
    assertThat(json.getJsonObject("action").getJsonObject("patch")).isEqualTo(new JsonObject()
        .put("assoc", new JsonObject().put("price", 12.5)).put("dissoc", new JsonArray().add("genre").add("draft")));

    JsonObject dry = AppendRequest.of(7, event).resolving(5, 6).asDry().toJson();
    assertThat(dry.getLong("baseOffset")).isEqualTo(7);
    assertThat(dry.getJsonArray("resolved")).isEqualTo(new JsonArray().add(5L).add(6L));
    assertThat(dry.getBoolean("dry")).isTrue();
    assertThat(AppendRequest.of(0, event).toJson().containsKey("dry")).isFalse();

    JsonObject sealed = Event.action("create", "card", "c1").actor("user", "alice").assoc("no", "4111")
        .trigger("encryption-key", "k1").seal("no").build().toJson();
    assertThat(sealed.getJsonArray("seal")).isEqualTo(new JsonArray().add("no"));
  }

  @Test
  void builders_refuse_what_the_contract_forbids() {
    assertThatThrownBy(() -> Event.effect("key-expired", "encryption-key", 1).assoc("a", 1))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> Event.action("create", "book", "b").build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("actor");
    assertThatThrownBy(() -> Aggregate.of("book", 1.5)).isInstanceOf(IllegalArgumentException.class);
    assertThat(Aggregate.of("book", 7L)).isEqualTo(new Aggregate("book", "7"));
  }

  @Test
  void an_ok_answer_parses_into_stored_events() {
    JsonObject body = new JsonObject("""
        {"result": "ok", "partition": 2, "events": [
          {"timestamp": "2026-11-24T07:00:00Z", "source": "api", "offset": 8, "partition": 2, "ws": "shop-1",
           "action": {"reason": "create", "actor": ["user", "alice"], "aggregate": ["book", 7],
                      "patch": {"assoc": {"author": "A"}, "dissoc": []}}, "triggers": []},
          {"timestamp": "2026-11-24T07:00:01Z", "source": "api", "offset": 9, "partition": 2, "ws": "shop-1",
           "effect": {"reason": "key-expired", "trigger": ["encryption-key", 1]}}]}""");
    AppendResult result = AppendResult.fromJson(body);

    assertThat(result.isOk()).isTrue();
    AppendResult.Ok ok = result.requireOk();
    assertThat(ok.partition()).isEqualTo(2);
    assertThat(ok.lastOffset()).isEqualTo(9);
    StoredEvent first = ok.events().get(0);
    assertThat(first.offset()).isEqualTo(8);
    assertThat(first.ws()).isEqualTo("shop-1");
    assertThat(first.action().aggregate()).isEqualTo(new Aggregate("book", "7"));
    assertThat(first.action().patch().assoc()).isEqualTo(new JsonObject().put("author", "A"));
    assertThat(first.event().timestamp()).isEqualTo(Instant.parse("2026-11-24T07:00:00Z"));
    assertThat(first.isReplay()).isFalse();
    assertThat(ok.events().get(1).effect()).isEqualTo(new Effect("key-expired", new Trigger("encryption-key", "1")));
  }

  @Test
  void a_conflict_answer_is_a_result_with_ours_theirs_and_unresolved() {
    JsonObject body = new JsonObject("""
        {"result": "conflict", "partition": 0,
         "events": [{"timestamp": "2026-11-24T07:00:00Z", "source": "api", "offset": 5, "partition": 0, "ws": "w",
                     "action": {"reason": "r", "actor": ["user", "a"], "aggregate": ["book", "x"], "patch": {"assoc": {}, "dissoc": []}}}],
         "conflict": {
           "ours": {"timestamp": "2026-11-24T07:00:00Z", "source": "api", "offset": 6, "partition": 0, "ws": "w",
                    "action": {"reason": "r", "actor": ["user", "a"], "aggregate": ["book", "y"], "patch": {"assoc": {"n": 1}, "dissoc": []}}},
           "theirs": {"timestamp": "2026-11-24T06:00:00Z", "source": "api", "offset": 2, "partition": 0, "ws": "w",
                      "action": {"reason": "r", "actor": ["user", "b"], "aggregate": ["book", "y"], "patch": {"assoc": {"n": 0}, "dissoc": []}}},
           "unresolved": [2, 4]}}""");
    AppendResult result = AppendResult.fromJson(body);

    assertThat(result).isInstanceOf(AppendResult.Conflict.class);
    AppendResult.Conflict conflict = (AppendResult.Conflict) result;
    assertThat(conflict.events()).extracting(StoredEvent::offset).containsExactly(5L);
    assertThat(conflict.ours().offset()).isEqualTo(6);
    assertThat(conflict.theirs().offset()).isEqualTo(2);
    assertThat(conflict.theirs().action().actor()).isEqualTo(new Actor("user", "b"));
    assertThat(conflict.unresolved()).containsExactly(2L, 4L);
    assertThatThrownBy(result::requireOk).isInstanceOfSatisfying(ConflictException.class, e -> {
      assertThat(e.status()).isEqualTo(409);
      assertThat(e.code()).isEqualTo("conflict");
      assertThat(e.conflict()).isSameAs(conflict);
    });
  }

  @Test
  void ndjson_lines_parse_with_replays_and_expired_keys() {
    Buffer body = Buffer.buffer("""
        {"timestamp":"2026-11-24T07:00:00Z","source":"api","offset":1,"partition":0,"ws":"w","action":{"reason":"r","actor":["user","a"],"aggregate":["card","c"],"patch":{"assoc":{},"dissoc":[]}},"triggers":[["encryption-key","1"]],"seal":["no"],"expired":["no"],"replay":{"cause":3}}
        {"timestamp":"2026-11-24T07:00:01Z","source":"keystore","offset":3,"partition":0,"ws":"w","effect":{"reason":"key-expired","trigger":["encryption-key","1"]}}

        """);
    List<StoredEvent> events = HighwaterClient.parseNdjson(body);
    assertThat(events).hasSize(2);
    assertThat(events.get(0).replayCause()).isEqualTo(3L);
    assertThat(events.get(0).expired()).containsExactly("no");
    assertThat(events.get(0).event().seal()).containsExactly("no");
    assertThat(events.get(0).event().triggers()).containsExactly(new Trigger("encryption-key", "1"));
    assertThat(events.get(1).event().source()).isEqualTo("keystore");
    assertThat(StoredEvent.fromJson(events.get(0).toJson())).isEqualTo(events.get(0));
    assertThat(HighwaterClient.parseNdjson(Buffer.buffer())).isEmpty();
  }

  @Test
  void reads_and_consistency_parse() {
    RecordState record = RecordState.fromJson(new JsonObject("""
        {"aggregate": ["book", "Neuromancer"], "state": {"author": "William Gibson"}, "version": 4, "consistentAt": 7, "level": "cache"}"""));
    assertThat(record).isEqualTo(new RecordState(new Aggregate("book", "Neuromancer"),
        new JsonObject().put("author", "William Gibson"), 4, 7, Level.CACHE, List.of()));

    ViewValue view = ViewValue.fromJson(new JsonObject("""
        {"view": "books_by_author", "key": "William Gibson", "value": {"ids": ["Neuromancer"], "count": 1}, "offs": 4, "consistentAt": 7, "level": "storage"}"""));
    assertThat(view.value().getInteger("count")).isEqualTo(1);
    assertThat(view.offs()).isEqualTo(4);
    assertThat(view.level()).isEqualTo(Level.STORAGE);

    Consistency consistency = Consistency.fromJson(new JsonObject("""
        {"app": "bookstore", "partition": 0, "cpOffset": 7,
         "entities": {"records": {"cache": 7, "storage": 6},
                      "view:books_by_author": {"cache": 7, "storage": 4, "status": "failed", "error": "boom"}}}"""));
    assertThat(consistency.cpOffset()).isEqualTo(7);
    assertThat(consistency.records()).isEqualTo(new Watermarks(7, 6, new JsonObject()));
    assertThat(consistency.view("books_by_author").at(Level.STORAGE)).isEqualTo(4);
    assertThat(consistency.view("books_by_author").extra()).isEqualTo(new JsonObject().put("status", "failed").put("error", "boom"));
    assertThat(consistency.view("nope")).isEqualTo(new Watermarks(0, 0, null));
  }

  @Test
  void websocket_frames_parse() {
    Consistent consistent = Consistent.fromJson(new JsonObject("""
        {"id": "a1", "type": "consistent", "app": "bookstore", "partition": 0, "entity": "view:books_by_author", "offset": 7, "cache": 9, "storage": 7}"""));
    assertThat(consistent).isEqualTo(new Consistent("a1", "bookstore", 0, "view:books_by_author", 7, 9, 7));
    assertThat(consistent.at(Level.CACHE)).isEqualTo(9);

    Advanced advanced = Advanced.fromJson(new JsonObject("""
        {"id": "w1", "type": "advanced", "entity": "records", "partition": 3, "cache": 5, "storage": 4}"""));
    assertThat(advanced).isEqualTo(new Advanced("w1", "records", 3, 5, 4));

    ConsistencyTimeoutException timeout = ConsistencyTimeoutException.fromTimeoutFrame(new JsonObject("""
        {"id": "a2", "type": "timeout", "app": "bookstore", "partition": 0, "entity": "records", "offset": 70, "cache": 9, "storage": 7}"""));
    assertThat(timeout.status()).isEqualTo(504);
    assertThat(timeout.code()).isEqualTo("timeout");
    assertThat(timeout.cache()).isEqualTo(9);
    assertThat(timeout.storage()).isEqualTo(7);
    assertThat(timeout.body().getLong("offset")).isEqualTo(70);

    HighwaterException error = HighwaterException.fromFrame(new JsonObject("""
        {"id": "x", "type": "error", "code": "bad_request", "message": "entity: unknown entity 'view:nope'"}"""));
    assertThat(error.status()).isEqualTo(400);
    assertThat(error.code()).isEqualTo("bad_request");
    assertThat(error.getMessage()).isEqualTo("entity: unknown entity 'view:nope'");
    assertThat(HighwaterException.fromFrame(new JsonObject().put("code", "unavailable").put("message", "m")).status())
        .isEqualTo(503);
  }

  @Test
  void error_answers_become_typed_exceptions() {
    HighwaterException invalid = HighwaterException.fromResponse(400, Buffer.buffer("""
        {"error": {"code": "invalid_offset", "message": "baseOffset: beyond the log"}, "nextOffset": 12}"""));
    assertThat(invalid).isNotInstanceOf(ConsistencyTimeoutException.class);
    assertThat(invalid.status()).isEqualTo(400);
    assertThat(invalid.code()).isEqualTo("invalid_offset");
    assertThat(invalid.getMessage()).isEqualTo("baseOffset: beyond the log");
    assertThat(invalid.body().getLong("nextOffset")).isEqualTo(12);

    HighwaterException timeout = HighwaterException.fromResponse(504, Buffer.buffer("""
        {"cache": 9, "storage": 7, "error": {"code": "timeout", "message": "records did not reach the requested offset in time"}}"""));
    assertThat(timeout).isInstanceOfSatisfying(ConsistencyTimeoutException.class, t -> {
      assertThat(t.status()).isEqualTo(504);
      assertThat(t.cache()).isEqualTo(9);
      assertThat(t.storage()).isEqualTo(7);
    });

    HighwaterException notJson = HighwaterException.fromResponse(502, Buffer.buffer("Bad Gateway"));
    assertThat(notJson.status()).isEqualTo(502);
    assertThat(notJson.code()).isEqualTo("http_502");
    assertThat(notJson.body()).isNull();
    assertThat(notJson.getMessage()).contains("Bad Gateway");
    assertThat(HighwaterException.fromResponse(413, Buffer.buffer()).code()).isEqualTo("payload_too_large");
  }
}
