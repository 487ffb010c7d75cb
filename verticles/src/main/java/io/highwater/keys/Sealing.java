package io.highwater.keys;

import io.highwater.event.FrozenJson;
import io.highwater.event.Patch;
import io.highwater.event.Trigger;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.function.Function;
import java.util.Set;

/**
 * Sealed values at rest: a sealed assoc value is stored as
 * {@code {"$sealed": {"trigger": [type, id], "data": base64(nonce + AES-GCM(json value))}}}, under
 * the data key of its encryption-key trigger. Pure: keys are given.
 */
public final class Sealing {

  public static final String MARK = "$sealed";

  private Sealing() {}

  /** The object's fields that were sealed and can still be read, or that expired with their key. */
  public record Opened(JsonObject value, List<String> sealed, List<String> expired) {}

  /**
   * A patch as projectors see it: sealed values decrypted, and those whose key expired removed
   * (a value that can no longer be read is gone, not left at an older one).
   */
  public static Patch openPatch(Patch patch, Function<Trigger, DataKey> keys, Set<String> sealed) {
    Opened assoc = open(patch.assoc(), keys);
    sealed.addAll(assoc.sealed());
    List<String> dissoc = new ArrayList<>(patch.dissoc());
    dissoc.addAll(assoc.expired());
    return new Patch(assoc.value(), dissoc);
  }

  /** The patch with the values of {@code fields} sealed under the trigger's key. */
  public static Patch sealPatch(Patch patch, List<String> fields, Trigger trigger, DataKey key) {
    JsonObject sealed = new JsonObject();
    fields.forEach(field -> sealed.put(field, seal(patch.assoc().getValue(field), trigger, key)));
    return new Patch(FrozenJson.with(patch.assoc(), sealed, List.of()), patch.dissoc());
  }

  public static JsonObject seal(Object value, Trigger trigger, DataKey key) {
    byte[] plaintext = Json.encode(value).getBytes(StandardCharsets.UTF_8);
    return new JsonObject().put(MARK, new JsonObject()
        .put("trigger", trigger.toJson())
        .put("data", Base64.getEncoder().encodeToString(key.encrypt(plaintext))));
  }

  public static boolean isSealed(Object value) {
    return value instanceof JsonObject json && json.size() == 1 && json.getValue(MARK) instanceof JsonObject;
  }

  public static Trigger triggerOf(JsonObject sealed) {
    JsonArray pair = sealed.getJsonObject(MARK).getJsonArray("trigger");
    return new Trigger(pair.getString(0), pair.getString(1));
  }

  /** The triggers whose keys the object's sealed fields need. */
  public static Set<Trigger> triggers(JsonObject object) {
    Set<Trigger> triggers = new LinkedHashSet<>();
    if (object != null) {
      object.forEach(e -> {
        if (isSealed(e.getValue())) {
          triggers.add(triggerOf((JsonObject) e.getValue()));
        }
      });
    }
    return triggers;
  }

  /**
   * The object with sealed fields opened where their key lives and left out where it is gone; it
   * shares every other value with {@code object}.
   */
  public static Opened open(JsonObject object, Function<Trigger, DataKey> keys) {
    JsonObject out = new JsonObject();
    List<String> sealed = new ArrayList<>();
    List<String> expired = new ArrayList<>();
    object.forEach(e -> {
      if (!isSealed(e.getValue())) {
        return;
      }
      JsonObject envelope = (JsonObject) e.getValue();
      DataKey key = keys.apply(triggerOf(envelope));
      if (key == null) {
        expired.add(e.getKey());
      } else {
        byte[] plaintext = key.decrypt(Base64.getDecoder().decode(envelope.getJsonObject(MARK).getString("data")));
        out.put(e.getKey(), Json.decodeValue(new String(plaintext, StandardCharsets.UTF_8)));
        sealed.add(e.getKey());
      }
    });
    return new Opened(FrozenJson.with(object, out, expired), sealed, expired);
  }
}
