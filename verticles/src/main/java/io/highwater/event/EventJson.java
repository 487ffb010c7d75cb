package io.highwater.event;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes events the server wrote itself (already validated): the log's {@code body} column, where
 * an action's sealed values are in its patch's {@code sealed} member (which the append body cannot
 * have), and the events an append sends to its partition's owner.
 */
public final class EventJson {

  private EventJson() {}

  public static Event decode(JsonObject json) {
    JsonObject action = json.getJsonObject("action");
    JsonObject effect = json.getJsonObject("effect");
    List<Trigger> triggers = new ArrayList<>();
    JsonArray links = json.getJsonArray("triggers", new JsonArray());
    for (int i = 0; i < links.size(); i++) {
      triggers.add(trigger(links.getJsonArray(i)));
    }
    List<String> seal = new ArrayList<>();
    json.getJsonArray("seal", new JsonArray()).forEach(k -> seal.add((String) k));
    return new Event(
        json.getString("id"),
        Instant.parse(json.getString("timestamp")),
        json.getString("source"),
        action == null ? null : action(action),
        effect == null ? null : new Effect(effect.getString("reason"), trigger(effect.getJsonArray("trigger"))),
        triggers,
        seal);
  }

  public static StoredEvent decodeStored(JsonObject json, long offset, int partition, String ws) {
    return new StoredEvent(offset, partition, ws, decode(json));
  }

  private static Action action(JsonObject json) {
    JsonArray actor = json.getJsonArray("actor");
    JsonArray aggregate = json.getJsonArray("aggregate");
    JsonObject patch = json.getJsonObject("patch");
    List<String> dissoc = new ArrayList<>();
    patch.getJsonArray("dissoc", new JsonArray()).forEach(k -> dissoc.add((String) k));
    return new Action(
        json.getString("reason"),
        new Actor(actor.getString(0), actor.getString(1)),
        new Aggregate(aggregate.getString(0), aggregate.getString(1)),
        new Patch(patch.getJsonObject("assoc", new JsonObject()), dissoc, SealedValue.fieldsFromJson(patch.getJsonObject("sealed"))));
  }

  private static Trigger trigger(JsonArray pair) {
    return new Trigger(pair.getString(0), pair.getString(1));
  }
}
