package io.highwater.storage;

import io.highwater.event.FrozenJson;
import io.highwater.event.Patch;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.Shareable;

/**
 * An aggregate's state: the fold of its patches in offset order. {@code version} is the offset of
 * the last event applied, {@code firstOffset} that of its first. Immutable all the way down
 * ({@code state} is {@link FrozenJson}), so the records cache, the projectors and the readers share
 * it without copies, and a fold shares every value its patch leaves alone.
 */
public record RecordState(JsonObject state, long version, long firstOffset) implements Shareable {

  public RecordState {
    state = FrozenJson.object(state);
  }

  /**
   * The state after the patch of the action at {@code offset}; an offset already folded in is
   * skipped. Costs the patch (each key it touches, in log time of the state's size), not the state.
   */
  public static RecordState fold(RecordState base, Patch patch, long offset) {
    if (base == null) {
      return new RecordState(patch.applyTo(FrozenJson.EMPTY), offset, offset);
    }
    if (offset <= base.version) {
      return base;
    }
    return new RecordState(patch.applyTo(base.state), offset, base.firstOffset);
  }
}
