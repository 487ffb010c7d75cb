package io.highwater.event;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One event of a batch, as the client sent it with defaults filled in: exactly one of
 * {@code action} and {@code effect} is set. {@code id}, when present, makes it idempotent within
 * its partition.
 */
public record Event(
    String id,
    Instant timestamp,
    String source,
    Action action,
    Effect effect,
    List<Trigger> triggers,
    List<String> seal) {

  public Event {
    triggers = List.copyOf(triggers);
    seal = List.copyOf(seal);
  }

  public boolean isAction() {
    return action != null;
  }

  public Optional<String> idIfAny() {
    return Optional.ofNullable(id);
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject();
    if (id != null) {
      json.put("id", id);
    }
    json.put("timestamp", timestamp.toString()).put("source", source);
    if (action != null) {
      json.put("action", action.toJson());
      JsonArray links = new JsonArray();
      triggers.forEach(t -> links.add(t.toJson()));
      json.put("triggers", links);
      if (!seal.isEmpty()) {
        json.put("seal", new JsonArray(seal));
      }
    } else {
      json.put("effect", effect.toJson());
    }
    return json;
  }
}
