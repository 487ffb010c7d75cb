package io.highwater.projector;

import io.highwater.event.StoredEvent;
import io.vertx.core.json.JsonObject;

/**
 * An event as a projector sees it: for an action, its aggregate's state just before and just after
 * it ({@code before} is null when the action created the aggregate); both are null for an effect.
 * Treat the states as read-only.
 */
public record ProjectedEvent(StoredEvent stored, JsonObject before, JsonObject after) {

  public boolean isAction() {
    return stored.event().isAction();
  }
}
