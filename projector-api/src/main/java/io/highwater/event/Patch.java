package io.highwater.event;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A change to an aggregate's state: {@code assoc} sets keys to client values, {@code sealed} sets
 * keys to sealed values (the server's ciphertext, apart from client values so that none is ever
 * taken for one), {@code dissoc} removes keys. The three never share a key, so the order in which
 * they apply does not matter. {@code assoc} is frozen ({@link FrozenJson}): patches are shared
 * between the log, the records cache and the projectors, and a state shares the values a patch set.
 */
public record Patch(JsonObject assoc, List<String> dissoc, Map<String, SealedValue> sealed) {

  public Patch {
    assoc = FrozenJson.object(assoc);
    dissoc = List.copyOf(dissoc);
    sealed = Collections.unmodifiableMap(new LinkedHashMap<>(sealed));
  }

  /** A patch of client values only. */
  public Patch(JsonObject assoc, List<String> dissoc) {
    this(assoc, dissoc, Map.of());
  }

  /**
   * The client values of a state after this patch, as a new frozen object sharing every value the
   * patch leaves alone; costs the patch, not the state. A key it seals leaves the client values.
   * {@code state} is not modified.
   */
  public JsonObject applyTo(JsonObject state) {
    if (sealed.isEmpty()) {
      return FrozenJson.with(state, assoc, dissoc);
    }
    List<String> removed = new ArrayList<>(dissoc);
    removed.addAll(sealed.keySet());
    return FrozenJson.with(state, assoc, removed);
  }

  /** The stored form: {@code sealed} only when some value is sealed. */
  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("assoc", assoc).put("dissoc", new JsonArray(dissoc));
    return sealed.isEmpty() ? json : json.put("sealed", SealedValue.toJson(sealed));
  }
}
