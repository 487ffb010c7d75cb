package io.highwater.client;

import io.vertx.core.json.JsonObject;

/**
 * The entity did not reach the requested offset in time: a 504 {@code timeout} of a consistent read,
 * or a {@code timeout} frame answering an {@code await}. {@code cache} and {@code storage} are the
 * entity's watermarks when the server gave up (-1 when it did not say).
 */
public final class ConsistencyTimeoutException extends HighwaterException {

  private final long cache;
  private final long storage;

  public ConsistencyTimeoutException(int status, String message, JsonObject body) {
    super(status, "timeout", message, body);
    this.cache = body == null ? -1 : body.getLong("cache", -1L);
    this.storage = body == null ? -1 : body.getLong("storage", -1L);
  }

  /** From an await's {@code timeout} frame. */
  static ConsistencyTimeoutException fromTimeoutFrame(JsonObject frame) {
    return new ConsistencyTimeoutException(504, frame.getString("entity") + " of " + frame.getString("app") + "/"
        + frame.getValue("partition") + " did not reach offset " + frame.getValue("offset") + " in time (cache "
        + frame.getValue("cache") + ", storage " + frame.getValue("storage") + ")", frame);
  }

  public long cache() {
    return cache;
  }

  public long storage() {
    return storage;
  }
}
