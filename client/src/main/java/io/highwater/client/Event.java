package io.highwater.client;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An event as sent in an append: exactly one of {@code action} and {@code effect}. {@code id} (optional)
 * makes it idempotent within its partition; {@code timestamp} and {@code source} default on the server
 * (to its clock and {@code "api"}) when null. Build one with {@link #action} or {@link #effect}:
 *
 * <pre>{@code
 * Event.action("create", "book", "Neuromancer").actor("user", "alice")
 *     .assoc("author", "William Gibson").assoc("genre", "SciFi").build();
 * Event.effect("key-expired", "encryption-key", 1).source("keystore").build();
 * }</pre>
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
    if ((action == null) == (effect == null)) {
      throw new IllegalArgumentException("an event has exactly one of action or effect");
    }
    triggers = triggers == null ? List.of() : List.copyOf(triggers);
    seal = seal == null ? List.of() : List.copyOf(seal);
  }

  /** A builder of an action on the aggregate {@code [type, id]} ({@code id} a string or an integer). */
  public static Builder action(String reason, String type, Object id) {
    return new Builder(reason, Aggregate.of(type, id), null);
  }

  /** A builder of an effect on the trigger {@code [type, id]} ({@code id} a string or an integer). */
  public static Builder effect(String reason, String triggerType, Object triggerId) {
    return new Builder(reason, null, Trigger.of(triggerType, triggerId));
  }

  public boolean isAction() {
    return action != null;
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject();
    if (id != null) {
      json.put("id", id);
    }
    if (timestamp != null) {
      json.put("timestamp", timestamp.toString());
    }
    if (source != null) {
      json.put("source", source);
    }
    if (action != null) {
      json.put("action", action.toJson());
      if (!triggers.isEmpty()) {
        JsonArray links = new JsonArray();
        triggers.forEach(t -> links.add(t.toJson()));
        json.put("triggers", links);
      }
      if (!seal.isEmpty()) {
        json.put("seal", new JsonArray(new ArrayList<>(seal)));
      }
    } else {
      json.put("effect", effect.toJson());
    }
    return json;
  }

  public static Event fromJson(JsonObject json) {
    JsonObject action = json.getJsonObject("action");
    JsonObject effect = json.getJsonObject("effect");
    List<Trigger> triggers = new ArrayList<>();
    JsonArray links = json.getJsonArray("triggers");
    if (links != null) {
      for (int i = 0; i < links.size(); i++) {
        triggers.add(Trigger.fromJson(links.getJsonArray(i)));
      }
    }
    String timestamp = json.getString("timestamp");
    return new Event(
        json.getString("id"),
        timestamp == null ? null : Instant.parse(timestamp),
        json.getString("source"),
        action == null ? null : Action.fromJson(action),
        effect == null ? null : Effect.fromJson(effect),
        triggers,
        Wire.strings(json.getJsonArray("seal")));
  }

  /** Builds an {@link Event}; the action-only methods fail on an effect's builder. */
  public static final class Builder {

    private final String reason;
    private final Aggregate aggregate;
    private final Trigger effectTrigger;
    private String id;
    private Instant timestamp;
    private String source;
    private Actor actor;
    private final JsonObject assoc = new JsonObject();
    private final Set<String> dissoc = new LinkedHashSet<>();
    private final List<Trigger> triggers = new ArrayList<>();
    private final Set<String> seal = new LinkedHashSet<>();

    private Builder(String reason, Aggregate aggregate, Trigger effectTrigger) {
      this.reason = Wire.require(reason, "reason");
      this.aggregate = aggregate;
      this.effectTrigger = effectTrigger;
    }

    /** Makes the event idempotent within its partition (1 to 128 characters). */
    public Builder id(String id) {
      this.id = id;
      return this;
    }

    public Builder timestamp(Instant timestamp) {
      this.timestamp = timestamp;
      return this;
    }

    public Builder source(String source) {
      this.source = source;
      return this;
    }

    /** The action's actor {@code [type, id]}, e.g. {@code actor("user", "alice")}; required for actions. */
    public Builder actor(String type, Object id) {
      onlyAction("actor");
      this.actor = Actor.of(type, id);
      return this;
    }

    public Builder actor(Actor actor) {
      onlyAction("actor");
      this.actor = actor;
      return this;
    }

    /** Sets {@code key} to {@code value} (a JSON value: string, number, boolean, null, JsonObject, JsonArray…). */
    public Builder assoc(String key, Object value) {
      onlyAction("assoc");
      dissoc.remove(key);
      assoc.put(key, value);
      return this;
    }

    public Builder assoc(Map<String, ?> values) {
      values.forEach(this::assoc);
      return this;
    }

    public Builder assoc(JsonObject values) {
      values.forEach(e -> assoc(e.getKey(), e.getValue()));
      return this;
    }

    /** Removes these keys from the aggregate's state. */
    public Builder dissoc(String... keys) {
      onlyAction("dissoc");
      for (String key : keys) {
        assoc.remove(key);
        dissoc.add(key);
      }
      return this;
    }

    /** Links the action to a trigger {@code [type, id]}. */
    public Builder trigger(String type, Object id) {
      onlyAction("trigger");
      triggers.add(Trigger.of(type, id));
      return this;
    }

    /** Assoc keys the server encrypts under the event's one {@code encryption-key} trigger. */
    public Builder seal(String... keys) {
      onlyAction("seal");
      seal.addAll(List.of(keys));
      return this;
    }

    public Event build() {
      if (effectTrigger != null) {
        return new Event(id, timestamp, source, null, new Effect(reason, effectTrigger), List.of(), List.of());
      }
      if (actor == null) {
        throw new IllegalStateException("an action needs an actor: call actor(type, id)");
      }
      Action action = new Action(reason, actor, aggregate, new Patch(assoc, new ArrayList<>(dissoc)));
      return new Event(id, timestamp, source, action, null, triggers, new ArrayList<>(seal));
    }

    private void onlyAction(String what) {
      if (effectTrigger != null) {
        throw new IllegalStateException(what + ": only actions carry it, this is an effect");
      }
    }
  }
}
