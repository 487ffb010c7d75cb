package io.highwater.actualizer;

import io.vertx.core.json.JsonObject;

/** A projector threw on the event at {@code offset}; its view stops there and does not skip it. */
public final class ProjectorFailure extends RuntimeException {

  private final long offset;

  ProjectorFailure(long offset, RuntimeException cause) {
    super("projector failed at offset " + offset + ": " + cause, cause);
    this.offset = offset;
  }

  public long offset() {
    return offset;
  }

  /** What {@code /consistency} shows for the failed view: where, and the projector's error. */
  public JsonObject status() {
    return new JsonObject().put("status", "failed").put("failedAt", offset).put("error", String.valueOf(getCause()));
  }
}
