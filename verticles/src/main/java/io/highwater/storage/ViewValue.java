package io.highwater.storage;

import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.Shareable;

/**
 * A view key's value and {@code offs}, the offset of the last event that changed it (seed 001's
 * Offs field: a write at an offset already applied is skipped, which makes writes idempotent).
 * {@code value} is null once the key was deleted. Immutable: never mutate {@code value}.
 */
public record ViewValue(JsonObject value, long offs) implements Shareable {

  public boolean deleted() {
    return value == null;
  }

  public JsonObject toJson() {
    return new JsonObject().put("value", value).put("offs", offs);
  }
}
