package io.highwater.client;

import io.vertx.core.json.JsonObject;

/**
 * A view's value for a key: {@code offs} is the offset of the last event that changed it,
 * {@code consistentAt} the view's watermark at {@code level} when read.
 */
public record ViewValue(String view, String key, JsonObject value, long offs, long consistentAt, Level level) {

  public ViewValue {
    value = value == null ? new JsonObject() : value;
  }

  public static ViewValue fromJson(JsonObject json) {
    return new ViewValue(
        json.getString("view"),
        json.getString("key"),
        json.getJsonObject("value"),
        json.getLong("offs", 0L),
        json.getLong("consistentAt", 0L),
        Level.fromWire(json.getString("level")));
  }
}
