package io.highwater.event;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * A change to an aggregate's state: {@code assoc} sets keys, {@code dissoc} removes them. The two
 * never share a key, so the order in which they apply does not matter. Treat {@code assoc} as
 * immutable: patches are shared between the log, the records cache and the projectors.
 */
public record Patch(JsonObject assoc, List<String> dissoc) {

  public Patch {
    dissoc = List.copyOf(dissoc);
  }

  /** The state after this patch, as a new object; {@code state} is not modified. */
  public JsonObject applyTo(JsonObject state) {
    JsonObject next = state.copy();
    dissoc.forEach(next::remove);
    assoc.forEach(e -> next.put(e.getKey(), e.getValue()));
    return next;
  }

  public JsonObject toJson() {
    return new JsonObject().put("assoc", assoc).put("dissoc", new JsonArray(dissoc));
  }
}
