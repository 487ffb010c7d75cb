package io.highwater.event;

import io.vertx.core.json.JsonArray;

/** The unit of conflict detection and of records: {@code [type, id]} inside one workspace. */
public record Aggregate(String type, String id) {

  public JsonArray toJson() {
    return new JsonArray().add(type).add(id);
  }

  @Override
  public String toString() {
    return type + "/" + id;
  }
}
