package io.highwater.storage;

import io.highwater.event.Patch;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.Shareable;

/**
 * An aggregate's state: the fold of its patches in offset order. {@code version} is the offset of
 * the last event applied, {@code firstOffset} that of its first. Immutable, so the records cache
 * shares it without copies; never mutate {@code state}.
 */
public record RecordState(JsonObject state, long version, long firstOffset) implements Shareable {

  /** The state after the patch of the action at {@code offset}; an offset already folded in is skipped. */
  public static RecordState fold(RecordState base, Patch patch, long offset) {
    if (base == null) {
      return new RecordState(patch.applyTo(new JsonObject()), offset, offset);
    }
    if (offset <= base.version) {
      return base;
    }
    return new RecordState(patch.applyTo(base.state), offset, base.firstOffset);
  }
}
