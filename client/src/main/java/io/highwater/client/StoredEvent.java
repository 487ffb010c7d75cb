package io.highwater.client;

import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * An event as the server stored it (or, in a conflict answer, as it would have been stored): the
 * event with its defaults filled in, plus its {@code offset}, {@code partition} and {@code ws}. In a
 * log read, {@code replayCause} is the offset of the effect that replays this earlier action (else
 * null). {@code expired} lists the sealed keys whose values were destroyed with their key.
 */
public record StoredEvent(long offset, int partition, String ws, Event event, Long replayCause, List<String> expired) {

  public StoredEvent {
    Wire.require(event, "event");
    expired = expired == null ? List.of() : List.copyOf(expired);
  }

  public Action action() {
    return event.action();
  }

  public Effect effect() {
    return event.effect();
  }

  public boolean isReplay() {
    return replayCause != null;
  }

  public JsonObject toJson() {
    JsonObject json = event.toJson().put("offset", offset).put("partition", partition);
    if (ws != null) {
      json.put("ws", ws);
    }
    if (replayCause != null) {
      json.put("replay", new JsonObject().put("cause", replayCause));
    }
    if (!expired.isEmpty()) {
      json.put("expired", new io.vertx.core.json.JsonArray(List.copyOf(expired)));
    }
    return json;
  }

  public static StoredEvent fromJson(JsonObject json) {
    JsonObject replay = json.getJsonObject("replay");
    return new StoredEvent(
        json.getLong("offset", 0L),
        json.getInteger("partition", -1),
        json.getString("ws"),
        Event.fromJson(json),
        replay == null ? null : replay.getLong("cause"),
        Wire.strings(json.getJsonArray("expired")));
  }
}
