package io.highwater.client;

import io.vertx.core.json.JsonArray;

/** A trigger {@code [type, id]}: what links actions to the effects that replay them. Ids as for {@link Aggregate}. */
public record Trigger(String type, String id) {

  public Trigger {
    Wire.require(type, "type");
    Wire.require(id, "id");
  }

  /** {@code id} is a string or an integer. */
  public static Trigger of(String type, Object id) {
    return new Trigger(type, Wire.nameId(id));
  }

  public JsonArray toJson() {
    return new JsonArray().add(type).add(id);
  }

  public static Trigger fromJson(JsonArray pair) {
    return new Trigger(pair.getString(0), Wire.nameId(pair.getValue(1)));
  }
}
