package io.highwater.event;

import io.vertx.core.json.JsonObject;

/** Fires a trigger for a reason; projections replay the actions linked to it. */
public record Effect(String reason, Trigger trigger) {

  public static final String KEY_EXPIRED = "key-expired";

  public JsonObject toJson() {
    return new JsonObject().put("reason", reason).put("trigger", trigger.toJson());
  }
}
