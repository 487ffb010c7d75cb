package io.highwater.event;

import io.vertx.core.json.JsonArray;

/** Who performed an action: {@code [type, id]}. */
public record Actor(String type, String id) {

  public JsonArray toJson() {
    return new JsonArray().add(type).add(id);
  }
}
