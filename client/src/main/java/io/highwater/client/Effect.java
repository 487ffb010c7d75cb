package io.highwater.client;

import io.vertx.core.json.JsonObject;

/** Something that happened to a trigger, e.g. {@code key-expired}: {@code {"reason", "trigger"}}. */
public record Effect(String reason, Trigger trigger) {

  /** The reason of an effect that destroys its {@code encryption-key} trigger's key. */
  public static final String KEY_EXPIRED = "key-expired";

  public Effect {
    Wire.require(reason, "reason");
    Wire.require(trigger, "trigger");
  }

  public JsonObject toJson() {
    return new JsonObject().put("reason", reason).put("trigger", trigger.toJson());
  }

  public static Effect fromJson(JsonObject json) {
    return new Effect(json.getString("reason"), Trigger.fromJson(json.getJsonArray("trigger")));
  }
}
