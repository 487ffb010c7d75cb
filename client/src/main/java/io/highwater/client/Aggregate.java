package io.highwater.client;

import io.vertx.core.json.JsonArray;

/**
 * An aggregate {@code [type, id]}. An integer id is the same aggregate as its decimal string (and the
 * server answers it as that string), so ids are kept as strings.
 */
public record Aggregate(String type, String id) {

  public Aggregate {
    Wire.require(type, "type");
    Wire.require(id, "id");
  }

  /** {@code id} is a string or an integer. */
  public static Aggregate of(String type, Object id) {
    return new Aggregate(type, Wire.nameId(id));
  }

  public JsonArray toJson() {
    return new JsonArray().add(type).add(id);
  }

  public static Aggregate fromJson(JsonArray pair) {
    return new Aggregate(pair.getString(0), Wire.nameId(pair.getValue(1)));
  }

  @Override
  public String toString() {
    return type + "/" + id;
  }
}
