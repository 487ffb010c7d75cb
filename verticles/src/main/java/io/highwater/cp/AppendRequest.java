package io.highwater.cp;

import io.highwater.event.Batch;
import io.highwater.event.Event;
import io.highwater.event.EventJson;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A validated batch for the workspace {@code ws}, on its way to the partition's command processor;
 * {@code bytes} is what its request body weighed, by which queues and groups are bounded;
 * {@code credential} is the caller's token (null where nothing is checked), which the command
 * processor checks itself.
 */
public record AppendRequest(String ws, Batch batch, int bytes, String credential) {

  public AppendRequest(String ws, Batch batch, int bytes) {
    this(ws, batch, bytes, null);
  }

  public JsonObject toJson() {
    JsonArray events = new JsonArray();
    batch.events().forEach(e -> events.add(e.toJson()));
    return new JsonObject()
        .put("ws", ws)
        .put("bytes", bytes)
        .put("baseOffset", batch.baseOffset())
        .put("resolved", new JsonArray(new ArrayList<>(batch.resolved())))
        .put("dry", batch.dry())
        .put("events", events)
        .put("credential", credential);
  }

  public static AppendRequest fromJson(JsonObject json) {
    List<Event> events = new ArrayList<>();
    json.getJsonArray("events").forEach(e -> events.add(EventJson.decode((JsonObject) e)));
    Set<Long> resolved = new HashSet<>();
    json.getJsonArray("resolved").forEach(o -> resolved.add(((Number) o).longValue()));
    return new AppendRequest(json.getString("ws"),
        new Batch(json.getLong("baseOffset"), resolved, json.getBoolean("dry"), events), json.getInteger("bytes"),
        json.getString("credential"));
  }
}
