package io.highwater.storage;

import io.highwater.event.SealedValue;
import io.vertx.core.json.JsonObject;

/**
 * A record's state as the {@code records.state} column holds it: {@code {"values": client values,
 * "sealed": sealed fields}} ({@code sealed} only when there are some). Sealed fields stay apart from
 * client values in storage too, so a client value shaped like a sealed one is only ever a value. Pure.
 */
final class StoredState {

  private StoredState() {}

  static String encode(RecordState record) {
    JsonObject json = new JsonObject().put("values", record.state());
    if (!record.sealed().isEmpty()) {
      json.put("sealed", SealedValue.toJson(record.sealed()));
    }
    return json.encode();
  }

  static RecordState decode(JsonObject json, long version, long firstOffset) {
    return new RecordState(json.getJsonObject("values"), SealedValue.fieldsFromJson(json.getJsonObject("sealed")), version, firstOffset);
  }
}
