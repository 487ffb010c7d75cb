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
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The aggregate states an actualizer needs, as of its own position in the log (not the records',
 * which may be ahead): a bounded set of recently used states, rebuilt from an aggregate's history
 * in the log when missing; and, for the effects of a page, the states their replays compute.
 */
final class AggregateStates {

  private final Map<AggregateKey, RecordState> states;
  private final Map<Long, Map<AggregateKey, RecordState>> replays = new HashMap<>();

  AggregateStates(int capacity) {
    this.states = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<AggregateKey, RecordState> eldest) {
        return size() > capacity;
      }
    };
  }

  /** Makes sure every state the page needs is known: as of just before the page, and its effects' replays. */
  Future<Void> load(EventLog log, PartitionId partition, List<StoredEvent> page) {
    List<StoredEvent> effects = page.stream().filter(e -> !e.event().isAction()).toList();
    List<Future<Map<AggregateKey, RecordState>>> replayed = effects.stream().map(e -> log.replay(partition, e)).toList();
    return Future.all(replayed).compose(done -> {
      replays.clear();
      Set<AggregateKey> needed = new LinkedHashSet<>();
      page.stream().filter(e -> e.event().isAction())
          .forEach(e -> needed.add(new AggregateKey(e.ws(), e.event().action().aggregate())));
      for (int i = 0; i < effects.size(); i++) {
        replays.put(effects.get(i).offset(), replayed.get(i).result());
        needed.addAll(replayed.get(i).result().keySet());
      }
      return loadStates(log, partition, needed, page.get(0).offset());
    });
  }

  private Future<Void> loadStates(EventLog log, PartitionId partition, Set<AggregateKey> aggregates, long offset) {
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

  /** The event as projectors see it, with the states before and after; moves the states past it. */
  List<ProjectedEvent> advance(StoredEvent event) {
    if (event.event().isAction()) {
      AggregateKey key = new AggregateKey(event.ws(), event.event().action().aggregate());
      RecordState before = states.get(key);
      RecordState after = RecordState.fold(before, event.event().action().patch(), event.offset());
      states.put(key, after);
      return List.of(new ProjectedEvent(event, state(before), after.state()));
    }
    Map<AggregateKey, RecordState> replayed = replays.getOrDefault(event.offset(), Map.of());
    if (replayed.isEmpty()) {
      return List.of(new ProjectedEvent(event, null, null));
    }
    List<ProjectedEvent> projected = new ArrayList<>();
    replayed.forEach((key, after) -> {
      RecordState before = states.get(key);
      states.put(key, after);
      projected.add(ProjectedEvent.replay(event, key, state(before), state(after)));
    });
    return projected;
  }

  private static JsonObject state(RecordState record) {
    return record == null ? null : record.state();
  }
}
