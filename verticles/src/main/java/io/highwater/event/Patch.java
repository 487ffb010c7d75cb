package io.highwater.event;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * A change to an aggregate's state: {@code assoc} sets keys, {@code dissoc} removes them. The two
 * never share a key, so the order in which they apply does not matter. {@code assoc} is frozen
 * ({@link FrozenJson}): patches are shared between the log, the records cache and the projectors,
 * and a state shares the values a patch set.
 */
public record Patch(JsonObject assoc, List<String> dissoc) {

  public Patch {
    assoc = FrozenJson.object(assoc);
    dissoc = List.copyOf(dissoc);
  }

  /**
   * The state after this patch, as a new frozen object sharing every value the patch leaves alone;
   * costs the patch, not the state. {@code state} is not modified.
   */
  public JsonObject applyTo(JsonObject state) {
    return FrozenJson.with(state, assoc, dissoc);
  }

  public JsonObject toJson() {
    return new JsonObject().put("assoc", assoc).put("dissoc", new JsonArray(dissoc));
  }
}
