package io.highwater.event;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A sealed assoc value as stored: {@code data} is base64 of nonce and AES-GCM ciphertext of the
 * value's JSON, under the data key of {@code trigger}. Sealed values never sit among client values:
 * patches and states keep them in a member of their own, which no client JSON can produce.
 */
public record SealedValue(Trigger trigger, String data) {

  public JsonObject toJson() {
    return new JsonObject().put("trigger", trigger.toJson()).put("data", data);
  }

  public static SealedValue fromJson(JsonObject json) {
    JsonArray trigger = json.getJsonArray("trigger");
    return new SealedValue(new Trigger(trigger.getString(0), trigger.getString(1)), json.getString("data"));
  }

  /** Sealed fields as stored: each field's sealed value. */
  public static JsonObject toJson(Map<String, SealedValue> fields) {
    JsonObject json = new JsonObject();
    fields.forEach((field, value) -> json.put(field, value.toJson()));
    return json;
  }

  /** The sealed fields of their stored form; none for null. */
  public static Map<String, SealedValue> fieldsFromJson(JsonObject json) {
    if (json == null) {
      return Map.of();
    }
    Map<String, SealedValue> fields = new LinkedHashMap<>();
    json.forEach(e -> fields.put(e.getKey(), fromJson((JsonObject) e.getValue())));
    return Collections.unmodifiableMap(fields);
  }
}
