package io.highwater.watermark;

import io.vertx.core.json.JsonObject;
import java.io.Serializable;

/**
 * How far an entity is consistent: every event up to {@code cache} is visible in the owner's
 * cache, every event up to {@code storage} is flushed to PostgreSQL. Storage implies cache, so
 * {@code cache >= storage} always holds.
 */
public record Watermark(long cache, long storage) implements Serializable {

  public static final Watermark NONE = new Watermark(0, 0);

  public Watermark {
    cache = Math.max(cache, storage);
  }

  public long at(Level level) {
    return level == Level.CACHE ? cache : storage;
  }

  /** Moves forward only: an older report never lowers a watermark. */
  public Watermark advance(Level level, long offset) {
    return level == Level.CACHE
        ? new Watermark(Math.max(cache, offset), storage)
        : new Watermark(cache, Math.max(storage, offset));
  }

  /** The larger of each of the two watermarks. */
  public Watermark max(Watermark other) {
    return new Watermark(Math.max(cache, other.cache), Math.max(storage, other.storage));
  }

  public JsonObject toJson() {
    return new JsonObject().put("cache", cache).put("storage", storage);
  }
}
