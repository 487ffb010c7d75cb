package io.highwater.actualizer;

import io.highwater.projector.Intents;
import io.highwater.projector.ProjectedEvent;
import io.highwater.projector.Projector;
import io.highwater.storage.ViewKey;
import io.highwater.storage.ViewValue;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Applies a projector's intents to view values, in event order. A key whose value already carries
 * the event's offset (or a later one) is left alone, so an event applied twice changes nothing.
 * Pure: the caller loads the keys {@link #reads} names and stores what {@link #apply} returns.
 */
public final class ViewApplier {

  private final Projector projector;

  public ViewApplier(Projector projector) {
    this.projector = projector;
  }

  public Set<ViewKey> reads(ProjectedEvent event) {
    Set<ViewKey> keys = new LinkedHashSet<>();
    projector.reads(event).forEach(key -> keys.add(new ViewKey(event.stored().ws(), key)));
    return keys;
  }

  /**
   * Projects the event over {@code values} (the current value of every key read, absent when never
   * written), updates {@code values} in place and returns the keys it changed with their new values.
   */
  public Map<ViewKey, ViewValue> apply(ProjectedEvent event, Map<ViewKey, ViewValue> values) {
    String ws = event.stored().ws();
    long offset = event.stored().offset();
    Map<ViewKey, ViewValue> changed = new LinkedHashMap<>();
    projector.project(event, key -> Optional.ofNullable(values.get(new ViewKey(ws, key)))
        .filter(v -> !v.deleted())
        .map(ViewValue::value), new Intents() {
          @Override
          public void put(String key, JsonObject value) {
            write(new ViewKey(ws, key), new ViewValue(value, offset));
          }

          @Override
          public void delete(String key) {
            write(new ViewKey(ws, key), new ViewValue(null, offset));
          }

          private void write(ViewKey key, ViewValue value) {
            ViewValue current = values.get(key);
            if (current == null || current.offs() < offset) {
              values.put(key, value);
              changed.put(key, value);
            }
          }
        });
    return changed;
  }
}
