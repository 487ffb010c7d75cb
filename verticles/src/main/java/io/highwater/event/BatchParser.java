package io.highwater.event;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns an append body (API.md, "Append") into a {@link Batch}, or rejects it with an {@link
 * InvalidInputException} naming the first offending field. Pure: no I/O, no Vert.x runtime.
 *
 * <p>An optional field given as JSON {@code null} is treated as absent.
 */
public final class BatchParser {

  private static final String TYPE_FORM = "[a-z][a-z0-9_-]{0,62}";
  private static final Pattern TYPE = Pattern.compile(TYPE_FORM);
  private static final Pattern WS = Pattern.compile("[A-Za-z0-9_.-]{1,128}");
  private static final Pattern APP = Pattern.compile("[a-z][a-z0-9-]{0,62}");

  private static final Set<String> BODY_KEYS = Set.of("baseOffset", "resolved", "events", "dry");
  private static final Set<String> EVENT_KEYS =
      Set.of("id", "timestamp", "source", "action", "effect", "triggers", "seal");
  private static final Set<String> ACTION_KEYS = Set.of("reason", "actor", "aggregate", "patch");
  // Stored patches keep sealed values in a member of their own (Patch.sealed), which these keys exclude:
  // whatever a client sends is only ever a client value.
  private static final Set<String> PATCH_KEYS = Set.of("assoc", "dissoc");
  private static final Set<String> EFFECT_KEYS = Set.of("reason", "trigger");

  private static final int MAX_EVENT_ID = 128;
  private static final int MAX_TEXT = 256;
  private static final int MAX_NAME_ID = 256;
  private static final double TWO_TO_63 = 0x1p63;
  private static final String DEFAULT_SOURCE = "api";
  private static final String TEXT = "expected a non-blank string of at most " + MAX_TEXT + " characters";

  private final int maxEvents;
  private final Clock clock;

  public BatchParser(int maxEvents, Clock clock) {
    if (maxEvents < 1) {
      throw new IllegalArgumentException("maxEvents must be at least 1, got " + maxEvents);
    }
    this.maxEvents = maxEvents;
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** Parses an append body; see the class comment. */
  public Batch parse(JsonObject body) {
    if (body == null) {
      throw new InvalidInputException("body", "expected a JSON object");
    }
    // Text and number rules hold everywhere, so they are checked once over the whole body.
    JsonText.check("", body);
    onlyKeys(body, BODY_KEYS, "");
    Object base = body.getValue("baseOffset");
    long baseOffset = base == null ? 0 : offset("baseOffset", base, 0);
    Set<Long> resolved = resolved(body.getValue("resolved"));
    boolean dry = bool("dry", body.getValue("dry"));
    return new Batch(baseOffset, resolved, dry, events(body.getValue("events")));
  }

  // ---- names (also used for URL path and query parameters) ----

  public static Aggregate aggregate(String field, Object type, Object id) {
    return new Aggregate(type(field, type), nameId(field, id));
  }

  public static String workspace(String field, String ws) {
    return name(field, ws, WS, "expected a workspace name matching [A-Za-z0-9_.-]{1,128}");
  }

  public static String app(String field, String app) {
    return name(field, app, APP, "expected an app name matching [a-z][a-z0-9-]{0,62}");
  }

  // ---- body ----

  private static Set<Long> resolved(Object value) {
    Set<Long> resolved = new LinkedHashSet<>();
    if (value != null) {
      JsonArray array = array("resolved", value);
      for (int i = 0; i < array.size(); i++) {
        resolved.add(offset("resolved[" + i + "]", array.getValue(i), 1));
      }
    }
    return resolved;
  }

  private List<Event> events(Object value) {
    if (!(value instanceof JsonArray array) || array.isEmpty()) {
      throw new InvalidInputException("events", "expected a non-empty array of events");
    }
    // Checked before any event is looked at: an oversized batch is refused wholesale.
    if (array.size() > maxEvents) {
      throw new PayloadTooLargeException(
          "at most " + maxEvents + " events per request, got " + array.size());
    }
    List<Event> events = new ArrayList<>(array.size());
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < array.size(); i++) {
      events.add(event("events[" + i + "]", array.getValue(i), ids));
    }
    return events;
  }

  private Event event(String path, Object value, Set<String> ids) {
    JsonObject json = object(path, value);
    onlyKeys(json, EVENT_KEYS, path);
    Object action = json.getValue("action");
    Object effect = json.getValue("effect");
    if ((action == null) == (effect == null)) {
      throw new InvalidInputException(path, "an event has exactly one of action or effect");
    }
    String id = eventId(path + ".id", json.getValue("id"), ids);
    Instant timestamp = timestamp(path + ".timestamp", json.getValue("timestamp"));
    Object sourceValue = json.getValue("source");
    String source = sourceValue == null ? DEFAULT_SOURCE : text(path + ".source", sourceValue);
    if (effect != null) {
      Effect parsed = effect(path + ".effect", effect);
      onlyOnActions(path + ".triggers", json.getValue("triggers"), "only actions carry triggers");
      onlyOnActions(path + ".seal", json.getValue("seal"), "only actions carry seal");
      return new Event(id, timestamp, source, null, parsed, List.of(), List.of());
    }
    Action parsed = action(path + ".action", action);
    List<Trigger> triggers = triggers(path + ".triggers", json.getValue("triggers"));
    List<String> seal = seal(path + ".seal", json.getValue("seal"), parsed.patch(), triggers);
    return new Event(id, timestamp, source, parsed, null, triggers, seal);
  }

  private static String eventId(String field, Object value, Set<String> ids) {
    if (value == null) {
      return null;
    }
    if (!(value instanceof String id) || id.isEmpty() || length(id) > MAX_EVENT_ID) {
      throw new InvalidInputException(field, "expected a string of 1 to " + MAX_EVENT_ID + " characters");
    }
    // Idempotency is per id, so two events of one batch cannot share one.
    if (!ids.add(id)) {
      throw new InvalidInputException(field, "duplicate id in batch");
    }
    return id;
  }

  private Instant timestamp(String field, Object value) {
    if (value == null) {
      return clock.instant();
    }
    if (value instanceof String text) {
      try {
        return Instant.parse(text);
      } catch (DateTimeParseException notUtc) {
        try {
          return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException ignored) {
          // falls through to the error below
        }
      }
    }
    throw new InvalidInputException(
        field, "expected an ISO-8601 instant such as 2026-11-24T07:00:00Z");
  }

  // ---- action, patch, effect ----

  private static Action action(String path, Object value) {
    JsonObject json = object(path, value);
    onlyKeys(json, ACTION_KEYS, path);
    String reason = text(path + ".reason", required(json, "reason", path));
    String[] actor = form(path + ".actor", required(json, "actor", path));
    String[] aggregate = form(path + ".aggregate", required(json, "aggregate", path));
    Patch patch = patch(path + ".patch", required(json, "patch", path));
    return new Action(
        reason, new Actor(actor[0], actor[1]), new Aggregate(aggregate[0], aggregate[1]), patch);
  }

  private static Patch patch(String path, Object value) {
    JsonObject json = object(path, value);
    onlyKeys(json, PATCH_KEYS, path);
    Object assocValue = json.getValue("assoc");
    // The patch freezes a deep copy of it, so the parsed patch is not shared with the request body.
    JsonObject assoc = assocValue == null ? new JsonObject() : object(path + ".assoc", assocValue);
    List<String> dissoc = new ArrayList<>();
    Object dissocValue = json.getValue("dissoc");
    if (dissocValue != null) {
      JsonArray array = array(path + ".dissoc", dissocValue);
      for (int k = 0; k < array.size(); k++) {
        String field = path + ".dissoc[" + k + "]";
        if (!(array.getValue(k) instanceof String key) || key.isEmpty()) {
          throw new InvalidInputException(field, "expected a non-empty string");
        }
        // Patch relies on assoc and dissoc being disjoint (their order of application is free).
        if (assoc.containsKey(key)) {
          throw new InvalidInputException(field, "key '" + key + "' is also in assoc");
        }
        dissoc.add(key);
      }
    }
    return new Patch(assoc, dissoc);
  }

  private static Effect effect(String path, Object value) {
    JsonObject json = object(path, value);
    onlyKeys(json, EFFECT_KEYS, path);
    String reason = text(path + ".reason", required(json, "reason", path));
    String[] trigger = form(path + ".trigger", required(json, "trigger", path));
    return new Effect(reason, new Trigger(trigger[0], trigger[1]));
  }

  // ---- triggers and seal ----

  private static List<Trigger> triggers(String path, Object value) {
    if (value == null) {
      return List.of();
    }
    JsonArray array = array(path, value);
    // Collapses duplicates (1 and "1" alike), keeping first order.
    Set<Trigger> triggers = new LinkedHashSet<>();
    for (int k = 0; k < array.size(); k++) {
      String[] trigger = form(path + "[" + k + "]", array.getValue(k));
      triggers.add(new Trigger(trigger[0], trigger[1]));
    }
    return List.copyOf(triggers);
  }

  private static List<String> seal(String path, Object value, Patch patch, List<Trigger> triggers) {
    if (value == null) {
      return List.of();
    }
    JsonArray array = array(path, value);
    Set<String> seal = new LinkedHashSet<>();
    for (int k = 0; k < array.size(); k++) {
      if (!(array.getValue(k) instanceof String key) || !patch.assoc().containsKey(key)) {
        throw new InvalidInputException(path + "[" + k + "]", "expected a key of action.patch.assoc");
      }
      seal.add(key);
    }
    // The sealed values are encrypted under that one key; with none or several it is ambiguous.
    long keys = triggers.stream().filter(t -> Trigger.ENCRYPTION_KEY.equals(t.type())).count();
    if (!seal.isEmpty() && keys != 1) {
      throw new InvalidInputException(
          path, "sealing needs exactly one trigger of type " + Trigger.ENCRYPTION_KEY + ", found " + keys);
    }
    return List.copyOf(seal);
  }

  /** Triggers and seal on an effect: absent or empty is fine, anything more is refused. */
  private static void onlyOnActions(String field, Object value, String message) {
    if (value != null && !array(field, value).isEmpty()) {
      throw new InvalidInputException(field, message);
    }
  }

  // ---- [type, id] ----

  private static String[] form(String field, Object value) {
    if (!(value instanceof JsonArray array) || array.size() != 2) {
      throw new InvalidInputException(field, "expected [type, id]");
    }
    return new String[] {type(field, array.getValue(0)), nameId(field, array.getValue(1))};
  }

  private static String type(String field, Object value) {
    if (!(value instanceof String type) || !TYPE.matcher(type).matches()) {
      throw new InvalidInputException(field, "expected [type, id] with type matching " + TYPE_FORM);
    }
    return type;
  }

  /** An integer id is the same as its decimal string, so both become that string. */
  private static String nameId(String field, Object value) {
    if (value instanceof String id && !id.isEmpty() && length(id) <= MAX_NAME_ID) {
      return id;
    }
    Long integer = integral(value);
    if (integer == null) {
      throw new InvalidInputException(
          field, "expected [type, id] with id a string of 1 to " + MAX_NAME_ID + " characters or an integer");
    }
    return Long.toString(integer);
  }

  // ---- scalars ----

  /** The value as a long when it is a JSON number without fraction within long range, else null. */
  private static Long integral(Object value) {
    if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
      return ((Number) value).longValue();
    }
    if (value instanceof BigInteger big) {
      return big.bitLength() < 64 ? big.longValue() : null;
    }
    if (value instanceof BigDecimal decimal) {
      try {
        return decimal.longValueExact();
      } catch (ArithmeticException fractionOrTooLarge) {
        return null;
      }
    }
    if (value instanceof Double || value instanceof Float) {
      double d = ((Number) value).doubleValue();
      // rint(NaN) != NaN, and ±Infinity fails the range check.
      return d == Math.rint(d) && d >= -TWO_TO_63 && d < TWO_TO_63 ? (long) d : null;
    }
    return null;
  }

  private static long offset(String field, Object value, long min) {
    Long offset = integral(value);
    if (offset == null || offset < min) {
      throw new InvalidInputException(field, "expected an integer offset >= " + min);
    }
    return offset;
  }

  private static boolean bool(String field, Object value) {
    if (value == null) {
      return false;
    }
    if (!(value instanceof Boolean flag)) {
      throw new InvalidInputException(field, "expected true or false");
    }
    return flag;
  }

  private static String text(String field, Object value) {
    if (!(value instanceof String text) || text.isBlank() || length(text) > MAX_TEXT) {
      throw new InvalidInputException(field, TEXT);
    }
    return text;
  }

  private static String name(String field, String value, Pattern form, String message) {
    if (value == null || !form.matcher(value).matches()) {
      throw new InvalidInputException(field, message);
    }
    return value;
  }

  /** Length in characters (code points), as the contract counts them, not UTF-16 units. */
  private static int length(String text) {
    return text.codePointCount(0, text.length());
  }

  // ---- JSON shapes ----

  private static JsonObject object(String field, Object value) {
    if (!(value instanceof JsonObject json)) {
      throw new InvalidInputException(field, "expected an object");
    }
    return json;
  }

  private static JsonArray array(String field, Object value) {
    if (!(value instanceof JsonArray array)) {
      throw new InvalidInputException(field, "expected an array");
    }
    return array;
  }

  private static Object required(JsonObject json, String key, String path) {
    Object value = json.getValue(key);
    if (value == null) {
      throw new InvalidInputException(path + "." + key, "required");
    }
    return value;
  }

  /** Rejects the first key (in body order) outside {@code allowed}; {@code path} "" is the body. */
  private static void onlyKeys(JsonObject json, Set<String> allowed, String path) {
    for (String key : json.fieldNames()) {
      if (!allowed.contains(key)) {
        throw new InvalidInputException(path.isEmpty() ? key : path + "." + key, "unknown field");
      }
    }
  }
}
