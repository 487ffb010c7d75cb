package io.highwater.event;

import io.vertx.core.json.JsonObject;

/** An actor has a reason for applying a patch that changes an aggregate (coherence's action). */
public record Action(String reason, Actor actor, Aggregate aggregate, Patch patch) {

  public JsonObject toJson() {
    return new JsonObject()
        .put("reason", reason)
        .put("actor", actor.toJson())
        .put("aggregate", aggregate.toJson())
        .put("patch", patch.toJson());
  }
}
