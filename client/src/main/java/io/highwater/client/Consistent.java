package io.highwater.client;

import io.vertx.core.json.JsonObject;

/**
 * The answer to an {@code await}: the entity of the partition reached {@code offset} at the awaited
 * level; {@code cache} and {@code storage} are its watermarks when it was sent.
 */
public record Consistent(String id, String app, int partition, String entity, long offset, long cache, long storage) {

  public long at(Level level) {
    return level == Level.STORAGE ? storage : cache;
  }

  public static Consistent fromJson(JsonObject frame) {
    return new Consistent(
        frame.getString("id"),
        frame.getString("app"),
        frame.getInteger("partition", -1),
        frame.getString("entity"),
        frame.getLong("offset", 0L),
        frame.getLong("cache", 0L),
        frame.getLong("storage", 0L));
  }
}
