package io.highwater.actualizer;

import io.highwater.partition.PartitionId;
import io.highwater.event.AggregateKey;
import io.highwater.event.Patch;
import io.highwater.event.StoredEvent;
import io.highwater.keys.DataKey;
import io.highwater.keys.KeyRing;
import io.highwater.keys.Sealing;
import io.highwater.keys.TriggerKey;
import io.highwater.projector.ProjectedEvent;
import io.highwater.storage.EventLog;
import io.highwater.storage.RecordState;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The aggregate states an actualizer needs, as of its own position in the log (not the records',
 * which may be ahead), with sealed values opened while their key lived: a bounded set of recently
 * used states, rebuilt from an aggregate's history in the log when missing; and, for the effects
 * of a page, the states their replays compute. Opened values stay in memory only.
 */
final class AggregateStates {

  /** A state as projectors see it, and which of its fields hold sealed values. */
  private record Known(RecordState state, Set<String> sealed) {}

  private final Map<AggregateKey, Known> states;
  private final Map<Long, Map<AggregateKey, RecordState>> replays = new HashMap<>();
  private final KeyRing keyRing;
  private Map<TriggerKey, DataKey> keys = Map.of();

  AggregateStates(int capacity, KeyRing keyRing) {
    this.keyRing = keyRing;
    this.states = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<AggregateKey, Known> eldest) {
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
      List<AggregateKey> missing = needed.stream().filter(k -> !states.containsKey(k)).toList();
      return log.actionsBefore(partition, missing, page.get(0).offset()).compose(history -> {
        Set<TriggerKey> triggers = new LinkedHashSet<>();
        page.forEach(e -> addTriggers(e, triggers));
        history.forEach(e -> addTriggers(e, triggers));
        replays.values().forEach(m -> m.forEach((key, state) -> {
          if (state != null) {
            Sealing.triggers(state.sealed()).forEach(t -> triggers.add(new TriggerKey(key.ws(), t)));
          }
        }));
        return keyRing.keys(partition, triggers).map(found -> {
          keys = found;
          missing.forEach(key -> states.put(key, null));
          history.forEach(this::fold);
          return null;
        });
      });
    });
  }

  /** Drops what is known of these aggregates: their states are rebuilt from the log when next needed. */
  void forget(Collection<AggregateKey> aggregates) {
    aggregates.forEach(states::remove);
  }

  private static void addTriggers(StoredEvent event, Set<TriggerKey> triggers) {
    if (event.event().isAction()) {
      Sealing.triggers(event.event().action().patch().sealed()).forEach(t -> triggers.add(new TriggerKey(event.ws(), t)));
    }
  }

  /** The event as projectors see it, with the states before and after; moves the states past it. */
  List<ProjectedEvent> advance(StoredEvent event) {
    if (event.event().isAction()) {
      AggregateKey key = new AggregateKey(event.ws(), event.event().action().aggregate());
      Known before = states.get(key);
      Known after = fold(event);
      Set<String> sealed = new HashSet<>(after.sealed());
      if (before != null) {
        sealed.addAll(before.sealed());
      }
      return List.of(new ProjectedEvent(event, before == null ? null : before.state().state(), after.state().state(), sealed));
    }
    Map<AggregateKey, RecordState> replayed = replays.getOrDefault(event.offset(), Map.of());
    if (replayed.isEmpty()) {
      return List.of(new ProjectedEvent(event, null, null));
    }
    List<ProjectedEvent> projected = new ArrayList<>();
    replayed.forEach((key, recomputed) -> {
      Known before = states.get(key);
      Known after = opened(key.ws(), recomputed);
      states.put(key, after);
      Set<String> sealed = new HashSet<>();
      if (before != null) {
        sealed.addAll(before.sealed());
      }
      if (after != null) {
        sealed.addAll(after.sealed());
      }
      projected.add(ProjectedEvent.replay(event, key, before == null ? null : before.state().state(),
          after == null ? null : after.state().state(), sealed));
    });
    return projected;
  }

  /** Folds an action's patch, its sealed values opened, into its aggregate's known state. */
  private Known fold(StoredEvent action) {
    AggregateKey key = new AggregateKey(action.ws(), action.event().action().aggregate());
    Known before = states.get(key);
    Set<String> sealed = new HashSet<>(before == null ? Set.of() : before.sealed());
    Patch patch = action.event().action().patch();
    sealed.removeAll(patch.dissoc());
    sealed.removeAll(patch.assoc().fieldNames());
    sealed.removeAll(patch.sealed().keySet());
    Patch open = Sealing.openPatch(patch, t -> keys.get(new TriggerKey(action.ws(), t)), sealed);
    RecordState state = RecordState.fold(before == null ? null : before.state(), open, action.offset());
    Known after = new Known(state, Set.copyOf(sealed));
    states.put(key, after);
    return after;
  }

  private Known opened(String ws, RecordState recomputed) {
    if (recomputed == null) {
      return null;
    }
    Sealing.Opened open = Sealing.open(recomputed.state(), recomputed.sealed(), t -> keys.get(new TriggerKey(ws, t)));
    return new Known(new RecordState(open.value(), recomputed.version(), recomputed.firstOffset()), Set.copyOf(open.sealed()));
  }
}
