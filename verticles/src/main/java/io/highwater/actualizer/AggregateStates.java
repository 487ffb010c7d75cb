package io.highwater.actualizer;

import io.highwater.cluster.PartitionId;
import io.highwater.event.AggregateKey;
import io.highwater.event.StoredEvent;
import io.highwater.projector.ProjectedEvent;
import io.highwater.storage.EventLog;
import io.highwater.storage.RecordState;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The aggregate states an actualizer needs, as of its own position in the log (not the records',
 * which may be ahead): a bounded set of recently used states, rebuilt from an aggregate's history
 * in the log when missing.
 */
final class AggregateStates {

  private final Map<AggregateKey, RecordState> states;

  AggregateStates(int capacity) {
    this.states = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<AggregateKey, RecordState> eldest) {
        return size() > capacity;
      }
    };
  }

  /** Makes sure the states of these aggregates just before {@code offset} are known. */
  Future<Void> load(EventLog log, PartitionId partition, Collection<AggregateKey> aggregates, long offset) {
    List<AggregateKey> missing = new ArrayList<>();
    for (AggregateKey key : aggregates) {
      if (!states.containsKey(key)) {
        missing.add(key);
      }
    }
    return log.actionsBefore(partition, missing, offset).map(history -> {
      Map<AggregateKey, RecordState> rebuilt = new LinkedHashMap<>();
      for (StoredEvent e : history) {
        AggregateKey key = new AggregateKey(e.ws(), e.event().action().aggregate());
        rebuilt.put(key, RecordState.fold(rebuilt.get(key), e.event().action().patch(), e.offset()));
      }
      missing.forEach(key -> states.put(key, rebuilt.get(key)));
      return null;
    });
  }

  /** The event with its aggregate's state before and after it; moves the state past it. */
  ProjectedEvent advance(StoredEvent event) {
    if (!event.event().isAction()) {
      return new ProjectedEvent(event, null, null);
    }
    AggregateKey key = new AggregateKey(event.ws(), event.event().action().aggregate());
    RecordState before = states.get(key);
    RecordState after = RecordState.fold(before, event.event().action().patch(), event.offset());
    states.put(key, after);
    return new ProjectedEvent(event, before == null ? null : before.state(), after.state());
  }
}
