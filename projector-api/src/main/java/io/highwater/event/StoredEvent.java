package io.highwater.event;

import io.vertx.core.json.JsonObject;

/** An event with its place in the log: its partition's offset, the partition and the workspace. */
public record StoredEvent(long offset, int partition, String ws, Event event) {

  public JsonObject toJson() {
    return event.toJson().put("offset", offset).put("partition", partition).put("ws", ws);
  }
}
