package io.highwater.cp;

import io.highwater.event.EventJson;
import io.highwater.event.StoredEvent;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/** Carries an {@link Outcome} between nodes. */
public final class OutcomeJson {

  private OutcomeJson() {}

  public static JsonObject encode(Outcome outcome) {
    if (outcome instanceof Outcome.Appended a) {
      return new JsonObject().put("kind", "appended").put("events", events(a.events())).put("dry", a.dry());
    }
    if (outcome instanceof Outcome.Repeated r) {
      return new JsonObject().put("kind", "repeated").put("events", events(r.events()));
    }
    if (outcome instanceof Outcome.Conflicted c) {
      return new JsonObject().put("kind", "conflicted")
          .put("events", events(c.ahead()))
          .put("ours", c.ours().toJson())
          .put("theirs", c.theirs().toJson())
          .put("unresolved", new JsonArray(new ArrayList<>(c.unresolved())));
    }
    if (outcome instanceof Outcome.InvalidOffset i) {
      return new JsonObject().put("kind", "invalidOffset").put("nextOffset", i.nextOffset());
    }
    if (outcome instanceof Outcome.Rejected r) {
      return new JsonObject().put("kind", "rejected").put("field", r.field()).put("message", r.message());
    }
    if (outcome instanceof Outcome.Moved m) {
      return new JsonObject().put("kind", "moved").put("message", m.message());
    }
    if (outcome instanceof Outcome.Refused r) {
      return new JsonObject().put("kind", "refused").put("code", r.code()).put("message", r.message());
    }
    return new JsonObject().put("kind", "unavailable").put("message", ((Outcome.Unavailable) outcome).message());
  }

  public static Outcome decode(JsonObject json) {
    return switch (json.getString("kind")) {
      case "appended" -> new Outcome.Appended(events(json.getJsonArray("events")), json.getBoolean("dry"));
      case "repeated" -> new Outcome.Repeated(events(json.getJsonArray("events")));
      case "conflicted" -> new Outcome.Conflicted(
          events(json.getJsonArray("events")),
          event(json.getJsonObject("ours")),
          event(json.getJsonObject("theirs")),
          json.getJsonArray("unresolved").stream().map(o -> ((Number) o).longValue()).toList());
      case "invalidOffset" -> new Outcome.InvalidOffset(json.getLong("nextOffset"));
      case "rejected" -> new Outcome.Rejected(json.getString("field"), json.getString("message"));
      case "moved" -> new Outcome.Moved(json.getString("message"));
      case "refused" -> new Outcome.Refused(json.getString("code"), json.getString("message"));
      default -> new Outcome.Unavailable(json.getString("message"));
    };
  }

  public static JsonArray events(List<StoredEvent> events) {
    JsonArray array = new JsonArray();
    events.forEach(e -> array.add(e.toJson()));
    return array;
  }

  private static List<StoredEvent> events(JsonArray array) {
    List<StoredEvent> events = new ArrayList<>(array.size());
    array.forEach(o -> events.add(event((JsonObject) o)));
    return events;
  }

  private static StoredEvent event(JsonObject json) {
    return EventJson.decodeStored(json, json.getLong("offset"), json.getInteger("partition"), json.getString("ws"));
  }
}
