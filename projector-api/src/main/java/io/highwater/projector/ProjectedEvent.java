package io.highwater.projector;

import io.highwater.event.AggregateKey;
import io.highwater.event.StoredEvent;
import io.vertx.core.json.JsonObject;
import java.util.Set;

/**
 * An event as a projector sees it, about one aggregate: its state just before and just after
 * ({@code before} is null when the action created the aggregate). Treat the states as read-only.
 *
 * <p>When a projection reaches an effect, it replays, for each aggregate linked to the effect's
 * trigger, every earlier action of that aggregate; the projector then gets one event with
 * {@code replay} set, {@code stored} the effect, {@code before} the aggregate's state as it was
 * and {@code after} the state the replay computed: a projector recomputes the aggregate's
 * contribution from the two, never counting it twice. An effect with no linked aggregate reaches
 * projectors with {@code aggregate}, {@code before} and {@code after} null. {@code sealed} names the
 * fields of the states that hold decrypted sealed values: the runtime never stores them in plain.
 */
public record ProjectedEvent(StoredEvent stored, AggregateKey aggregate, JsonObject before, JsonObject after, boolean replay,
    Set<String> sealed) {

  public ProjectedEvent {
    sealed = Set.copyOf(sealed);
  }

  /** An action on its own aggregate, or (with null states) an effect that replays nothing. */
  public ProjectedEvent(StoredEvent stored, JsonObject before, JsonObject after) {
    this(stored, before, after, Set.of());
  }

  /** An action whose states hold the decrypted values of the {@code sealed} fields. */
  public ProjectedEvent(StoredEvent stored, JsonObject before, JsonObject after, Set<String> sealed) {
    this(stored, stored.event().isAction() ? new AggregateKey(stored.ws(), stored.event().action().aggregate()) : null,
        before, after, false, sealed);
  }

  /** The aggregate replayed because of the effect {@code effect}. */
  public static ProjectedEvent replay(StoredEvent effect, AggregateKey aggregate, JsonObject before, JsonObject after) {
    return replay(effect, aggregate, before, after, Set.of());
  }

  public static ProjectedEvent replay(StoredEvent effect, AggregateKey aggregate, JsonObject before, JsonObject after,
      Set<String> sealed) {
    return new ProjectedEvent(effect, aggregate, before, after, true, sealed);
  }

  /** Whether this event is about an aggregate (an action, or a replay). */
  public boolean isAction() {
    return aggregate != null;
  }
}
