package io.highwater.event;

import io.vertx.core.json.JsonArray;

/** What links actions to the effects that replay them: {@code [type, id]} inside one workspace. */
public record Trigger(String type, String id) {

  public static final String ENCRYPTION_KEY = "encryption-key";

  public JsonArray toJson() {
    return new JsonArray().add(type).add(id);
  }

  @Override
  public String toString() {
    return type + "/" + id;
  }
}
