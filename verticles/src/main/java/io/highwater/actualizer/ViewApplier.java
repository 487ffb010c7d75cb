package io.highwater.actualizer;

import io.highwater.projector.Intents;
import io.highwater.projector.ProjectedEvent;
import io.highwater.projector.Projector;
import io.highwater.storage.Members;
import io.highwater.partition.ViewKey;
import io.highwater.storage.ViewValue;
import io.vertx.core.json.JsonObject;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BinaryOperator;
import java.util.function.UnaryOperator;

/**
 * Applies a projector's intents to view values, in event order. A key whose value already carries
 * the event's offset (or a later one) is left alone, so an event applied twice changes nothing.
 * Pure: the caller loads the keys {@link #reads} names and stores what {@link #apply} returns.
 */
public final class ViewApplier {

  private final Projector projector;
  private final BinaryOperator<String> sealedKeyName;

  /**
   * {@code sealedKeyName} names, for storage, a key that is the value of a sealed field: storage
   * never holds a sealed value in plain, not even as a view key.
   */
  public ViewApplier(Projector projector, BinaryOperator<String> sealedKeyName) {
    this.projector = projector;
    this.sealedKeyName = sealedKeyName;
  }

  public ViewApplier(Projector projector) {
    this(projector, (ws, key) -> key);
  }

  public Set<ViewKey> reads(ProjectedEvent event) {
    Set<String> sealed = sealedValues(event);
    Set<ViewKey> keys = new LinkedHashSet<>();
    projector.reads(event).forEach(key -> keys.add(stored(event.stored().ws(), key, sealed)));
    return keys;
  }

  /** The text of every sealed value the event's states hold. */
  private static Set<String> sealedValues(ProjectedEvent event) {
    Set<String> values = new HashSet<>();
    for (String field : event.sealed()) {
      for (JsonObject state : new JsonObject[] {event.before(), event.after()}) {
        if (state != null && state.getValue(field) != null) {
          values.add(state.getValue(field).toString());
        }
      }
    }
    return values;
  }

  private ViewKey stored(String ws, String key, Set<String> sealed) {
    return new ViewKey(ws, sealed.contains(key) ? sealedKeyName.apply(ws, key) : key);
  }

  /**
   * Projects the event over {@code values} (the current value of every key read, absent when never
   * written), updates {@code values} in place and returns the keys it changed with their new values.
   */
  public Map<ViewKey, ViewValue> apply(ProjectedEvent event, Map<ViewKey, ViewValue> values) {
    String ws = event.stored().ws();
    long offset = event.stored().offset();
    Set<String> sealed = sealedValues(event);
    Map<ViewKey, ViewValue> changed = new LinkedHashMap<>();
    projector.project(event, key -> Optional.ofNullable(values.get(stored(ws, key, sealed)))
        .filter(v -> !v.deleted())
        .map(ViewValue::value), new Intents() {
          @Override
          public void put(String key, JsonObject value) {
            write(stored(ws, key, sealed), current -> new ViewValue(value, offset), false);
          }

          @Override
          public void delete(String key) {
            write(stored(ws, key, sealed), current -> new ViewValue(null, offset), false);
          }

          @Override
          public void join(String key, String member) {
            write(stored(ws, key, sealed), current -> ViewValue.of(members(current).join(member, offset), offset), true);
          }

          @Override
          public void leave(String key, String member) {
            write(stored(ws, key, sealed), current -> ViewValue.of(members(current).leave(member, offset), offset), true);
          }

          /** An event changes a key only if its value does not already carry the event (it may change it more than once). */
          private void write(ViewKey key, UnaryOperator<ViewValue> change, boolean byMember) {
            if (byMember != projector.perMember()) {
              throw new IllegalStateException(byMember
                  ? "join and leave are for per-member projectors; this one puts and deletes whole values"
                  : "a per-member projector joins and leaves members; it does not put or delete whole values");
            }
            ViewValue current = values.get(key);
            if (current == null || current.offs() < offset || changed.containsKey(key)) {
              ViewValue next = change.apply(current);
              values.put(key, next);
              changed.put(key, next);
            }
          }
        });
    return changed;
  }

  private static Members members(ViewValue current) {
    return current == null || !current.perMember() ? Members.EMPTY : current.members();
  }
}
