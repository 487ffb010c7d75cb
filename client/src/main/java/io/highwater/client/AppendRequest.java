package io.highwater.client;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * The body of an append: {@code baseOffset} (the newest offset the caller had seen when it decided,
 * 0 for none), the stored offsets it {@code resolved}, the {@code events} (stored atomically), and
 * {@code dry} (check and answer, store nothing).
 */
public record AppendRequest(long baseOffset, List<Long> resolved, List<Event> events, boolean dry) {

  public AppendRequest {
    if (baseOffset < 0) {
      throw new IllegalArgumentException("baseOffset must be >= 0, got " + baseOffset);
    }
    resolved = resolved == null ? List.of() : List.copyOf(resolved);
    events = List.copyOf(Wire.require(events, "events"));
  }

  public static AppendRequest of(long baseOffset, Event... events) {
    return new AppendRequest(baseOffset, List.of(), List.of(events), false);
  }

  public static AppendRequest of(long baseOffset, List<Event> events) {
    return new AppendRequest(baseOffset, List.of(), events, false);
  }

  /** The same request, also declaring these stored offsets resolved (added to those already declared). */
  public AppendRequest resolving(long... offsets) {
    List<Long> all = new ArrayList<>(resolved);
    for (long offset : offsets) {
      all.add(offset);
    }
    return new AppendRequest(baseOffset, all, events, dry);
  }

  /** The same request as a dry run: checked and answered as usual, nothing stored. */
  public AppendRequest asDry() {
    return new AppendRequest(baseOffset, resolved, events, true);
  }

  public JsonObject toJson() {
    JsonArray array = new JsonArray();
    events.forEach(e -> array.add(e.toJson()));
    JsonObject json = new JsonObject().put("baseOffset", baseOffset).put("resolved", new JsonArray(new ArrayList<>(resolved)))
        .put("events", array);
    if (dry) {
      json.put("dry", true);
    }
    return json;
  }

  public static AppendRequest fromJson(JsonObject json) {
    List<Event> events = new ArrayList<>();
    json.getJsonArray("events", new JsonArray()).forEach(o -> events.add(Event.fromJson((JsonObject) o)));
    return new AppendRequest(json.getLong("baseOffset", 0L), Wire.longs(json.getJsonArray("resolved")), events,
        json.getBoolean("dry", false));
  }
}
