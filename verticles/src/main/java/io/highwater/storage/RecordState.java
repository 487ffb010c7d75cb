package io.highwater.storage;

import io.highwater.event.FrozenJson;
import io.highwater.event.Patch;
import io.highwater.event.SealedValue;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.Shareable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.pcollections.OrderedPMap;
import org.pcollections.PMap;

/**
 * An aggregate's state: the fold of its patches in offset order. {@code state} holds its client
 * values, {@code sealed} its sealed fields (never among client values, so no client value is ever
 * read as ciphertext); a field is in one or the other. {@code version} is the offset of the last
 * event applied, {@code firstOffset} that of its first. Immutable all the way down ({@code state}
 * is {@link FrozenJson}, {@code sealed} a persistent map), so the records cache, the projectors and
 * the readers share it without copies, and a fold shares every value its patch leaves alone.
 */
public record RecordState(JsonObject state, Map<String, SealedValue> sealed, long version, long firstOffset)
    implements Shareable {

  public RecordState {
    state = FrozenJson.object(state);
    sealed = sealed instanceof OrderedPMap<String, SealedValue> persistent ? persistent : OrderedPMap.from(sealed);
  }

  /** A state without sealed fields. */
  public RecordState(JsonObject state, long version, long firstOffset) {
    this(state, Map.of(), version, firstOffset);
  }

  /**
   * The state after the patch of the action at {@code offset}; an offset already folded in is
   * skipped. Costs the patch (each key it touches, in log time of the state's size), not the state.
   */
  public static RecordState fold(RecordState base, Patch patch, long offset) {
    if (base == null) {
      return new RecordState(patch.applyTo(FrozenJson.EMPTY), patch.sealed(), offset, offset);
    }
    if (offset <= base.version) {
      return base;
    }
    Map<String, SealedValue> sealed = base.sealed;
    if (!sealed.isEmpty() || !patch.sealed().isEmpty()) {
      List<String> unsealed = new ArrayList<>(patch.dissoc());
      unsealed.addAll(patch.assoc().fieldNames());
      sealed = ((PMap<String, SealedValue>) base.sealed).minusAll(unsealed).plusAll(patch.sealed());
    }
    return new RecordState(patch.applyTo(base.state), sealed, offset, base.firstOffset);
  }
}
