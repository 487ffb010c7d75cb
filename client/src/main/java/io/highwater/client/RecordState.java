package io.highwater.client;

import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * An aggregate's state (the fold of its patches): {@code version} is the offset of the last event that
 * changed it, {@code consistentAt} the records' watermark at {@code level} when read.
 */
public record RecordState(Aggregate aggregate, JsonObject state, long version, long consistentAt, Level level,
    List<String> expired) {

  public RecordState {
    state = state == null ? new JsonObject() : state;
    expired = expired == null ? List.of() : List.copyOf(expired);
  }

  public static RecordState fromJson(JsonObject json) {
    return new RecordState(
        Aggregate.fromJson(json.getJsonArray("aggregate")),
        json.getJsonObject("state"),
        json.getLong("version", 0L),
        json.getLong("consistentAt", 0L),
        Level.fromWire(json.getString("level")),
        Wire.strings(json.getJsonArray("expired")));
  }
}
