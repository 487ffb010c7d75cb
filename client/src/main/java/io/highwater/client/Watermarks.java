package io.highwater.client;

import io.vertx.core.json.JsonObject;

/**
 * An entity's watermarks: every event up to {@code cache} is visible in the owner's cache, up to
 * {@code storage} in PostgreSQL. {@code extra} holds whatever else the server reports for it (e.g.
 * a failed or rebuilding view's status), an empty object when nothing.
 */
public record Watermarks(long cache, long storage, JsonObject extra) {

  public Watermarks {
    extra = extra == null ? new JsonObject() : extra;
  }

  public long at(Level level) {
    return level == Level.STORAGE ? storage : cache;
  }

  public static Watermarks fromJson(JsonObject json) {
    JsonObject extra = json.copy();
    extra.remove("cache");
    extra.remove("storage");
    return new Watermarks(json.getLong("cache", 0L), json.getLong("storage", 0L), extra);
  }
}
