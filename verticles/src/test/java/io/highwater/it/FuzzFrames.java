package io.highwater.it;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * WebSocket messages of {@code GET /v1/ws}: valid awaits and watches, cancels of them, and messages
 * broken in one field each, whose error reply must name that field.
 */
final class FuzzFrames {

  /** What the server must answer to one message. */
  enum Expect {
    /** One {@code consistent} or {@code timeout} reply. */
    ANSWER,
    /** {@code advanced} replies until cancelled. */
    WATCH,
    /** One {@code cancelled} reply. */
    CANCELLED,
    /** One {@code error} reply with code {@code bad_request}, echoing {@code echo}, its message beginning with {@code field}. */
    ERROR
  }

  /** One message: {@code text} or, when null, {@code binary}; {@code echo} the id its replies carry. */
  record Frame(String kind, String text, Buffer binary, Expect expect, String echo, String field) {}

  private static final List<String> ENTITIES = List.of("records", "view:books_by_author", "view:genre_counts");
  private static final List<String> BAD_TEXT = List.of("\"a\\u0000\"", "\"\\uD800\"", "\"x\\uDC00\"");

  private final FuzzValues v;
  private final List<String> workspaces;
  private final ToLongFunction<String> lastOffset;
  private int ids;

  /** {@code lastOffset}: the workspace's partition's last acknowledged offset, so that awaits land near it. */
  FuzzFrames(FuzzValues values, List<String> workspaces, ToLongFunction<String> lastOffset) {
    this.v = values;
    this.workspaces = workspaces;
    this.lastOffset = lastOffset;
  }

  String freshId() {
    return "f" + ids++;
  }

  Frame cancel(String id) {
    return new Frame("ws-cancel", new JsonObject().put("op", "cancel").put("id", id).encode(), null, Expect.CANCELLED, id, null);
  }

  Frame watch() {
    String id = freshId();
    JsonObject json = new JsonObject().put("op", "watch").put("id", id).put("app", "bookstore").put("ws", v.pick(workspaces))
        .put("entity", v.chance(50) ? "*" : v.pick(ENTITIES));
    level(json);
    return new Frame("ws-watch", json.encode(), null, Expect.WATCH, id, null);
  }

  Frame await() {
    String id = freshId();
    return new Frame("ws-await", validAwait(id).encode(), null, Expect.ANSWER, id, null);
  }

  private JsonObject validAwait(String id) {
    String ws = v.pick(workspaces);
    long offset = Math.max(0, lastOffset.applyAsLong(ws) + v.random().nextInt(10) - 7);
    JsonObject json = new JsonObject().put("op", "await").put("id", id).put("app", "bookstore").put("ws", ws)
        .put("entity", v.pick(ENTITIES)).put("offset", offset).put("timeoutMs", 1 + v.random().nextInt(300));
    level(json);
    if (v.chance(10)) {
      json.put("x_" + v.word(), v.value(1));
    }
    return json;
  }

  private void level(JsonObject json) {
    if (v.chance(70)) {
      json.put("level", v.chance(50) ? "cache" : "storage");
    }
  }

  /** A message with one thing wrong. */
  Frame bad() {
    String id = freshId();
    JsonObject json = validAwait(id);
    switch (v.random().nextInt(13)) {
      case 0 -> {
        String text = v.pick(List.of("not json", "{", "[]", "\"await\"", "42", "null", "", "{\"op\": \"await\", }", "{'op': 'await'}"));
        return new Frame("ws-not-an-object", text, null, Expect.ERROR, null, null);
      }
      case 1 -> {
        return new Frame("ws-binary", null, Buffer.buffer(json.encode()), Expect.ERROR, null, null);
      }
      case 2 -> {
        Object badId = v.pick(List.of(7, true, new JsonArray().add("f"), new JsonObject(), "", "i".repeat(129)));
        json.put("id", badId);
        return error("ws-bad-id", json, badId instanceof String s ? s : null, "id");
      }
      case 3 -> {
        if (v.chance(30)) {
          json.remove("op");
        } else {
          json.put("op", v.pick(List.of("AWAIT", "subscribe", "", 1, new JsonArray())));
        }
        return error("ws-bad-op", json, id, "op");
      }
      case 4 -> {
        return field(json, id, "app", v.pick(List.of("nope", "Bookstore", "", 7, "a\u0000", "\uD800", "b".repeat(64))));
      }
      case 5 -> {
        return field(json, id, "ws", v.pick(List.of("a/b", "", 7, "w".repeat(129), "sp ace", "a\u0000", "\uDFFF")));
      }
      case 6 -> {
        return field(json, id, "entity", v.pick(List.of("view:nope", "*", "", 7, "records\u0000", "view:")));
      }
      case 7 -> {
        return field(json, id, "offset", v.pick(List.of(-1, 1.5, "1", true, new JsonObject(), Double.MAX_VALUE, new java.math.BigInteger("99999999999999999999"))));
      }
      case 8 -> {
        return field(json, id, "timeoutMs", v.pick(List.of(0, -5, 60_001, "5", 1.5, Long.MAX_VALUE)));
      }
      case 9 -> {
        return field(json, id, "level", v.pick(List.of("CACHE", "x", "", 1, "storage\u0000")));
      }
      case 10 -> {
        String field = v.pick(List.of("offset", "timeoutMs"));
        json.put(field, FuzzJson.MARK);
        String raw = json.encode().replace("\"" + FuzzJson.MARK + "\"", v.pick(List.of("1e400", "-1e400", "1e99999")));
        return new Frame("ws-huge-number", raw, null, Expect.ERROR, id, field);
      }
      case 11 -> {
        // An id that is not Unicode text cannot be echoed faithfully: the error carries none.
        // As JSON escapes: a lone surrogate in a Java string would reach the server as '?'.
        json.put("id", FuzzJson.MARK);
        String text = json.encode().replace("\"" + FuzzJson.MARK + "\"", v.pick(BAD_TEXT));
        return new Frame("ws-bad-text-id", text, null, Expect.ERROR, null, "id");
      }
      default -> {
        if (v.chance(50)) {
          return new Frame("ws-cancel-unknown", new JsonObject().put("op", "cancel").put("id", "nobody-" + id).encode(), null,
              Expect.ERROR, "nobody-" + id, "id");
        }
        json.put("pad", "p".repeat(16_400));
        return new Frame("ws-too-large", json.encode(), null, Expect.ERROR, null, null);
      }
    }
  }

  private Frame field(JsonObject json, String id, String name, Object value) {
    // level and timeoutMs have defaults: only the others can be missing.
    if (v.chance(15) && !name.equals("level") && !name.equals("timeoutMs")) {
      json.remove(name);
    } else {
      json.put(name, value);
    }
    return error("ws-bad-" + name, json, id, name);
  }

  private static Frame error(String kind, JsonObject json, String echo, String field) {
    return new Frame(kind, json.encode(), null, Expect.ERROR, echo, field);
  }
}
