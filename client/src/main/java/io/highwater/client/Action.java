package io.highwater.client;

import io.vertx.core.json.JsonObject;

/** What someone did to an aggregate: {@code {"reason", "actor", "aggregate", "patch"}}. */
public record Action(String reason, Actor actor, Aggregate aggregate, Patch patch) {

  public Action {
    Wire.require(reason, "reason");
    Wire.require(actor, "actor");
    Wire.require(aggregate, "aggregate");
    patch = patch == null ? new Patch(null, null) : patch;
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("reason", reason)
        .put("actor", actor.toJson())
        .put("aggregate", aggregate.toJson())
        .put("patch", patch.toJson());
  }

  public static Action fromJson(JsonObject json) {
    return new Action(
        json.getString("reason"),
        Actor.fromJson(json.getJsonArray("actor")),
        Aggregate.fromJson(json.getJsonArray("aggregate")),
        Patch.fromJson(json.getJsonObject("patch", new JsonObject())));
  }
}
