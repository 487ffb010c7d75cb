package io.highwater.client;

import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;

/** A partition's consistency: the command processor's {@code cpOffset} and every entity's watermarks. */
public record Consistency(String app, int partition, long cpOffset, Map<String, Watermarks> entities) {

  public Consistency {
    entities = Map.copyOf(entities);
  }

  /** An entity's watermarks, {@code (0, 0)} when the server did not list it. */
  public Watermarks entity(String entity) {
    return entities.getOrDefault(entity, new Watermarks(0, 0, null));
  }

  public Watermarks records() {
    return entity(Entity.RECORDS);
  }

  public Watermarks view(String name) {
    return entity(Entity.view(name));
  }

  public static Consistency fromJson(JsonObject json) {
    Map<String, Watermarks> entities = new LinkedHashMap<>();
    JsonObject raw = json.getJsonObject("entities", new JsonObject());
    raw.fieldNames().forEach(name -> entities.put(name, Watermarks.fromJson(raw.getJsonObject(name))));
    return new Consistency(json.getString("app"), json.getInteger("partition", -1), json.getLong("cpOffset", 0L), entities);
  }
}
