package io.highwater.client;

import io.vertx.core.json.JsonArray;

/** Who performed an action: {@code [type, id]}, e.g. {@code ["user", "alice"]}. */
public record Actor(String type, String id) {

  public Actor {
    Wire.require(type, "type");
    Wire.require(id, "id");
  }

  public static Actor of(String type, Object id) {
    return new Actor(type, Wire.nameId(id));
  }

  /** {@code ["user", name]}. */
  public static Actor user(String name) {
    return new Actor("user", name);
  }

  public JsonArray toJson() {
    return new JsonArray().add(type).add(id);
  }

  public static Actor fromJson(JsonArray pair) {
    return new Actor(pair.getString(0), Wire.nameId(pair.getValue(1)));
  }
}
