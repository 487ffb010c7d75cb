package io.highwater.it;

import io.highwater.it.FuzzJson.Spot;
import io.highwater.it.FuzzRequest.Expect;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Append bodies: valid batches over a few aggregates, the same batches mutated at random, and
 * hostile ones that break exactly one rule of the contract, so that the refusal must name its field.
 */
final class FuzzAppends {

  private static final List<String> BOOK_IDS = List.of("b0", "b1", "b2", "b3", "b4", "b5", "1", "2");
  private static final Set<String> TEXT_FIELDS = Set.of("id", "timestamp", "source", "reason");
  private static final Set<String> ARRAY_FIELDS = Set.of("events", "resolved", "triggers", "seal", "actor", "aggregate", "dissoc", "trigger");
  private static final Set<String> OBJECT_FIELDS = Set.of("action", "effect", "patch", "assoc");
  private static final Set<String> REQUIRED = Set.of("reason", "actor", "aggregate", "patch", "trigger");
  private static final int BODY_LIMIT = 1 << 20;

  private final FuzzValues v;
  private final String idPrefix;
  private long ids;

  /** {@code idPrefix} keeps the event ids of one run apart from any other's. */
  FuzzAppends(FuzzValues values, String idPrefix) {
    this.v = values;
    this.idPrefix = idPrefix;
  }

  // ---- valid ----

  JsonObject validBatch(long baseOffset) {
    JsonArray events = new JsonArray();
    int n = v.chance(2) ? 10 + v.random().nextInt(40) : 1 + v.random().nextInt(4);
    for (int i = 0; i < n; i++) {
      events.add(v.chance(85) ? action() : effect());
    }
    JsonObject body = new JsonObject().put("baseOffset", baseOffset).put("events", events);
    if (v.chance(10)) {
      body.put("resolved", new JsonArray().add(1 + v.random().nextInt(5)));
    }
    if (v.chance(5)) {
      body.put("dry", v.random().nextBoolean());
    }
    return body;
  }

  private JsonObject action() {
    boolean book = v.chance(85);
    Object id = v.chance(15) ? (Object) v.random().nextInt(3) : v.pick(BOOK_IDS);
    JsonObject assoc = new JsonObject();
    if (book && v.chance(50)) {
      assoc.put("author", v.pick(FuzzValues.AUTHORS));
    }
    if (book && v.chance(40)) {
      assoc.put("genre", v.pick(FuzzValues.GENRES));
    }
    if (v.chance(50)) {
      assoc.put("title", v.text());
    }
    for (int k = v.random().nextInt(3); k > 0; k--) {
      assoc.put(v.key(), v.value(3));
    }
    JsonArray dissoc = new JsonArray();
    for (String key : List.of("author", "genre", "title", "extra")) {
      if (!assoc.containsKey(key) && v.chance(book ? 12 : 5)) {
        dissoc.add(key);
      }
    }
    JsonObject patch = new JsonObject().put("assoc", assoc);
    if (!dissoc.isEmpty() || v.chance(30)) {
      patch.put("dissoc", dissoc);
    }
    JsonObject event = envelope().put("action", new JsonObject()
        .put("reason", v.chance(80) ? v.word() : v.unicode(1 + v.random().nextInt(20)))
        .put("actor", new JsonArray().add("user").add(v.chance(80) ? v.word() : v.random().nextInt(100)))
        .put("aggregate", new JsonArray().add(book ? "book" : "shelf").add(id))
        .put("patch", patch));
    if (v.chance(20)) {
      event.put("triggers", new JsonArray().add(new JsonArray().add("order").add(v.random().nextInt(4))));
    }
    return event;
  }

  private JsonObject effect() {
    return envelope().put("effect", new JsonObject()
        .put("reason", v.word())
        .put("trigger", new JsonArray().add("order").add(v.chance(50) ? v.random().nextInt(4) : String.valueOf(v.random().nextInt(4)))));
  }

  private JsonObject envelope() {
    JsonObject event = new JsonObject();
    if (v.chance(40)) {
      event.put("id", idPrefix + "-" + ids++);
    }
    if (v.chance(20)) {
      event.put("timestamp", v.chance(50) ? "2026-11-24T07:00:00Z" : "2026-11-24T09:00:00.123+02:00");
    }
    if (v.chance(20)) {
      event.put("source", v.word());
    }
    return event;
  }

  FuzzRequest valid(String ws, long baseOffset) {
    return FuzzRequest.append("append-valid", ws, validBatch(baseOffset).toBuffer(), Expect.ACCEPTED, null);
  }

  // ---- mutated: any answer but a 5xx ----

  FuzzRequest mutated(String ws, long baseOffset) {
    JsonObject body = validBatch(baseOffset);
    if (v.chance(1)) {
      // A giant value within the body limit is valid: stored and read back like any other.
      body.getJsonArray("events").add(action());
      JsonObject last = body.getJsonArray("events").getJsonObject(body.getJsonArray("events").size() - 1);
      last.getJsonObject("action").getJsonObject("patch").getJsonObject("assoc").put("giant", v.unicode(1000).repeat(20 + v.random().nextInt(80)));
      return FuzzRequest.append("append-giant-value", ws, body.toBuffer(), Expect.ANY, null);
    }
    for (int m = 1 + v.random().nextInt(3); m > 0; m--) {
      mutate(body);
    }
    return FuzzRequest.append("append-mutated", ws, body.toBuffer(), Expect.ANY, null);
  }

  private void mutate(JsonObject body) {
    List<Spot> spots = FuzzJson.spots(body);
    Spot spot = v.pick(spots);
    switch (v.random().nextInt(8)) {
      case 0 -> spot.set(v.value(2));
      case 1 -> spot.set(v.wrongType());
      case 2 -> spot.set(null);
      case 3 -> spot.remove();
      case 4 -> {
        if (spot.value() instanceof JsonObject o) {
          o.put(v.key(), v.value(2));
        } else if (spot.value() instanceof JsonArray a) {
          a.add(a.isEmpty() ? v.value(1) : a.getValue(v.random().nextInt(a.size())));
        } else {
          spot.set(v.number());
        }
      }
      case 5 -> spot.set(v.pick(List.of(0, -1, 1, Long.MAX_VALUE, Long.MIN_VALUE, 1.5, -0.0, 1e308, 2.0, "1", "", " ", true)));
      case 6 -> spot.set(v.chance(50) ? "x\u0000" : "\uD800x");
      default -> {
        if (spot.parent() instanceof JsonObject && !(spot.value() instanceof JsonObject || spot.value() instanceof JsonArray)) {
          spot.rename(v.pick(List.of("id", "action", "effect", "triggers", "seal", "dry", "assoc", "dissoc", "reason", v.word())));
        } else {
          spot.set(v.unicode(300));
        }
      }
    }
  }

  // ---- hostile: exactly one rule broken ----

  FuzzRequest hostile(String ws, long baseOffset) {
    JsonObject body = validBatch(baseOffset);
    body.remove("dry");
    List<Spot> spots = FuzzJson.spots(body);
    return switch (v.random().nextInt(14)) {
      case 0 -> badText(ws, body, spots, v.pick(List.of("a\u0000b", "\u0000", "x\u0000")), "nul");
      case 1 -> badText(ws, body, spots, v.pick(List.of("\uD800", "x\uDC00y", "end\uD83D", "\uDE00\uD83D")), "surrogate");
      case 2 -> rawBytes(ws, body, spots);
      case 3 -> hugeNumber(ws, body, spots);
      case 4 -> wrongType(ws, body, spots);
      case 5 -> missing(ws, body, spots);
      case 6 -> extraField(ws, body, spots);
      case 7 -> tooLong(ws, body, spots);
      case 8 -> overLimit(ws, body);
      case 9 -> deep(ws, body, spots);
      case 10 -> badOffset(ws, body);
      case 11 -> contradiction(ws, body, spots);
      case 12 -> garbage(ws);
      default -> badText(ws, body, spots, v.pick(List.of("a\u0000b", "\uDBFF")), "nul-or-surrogate-key");
    };
  }

  /** A bad string at a string value or, for the last variant, at an object key. */
  private FuzzRequest badText(String ws, JsonObject body, List<Spot> spots, String bad, String what) {
    if (what.endsWith("key")) {
      Spot spot = v.pick(spots.stream().filter(s -> s.parent() instanceof JsonObject).toList());
      spot.rename(bad);
      return refused("append-" + what, ws, body.toBuffer(), spot.parentPath().isEmpty() ? "body" : spot.parentPath());
    }
    Spot spot = v.pick(spots.stream().filter(s -> s.value() instanceof String).toList());
    String value = (String) spot.value();
    int at = v.random().nextInt(value.length() + 1);
    // Never split a pair: the bad string must be the only bad text.
    if (at > 0 && at < value.length() && Character.isHighSurrogate(value.charAt(at - 1))) {
      at++;
    }
    spot.set(value.substring(0, at) + bad + value.substring(at));
    return refused("append-" + what, ws, body.toBuffer(), spot.path());
  }

  /** Bytes that are not UTF-8 (an encoded surrogate, an overlong NUL, a stray byte) or a raw control in a string. */
  private FuzzRequest rawBytes(String ws, JsonObject body, List<Spot> spots) {
    Spot spot = v.pick(spots.stream().filter(s -> s.value() instanceof String).toList());
    spot.set(FuzzJson.MARK);
    byte[][] bad = {{(byte) 0xED, (byte) 0xA0, (byte) 0x80}, {(byte) 0xED, (byte) 0xBF, (byte) 0xBF}, {(byte) 0xC0, (byte) 0x80},
        {(byte) 0xFF}, {(byte) 0x80}, {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, {0}, {'\n'}};
    byte[] chosen = bad[v.random().nextInt(bad.length)];
    byte[] raw = new byte[chosen.length + 3];
    raw[0] = '"';
    raw[1] = 'x';
    System.arraycopy(chosen, 0, raw, 2, chosen.length);
    raw[raw.length - 1] = '"';
    return refused("append-raw-bytes", ws, FuzzJson.splice(body, raw), null);
  }

  private FuzzRequest hugeNumber(String ws, JsonObject body, List<Spot> spots) {
    Spot spot = v.pick(spots.stream().filter(s -> !(s.value() instanceof JsonObject || s.value() instanceof JsonArray)).toList());
    spot.set(FuzzJson.MARK);
    String number = v.pick(List.of("1e400", "-1e400", "1E+999999", "-9.9e9999", "123456789e310"));
    return refused("append-huge-number", ws, FuzzJson.splice(body, number), spot.path());
  }

  private FuzzRequest wrongType(String ws, JsonObject body, List<Spot> spots) {
    List<Spot> fields = spots.stream().filter(s -> s.key() instanceof String k && !s.path().contains(".assoc.")
        && (TEXT_FIELDS.contains(k) || ARRAY_FIELDS.contains(k) || OBJECT_FIELDS.contains(k) || k.equals("baseOffset"))).toList();
    Spot spot = v.pick(fields);
    String key = (String) spot.key();
    Object wrong;
    if (TEXT_FIELDS.contains(key)) {
      wrong = v.pick(List.of(7, true, new JsonArray().add("x"), new JsonObject().put("x", 1)));
    } else if (ARRAY_FIELDS.contains(key)) {
      wrong = v.pick(List.of("x", 7, true, new JsonObject().put("x", 1)));
    } else if (OBJECT_FIELDS.contains(key)) {
      wrong = v.pick(List.of("x", 7, false, new JsonArray().add(1)));
    } else {
      wrong = v.pick(List.of("1", true, 1.5, -1, new JsonArray().add(0)));
    }
    spot.set(wrong);
    return refused("append-wrong-type", ws, body.toBuffer(), spot.path());
  }

  private FuzzRequest missing(String ws, JsonObject body, List<Spot> spots) {
    List<Spot> required = spots.stream().filter(s -> s.key() instanceof String k && !s.path().contains(".assoc")
        && (REQUIRED.contains(k) || k.equals("action") || k.equals("effect") || k.equals("events"))).toList();
    Spot spot = v.pick(required);
    spot.remove();
    String key = (String) spot.key();
    // Without its action (or effect) an event has neither: the event itself is named.
    String field = key.equals("action") || key.equals("effect") ? spot.parentPath() : spot.path();
    return refused("append-missing-field", ws, body.toBuffer(), field);
  }

  private FuzzRequest extraField(String ws, JsonObject body, List<Spot> spots) {
    List<Object> holders = new ArrayList<>();
    List<String> paths = new ArrayList<>();
    holders.add(body);
    paths.add("");
    for (Spot s : spots) {
      if (s.path().contains(".assoc")) {
        continue;
      }
      if (s.value() instanceof JsonObject && s.key() instanceof String k && Set.of("action", "effect", "patch").contains(k)
          || s.value() instanceof JsonObject && s.key() instanceof Integer && s.parentPath().equals("events")) {
        holders.add(s.value());
        paths.add(s.path());
      }
    }
    int i = v.random().nextInt(holders.size());
    String key = "x_" + (v.chance(50) ? v.word() : v.unicode(5));
    ((JsonObject) holders.get(i)).put(key, v.value(1));
    return refused("append-extra-field", ws, body.toBuffer(), paths.get(i).isEmpty() ? key : paths.get(i) + "." + key);
  }

  private FuzzRequest tooLong(String ws, JsonObject body, List<Spot> spots) {
    Predicate<Spot> limited = s -> s.key() instanceof String k && !s.path().contains(".assoc.") && (k.equals("reason") || k.equals("source") || k.equals("id"))
        || s.key() instanceof Integer i && i == 1 && s.parentPath().endsWith("aggregate");
    Spot spot = v.pick(spots.stream().filter(limited).toList());
    boolean aggregateId = spot.key() instanceof Integer;
    int limit = "id".equals(spot.key()) ? 128 : 256;
    spot.set(v.chance(50) ? "x".repeat(limit + 1) : v.unicode(limit + 1 + v.random().nextInt(2000)));
    return refused("append-too-long", ws, body.toBuffer(), aggregateId ? spot.parentPath() : spot.path());
  }

  /** Over 1,000 events or over 1 MiB: 413. */
  private FuzzRequest overLimit(String ws, JsonObject body) {
    JsonArray events = body.getJsonArray("events");
    if (v.chance(50)) {
      JsonObject one = action();
      one.remove("id");
      JsonArray many = new JsonArray();
      for (int i = 0; i < 1001; i++) {
        many.add(one);
      }
      body.put("events", many);
    } else {
      events.getJsonObject(0).put("source", "s");
      body.put("pad", "x".repeat(BODY_LIMIT + 1));
    }
    return new FuzzRequest("append-over-limit", "POST", FuzzRequest.appendPath(ws), body.toBuffer(), Expect.REFUSED, null);
  }

  /** Nesting deeper than any JSON reader should follow; shallower nesting is a mutated case. */
  private FuzzRequest deep(String ws, JsonObject body, List<Spot> spots) {
    List<Spot> assoc = spots.stream().filter(s -> s.path().endsWith(".assoc")).toList();
    if (assoc.isEmpty()) {
      return garbage(ws);
    }
    JsonObject values = (JsonObject) v.pick(assoc).value();
    values.put("deep", FuzzJson.MARK);
    int depth = v.chance(50) ? 1100 + v.random().nextInt(5000) : 100 + v.random().nextInt(700);
    boolean arrays = v.random().nextBoolean();
    String nested = (arrays ? "[" : "{\"d\":").repeat(depth) + "1" + (arrays ? "]" : "}").repeat(depth);
    Buffer spliced = FuzzJson.splice(body, nested);
    if (depth < 1000) {
      return new FuzzRequest("append-deep-" + (arrays ? "arrays" : "objects"), "POST", FuzzRequest.appendPath(ws), spliced, Expect.ANY, null);
    }
    return refused("append-too-deep", ws, spliced, null);
  }

  private FuzzRequest badOffset(String ws, JsonObject body) {
    switch (v.random().nextInt(4)) {
      case 0 -> body.put("baseOffset", -1 - v.random().nextInt(1000));
      case 1 -> body.put("baseOffset", 1.5);
      case 2 -> body.put("baseOffset", 1_000_000_000_000L + v.random().nextInt(1000));
      default -> body.put("resolved", new JsonArray().add(v.random().nextInt(1) - v.random().nextInt(5)));
    }
    String field = body.containsKey("resolved") && !(body.getValue("resolved") instanceof JsonArray a && a.getValue(0) instanceof Integer i && i > 0)
        ? "resolved" : "baseOffset";
    return refused("append-bad-offset", ws, body.toBuffer(), field);
  }

  /** Rules between fields: both action and effect, assoc and dissoc sharing a key, one id twice, an effect with triggers. */
  private FuzzRequest contradiction(String ws, JsonObject body, List<Spot> spots) {
    JsonArray events = body.getJsonArray("events");
    int i = v.random().nextInt(events.size());
    JsonObject event = events.getJsonObject(i);
    String path = "events[" + i + "]";
    switch (v.random().nextInt(4)) {
      case 0 -> {
        event.put("action", action().getJsonObject("action")).put("effect", effect().getJsonObject("effect"));
        return refused("append-action-and-effect", ws, body.toBuffer(), path);
      }
      case 1 -> {
        JsonObject action = action().getJsonObject("action");
        JsonObject patch = action.getJsonObject("patch");
        patch.getJsonObject("assoc").put("title", "T");
        patch.put("dissoc", new JsonArray().add("title"));
        events.set(i, new JsonObject().put("action", action));
        return refused("append-assoc-and-dissoc", ws, body.toBuffer(), path + ".action.patch.dissoc[0]");
      }
      case 2 -> {
        String twice = idPrefix + "-twice-" + ids++;
        events.getJsonObject(0).put("id", twice);
        events.add(effect().put("id", twice));
        return refused("append-duplicate-id", ws, body.toBuffer(), "events[" + (events.size() - 1) + "].id");
      }
      default -> {
        events.set(i, effect().put("triggers", new JsonArray().add(new JsonArray().add("order").add(1))));
        return refused("append-effect-with-triggers", ws, body.toBuffer(), path + ".triggers");
      }
    }
  }

  /** Not a batch at all. */
  FuzzRequest garbage(String ws) {
    byte[] bytes = switch (v.random().nextInt(8)) {
      case 0 -> {
        byte[] b = new byte[v.random().nextInt(200)];
        v.random().nextBytes(b);
        yield b;
      }
      case 1 -> {
        byte[] valid = validBatch(0).toBuffer().getBytes();
        byte[] cut = new byte[v.random().nextInt(valid.length)];
        System.arraycopy(valid, 0, cut, 0, cut.length);
        yield cut;
      }
      case 2 -> v.pick(List.of("[]", "\"events\"", "42", "null", "true", "", " ", "{}", "{\"events\": []}")).getBytes(StandardCharsets.UTF_8);
      case 3 -> "{\"events\": [{\"action\": }]}".getBytes(StandardCharsets.UTF_8);
      case 4 -> ("{\"events\": [" + "{},".repeat(v.random().nextInt(5)) + "]}").getBytes(StandardCharsets.UTF_8);
      case 5 -> "{'events': []}".getBytes(StandardCharsets.UTF_8);
      case 6 -> validBatch(0).encode().replace("\"", "").getBytes(StandardCharsets.UTF_8);
      default -> ("{\"events\": [" + v.unicode(40) + "]}").getBytes(StandardCharsets.UTF_8);
    };
    return refused("append-garbage", ws, Buffer.buffer(bytes), null);
  }

  /** A valid batch in UTF-16 with a byte order mark: not the contract's UTF-8, but not harmful either. */
  FuzzRequest utf16(String ws, long baseOffset) {
    Buffer body = Buffer.buffer(validBatch(baseOffset).encode().getBytes(StandardCharsets.UTF_16));
    return new FuzzRequest("append-utf16", "POST", FuzzRequest.appendPath(ws), body, Expect.ANY, null);
  }

  // ---- values shaped like the server's sealed envelope ----

  FuzzRequest sealedShaped(String ws, long baseOffset) {
    JsonObject body = validBatch(baseOffset);
    body.remove("dry");
    List<Spot> assocs = FuzzJson.spots(body).stream().filter(s -> s.path().endsWith(".assoc")).toList();
    if (assocs.isEmpty()) {
      return valid(ws, baseOffset);
    }
    Spot spot = v.pick(assocs);
    Object inner = v.pick(List.of(new JsonObject(), new JsonObject().put("trigger", new JsonArray().add("encryption-key").add("1")).put("data", "AA"),
        "x", 1, new JsonArray()));
    JsonObject shaped = new JsonObject().put("$sealed", inner);
    String key = "s_" + v.word();
    String field = spot.path() + "." + key;
    if (v.chance(50)) {
      ((JsonObject) spot.value()).put(key, shaped);
    } else {
      ((JsonObject) spot.value()).put(key, new JsonObject().put("a", new JsonArray().add(1).add(shaped)));
      field = field + ".a[1]";
    }
    return new FuzzRequest("append-sealed-shaped", "POST", FuzzRequest.appendPath(ws), body.toBuffer(), Expect.SEALED_SHAPED, field);
  }

  private static FuzzRequest refused(String kind, String ws, Buffer body, String field) {
    return FuzzRequest.append(kind, ws, body, Expect.REFUSED, field);
  }
}
