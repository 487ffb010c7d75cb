package io.highwater.client;

import io.vertx.core.json.JsonObject;

/**
 * A {@code watch} notification: the entity's watermarks moved. Per watch and entity, neither
 * field ever goes backwards, and the latest one is never withheld (older ones may be skipped).
 */
public record Advanced(String id, String entity, int partition, long cache, long storage) {

  public long at(Level level) {
    return level == Level.STORAGE ? storage : cache;
  }

  public static Advanced fromJson(JsonObject frame) {
    return new Advanced(
        frame.getString("id"),
        frame.getString("entity"),
        frame.getInteger("partition", -1),
        frame.getLong("cache", 0L),
        frame.getLong("storage", 0L));
  }
}
