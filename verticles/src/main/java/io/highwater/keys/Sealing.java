package io.highwater.keys;

import io.highwater.event.FrozenJson;
import io.highwater.event.Patch;
import io.highwater.event.SealedValue;
import io.highwater.event.Trigger;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Sealed values at rest: a sealed assoc value is stored as a {@link SealedValue}, base64(nonce +
 * AES-GCM(json value)) under the data key of its encryption-key trigger, in the patch's and the
 * state's sealed fields, never among client values. Pure: keys are given.
 */
public final class Sealing {

  private Sealing() {}

  /** Client values with the sealed fields that can still be read, and the names of those that expired with their key. */
  public record Opened(JsonObject value, List<String> sealed, List<String> expired) {}

  /**
   * A patch as projectors see it: sealed values decrypted among the others, and those whose key
   * expired removed (a value that can no longer be read is gone, not left at an older one).
   */
  public static Patch openPatch(Patch patch, Function<Trigger, DataKey> keys, Set<String> sealed) {
    Opened opened = open(patch.assoc(), patch.sealed(), keys);
    sealed.addAll(opened.sealed());
    List<String> dissoc = new ArrayList<>(patch.dissoc());
    dissoc.addAll(opened.expired());
    return new Patch(opened.value(), dissoc);
  }

  /** The patch with the values of {@code fields} taken out of its client values and sealed under the trigger's key. */
  public static Patch sealPatch(Patch patch, List<String> fields, Trigger trigger, DataKey key) {
    Map<String, SealedValue> sealed = new LinkedHashMap<>(patch.sealed());
    fields.forEach(field -> sealed.put(field, seal(patch.assoc().getValue(field), trigger, key)));
    return new Patch(FrozenJson.with(patch.assoc(), FrozenJson.EMPTY, fields), patch.dissoc(), sealed);
  }

  public static SealedValue seal(Object value, Trigger trigger, DataKey key) {
    byte[] plaintext = Json.encode(value).getBytes(StandardCharsets.UTF_8);
    return new SealedValue(trigger, Base64.getEncoder().encodeToString(key.encrypt(plaintext)));
  }

  /** The triggers whose keys the sealed fields need. */
  public static Set<Trigger> triggers(Map<String, SealedValue> sealed) {
    Set<Trigger> triggers = new LinkedHashSet<>();
    sealed.values().forEach(value -> triggers.add(value.trigger()));
    return triggers;
  }

  /**
   * The client values with the sealed fields opened among them where their key lives, and left
   * out where it is gone; costs the sealed fields, and shares every client value.
   */
  public static Opened open(JsonObject values, Map<String, SealedValue> sealed, Function<Trigger, DataKey> keys) {
    if (sealed.isEmpty()) {
      return new Opened(values, List.of(), List.of());
    }
    JsonObject opened = new JsonObject();
    List<String> names = new ArrayList<>();
    List<String> expired = new ArrayList<>();
    sealed.forEach((field, value) -> {
      DataKey key = keys.apply(value.trigger());
      if (key == null) {
        expired.add(field);
      } else {
        byte[] plaintext = key.decrypt(Base64.getDecoder().decode(value.data()));
        opened.put(field, Json.decodeValue(new String(plaintext, StandardCharsets.UTF_8)));
        names.add(field);
      }
    });
    return new Opened(FrozenJson.with(values, opened, List.of()), names, expired);
  }
}
