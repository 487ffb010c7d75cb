package io.highwater.projector;

import io.vertx.core.json.JsonObject;
import java.util.Optional;

/** Reads the current value of a view key in the event's workspace (one the projector asked for). */
public interface ViewReader {

  Optional<JsonObject> get(String key);
}
