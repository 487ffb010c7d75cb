package io.highwater.cp;

import io.highwater.partition.RecordsApplied;
import io.highwater.partition.GroupProjected;
import io.highwater.actualizer.SyncView;
import io.highwater.actualizer.ProjectorFailure;
import io.highwater.cluster.Addresses;
import io.highwater.partition.PartitionId;
import io.highwater.config.FaultHook;
import io.highwater.watermark.Advance;
import io.highwater.coordinator.ConsistencyCoordinator;
import io.highwater.watermark.PartitionConsistency;
import io.highwater.event.AggregateKey;
import io.highwater.event.Event;
import io.highwater.event.StoredEvent;
import io.highwater.keys.DataKey;
import io.highwater.keys.KeyRing;
import io.highwater.keys.Sealing;
import io.highwater.keys.TriggerKey;
import io.highwater.projector.ProjectedEvent;
import io.highwater.storage.EventLog;
import io.highwater.storage.RecordState;
import io.highwater.storage.RecordStore;
import io.highwater.storage.RecordsCache;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the command processor does with events once they are durable: folds them into the records
 * cache (replaying effects), projects them into the sync views, tells the flushers and reports to
 * the coordinator. Used from the command processor's context only.
 */
final class GroupApplier {

  private static final Logger LOG = LoggerFactory.getLogger(GroupApplier.class);

  private final PartitionId partition;
  private final EventLog log;
  private final RecordStore recordStore;
  private final RecordsCache cache;
  private final ConsistencyCoordinator coordinator;
  private final List<SyncView> syncViews;
  private final KeyRing keyRing;
  private final FaultHook faults;
  private final EventBus eventBus;
  private final DeliveryOptions localOnly = new DeliveryOptions().setLocalOnly(true);

  GroupApplier(PartitionId partition, EventLog log, RecordStore recordStore, RecordsCache cache, ConsistencyCoordinator coordinator,
      List<SyncView> syncViews, KeyRing keyRing, FaultHook faults, EventBus eventBus) {
    this.partition = partition;
    this.log = log;
    this.recordStore = recordStore;
    this.cache = cache;
    this.coordinator = coordinator;
    // Not copied: a sync view added at runtime joins this list while the processor is held.
    this.syncViews = syncViews;
    this.keyRing = keyRing;
    this.faults = faults;
    this.eventBus = eventBus;
  }

  /**
   * Folds the events into the records cache (replaying, at each effect, the actions of the
   * aggregates linked to its trigger) and, when live (not recovering), projects them into the sync
   * views' caches and hands them to the async views; tells the flushers, and reports the offsets to
   * the coordinator. {@code groupKeys} are the data
   * keys the group used, including those its key-expired effects destroy: the states before such
   * an effect are opened with them, the states after it without.
   */
  Future<PartitionConsistency> apply(List<StoredEvent> events, Map<AggregateKey, RecordState> bases, boolean projectLive,
      Map<TriggerKey, DataKey> groupKeys) {
    List<StoredEvent> effects = events.stream().filter(e -> !e.event().isAction()).toList();
    List<Future<Map<AggregateKey, RecordState>>> replays = effects.stream().map(e -> log.replay(partition, e)).toList();
    Map<Long, Map<AggregateKey, RecordState>> replayed = new HashMap<>();
    Map<TriggerKey, DataKey> keys = new HashMap<>(groupKeys);
    return Future.all(replays)
        .compose(done -> {
          Set<AggregateKey> unknown = new LinkedHashSet<>();
          for (int i = 0; i < effects.size(); i++) {
            replayed.put(effects.get(i).offset(), replays.get(i).result());
            replays.get(i).result().keySet().stream().filter(k -> !bases.containsKey(k)).forEach(unknown::add);
          }
          return bases(unknown);
        })
        .compose(more -> {
          bases.putAll(more);
          if (!projectLive) {
            return Future.succeededFuture();
          }
          return keyRing.keys(partition, triggersIn(events, bases, replayed)).map(found -> {
            found.forEach(keys::putIfAbsent);
            return null;
          });
        })
        .compose(ready -> {
          Map<AggregateKey, RecordState> changed = new LinkedHashMap<>();
          List<ProjectedEvent> projected = new ArrayList<>(events.size());
          for (StoredEvent stored : events) {
            Event event = stored.event();
            if (event.isAction()) {
              AggregateKey key = new AggregateKey(stored.ws(), event.action().aggregate());
              RecordState before = changed.containsKey(key) ? changed.get(key) : bases.get(key);
              RecordState after = RecordState.fold(before, event.action().patch(), stored.offset());
              changed.put(key, after);
              projected.add(opened(stored, key, before, after, keys));
            } else if (replayed.get(stored.offset()).isEmpty()) {
              projected.add(new ProjectedEvent(stored, null, null));
            } else {
              // The states before a key-expired effect still open with its key; the replayed ones do not.
              Map<AggregateKey, JsonObject> befores = new HashMap<>();
              Set<String> sealed = new HashSet<>();
              replayed.get(stored.offset()).keySet().forEach(key ->
                  befores.put(key, open(key.ws(), changed.containsKey(key) ? changed.get(key) : bases.get(key), keys, sealed)));
              Optional.ofNullable(SealedGroup.expiring(stored.ws(), event)).ifPresent(keys::remove);
              replayed.get(stored.offset()).forEach((key, after) -> {
                changed.put(key, after);
                JsonObject openAfter = open(key.ws(), after, keys, sealed);
                projected.add(ProjectedEvent.replay(stored, key, befores.get(key), openAfter, sealed));
              });
            }
          }
          long last = events.get(events.size() - 1).offset();
          Map<String, Long> cacheOffsets = new HashMap<>();
          cacheOffsets.put(PartitionConsistency.RECORDS, last);
          List<Future<Void>> views = new ArrayList<>();
          if (projectLive) {
            for (SyncView view : syncViews) {
              views.add(view.project(projected, eventBus).recover(e -> stopped(view, e)));
              cacheOffsets.put(view.entity(), last);
            }
            eventBus.publish(Addresses.groupProjected(partition), new GroupProjected(events.get(0).offset(), last, projected), localOnly);
          }
          return Future.all(views).compose(v -> {
            // The records only now: had a view failed (its storage unreadable), the recovery folds
            // the group again from the states before it, so the projectors see what it changed.
            changed.forEach(cache::put);
            eventBus.send(Addresses.recordsApplied(partition), new RecordsApplied(last, List.copyOf(changed.keySet())), localOnly);
            // A failed sync view's watermark stays where its last projected event left it.
            syncViews.stream().filter(SyncView::failed).forEach(view -> cacheOffsets.remove(view.entity()));
            cacheOffsets.keySet().forEach(entity -> faults.reached("cache-applied", entity, last));
            return coordinator.commit(new Advance(last, cacheOffsets, Map.of()));
          });
        });
  }

  /**
   * A sync view whose projector threw stops alone; the group and the other views go on. Its
   * actualizer tells of the failure, retries and resumes it.
   */
  private Future<Void> stopped(SyncView view, Throwable failure) {
    if (!(failure instanceof ProjectorFailure thrown)) {
      return Future.failedFuture(failure);
    }
    LOG.error("Sync view {} of {} stopped at offset {}: {}", view.name(), partition, thrown.offset(), thrown.error());
    eventBus.send(Addresses.viewFailed(partition, view.name()), new JsonObject().put("offset", thrown.offset()).put("error", thrown.error()),
        localOnly);
    return Future.succeededFuture();
  }

  /** An action as projectors see it: the states with their sealed values opened by the keys given. */
  private static ProjectedEvent opened(StoredEvent stored, AggregateKey key, RecordState before, RecordState after,
      Map<TriggerKey, DataKey> keys) {
    Set<String> sealed = new HashSet<>();
    JsonObject openBefore = open(key.ws(), before, keys, sealed);
    return new ProjectedEvent(stored, openBefore, open(key.ws(), after, keys, sealed), sealed);
  }

  private static JsonObject open(String ws, RecordState record, Map<TriggerKey, DataKey> keys, Set<String> sealed) {
    if (record == null) {
      return null;
    }
    Sealing.Opened opened = Sealing.open(record.state(), record.sealed(), t -> keys.get(new TriggerKey(ws, t)));
    sealed.addAll(opened.sealed());
    return opened.value();
  }

  /** Every trigger whose key opens a state the events touch. */
  private static Set<TriggerKey> triggersIn(List<StoredEvent> events, Map<AggregateKey, RecordState> bases,
      Map<Long, Map<AggregateKey, RecordState>> replayed) {
    Set<TriggerKey> triggers = new LinkedHashSet<>();
    bases.forEach((key, state) -> {
      if (state != null) {
        Sealing.triggers(state.sealed()).forEach(t -> triggers.add(new TriggerKey(key.ws(), t)));
      }
    });
    replayed.values().forEach(states -> states.forEach((key, state) -> {
      if (state != null) {
        Sealing.triggers(state.sealed()).forEach(t -> triggers.add(new TriggerKey(key.ws(), t)));
      }
    }));
    events.stream().filter(e -> e.event().isAction())
        .forEach(e -> Sealing.triggers(e.event().action().patch().sealed()).forEach(t -> triggers.add(new TriggerKey(e.ws(), t))));
    return triggers;
  }

  /**
   * Each record as it is now: from the cache, else from storage. Only this verticle puts to the
   * cache and the actualizer removes only what it flushed, so a snapshot taken here stays valid
   * until this verticle applies the next events.
   */
  Future<Map<AggregateKey, RecordState>> bases(Collection<AggregateKey> keys) {
    Map<AggregateKey, RecordState> bases = new HashMap<>();
    List<AggregateKey> misses = new ArrayList<>();
    for (AggregateKey key : keys) {
      RecordState cached = cache.get(key);
      if (cached != null) {
        bases.put(key, cached);
      } else {
        misses.add(key);
      }
    }
    return recordStore.getAll(partition, misses).map(stored -> {
      bases.putAll(stored);
      return bases;
    });
  }
}
