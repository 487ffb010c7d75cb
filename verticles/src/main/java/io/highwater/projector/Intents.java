package io.highwater.projector;

import io.vertx.core.json.JsonObject;

/** What a projector wants done to its view, in the event's workspace. */
public interface Intents {

  void put(String key, JsonObject value);

  void delete(String key);
}
