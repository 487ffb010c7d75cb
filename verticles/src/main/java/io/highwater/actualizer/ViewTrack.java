package io.highwater.actualizer;

import io.highwater.partition.PartitionId;
import io.highwater.config.FaultHook;
import io.highwater.metrics.FlushMeters;
import io.highwater.config.HighwaterConfig;
import io.highwater.event.StoredEvent;
import io.highwater.keys.KeyRing;
import io.highwater.projector.ProjectedEvent;
import io.highwater.storage.EventLog;
import io.highwater.storage.StreamFilter;
import io.highwater.storage.ViewCache;
import io.highwater.partition.ViewKey;
import io.highwater.storage.ViewStore;
import io.highwater.storage.ViewValue;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.LongFunction;
import java.util.function.LongPredicate;

/**
 * One copy of a view being kept: its position in the log, the aggregate states as of that
 * position, its cache, and the flusher that writes the cache to its rows. The live view is one
 * track; a rebuild runs a second one beside it under another stored name.
 */
final class ViewTrack {

  private final PartitionId partition;
  private final String storedName;
  private final String entity;
  private final EventLog log;
  private final ViewApplier applier;
  private final CachedView view;
  private final AggregateStates states;
  private final Flusher<ViewKey, ViewValue> flusher;
  private final FaultHook faults;
  private final int pageSize;
  /** The offsets an operator skipped for this view: their aggregates' states move on, the projector does not see them. */
  private final LongPredicate skipped;
  private long position;

  ViewTrack(Vertx vertx, PartitionId partition, ViewDefinition definition, String storedName, EventLog log, ViewStore store,
      ViewCache cache, AggregateStates states, HighwaterConfig.Views config, FaultHook faults, FlushMeters meters, KeyRing keyRing,
      LongPredicate skipped, LongFunction<Future<?>> flushed) {
    this.partition = partition;
    this.storedName = storedName;
    this.entity = ViewStore.entity(storedName);
    this.log = log;
    this.applier = new ViewApplier(definition.projector(), keyRing::sealedViewKey);
    this.view = new CachedView(partition, storedName, cache, store);
    this.states = states;
    this.faults = faults;
    this.pageSize = config.logPageSize();
    this.skipped = skipped;
    KeptMembers<ViewKey> kept = new KeptMembers<>(config.keptMembers());
    this.flusher = new Flusher<>(vertx, entity, partition.key(), config.bundleSize(), config.flushIntervalMs(), faults, meters,
        new Flusher.Target<>() {
          @Override
          public ViewValue cached(ViewKey key) {
            return cache.get(key);
          }

          @Override
          public void removeFlushed(ViewKey key, ViewValue value) {
            cache.removeFlushed(key, value);
            if (value.perMember()) {
              kept.flushed(key, value.members().present().size()).forEach(cache::letGo);
            }
          }

          @Override
          public Future<Void> write(Map<ViewKey, ViewValue> bundle, long upTo) {
            return store.flush(partition, storedName, bundle, upTo);
          }

          @Override
          public Future<?> flushed(long upTo) {
            return flushed.apply(upTo);
          }
        });
  }

  /** Starts at the durable checkpoint. */
  void start(long checkpoint) {
    position = checkpoint;
    flusher.start(checkpoint);
  }

  long position() {
    return position;
  }

  AggregateStates states() {
    return states;
  }

  /** A sync view's writer (the command processor) changed these keys up to {@code offset}. */
  void changed(Collection<ViewKey> keys, long offset) {
    position = Math.max(position, offset);
    flusher.changed(keys, offset);
  }

  /** Projects the next page of the log; false when there was nothing after the position. */
  Future<Boolean> step() {
    return Future.<Void>succeededFuture().compose(v -> {
      faults.reached("log-read", entity, position + 1);
      return log.read(partition, position + 1, pageSize, null, StreamFilter.NONE);
    }).compose(page -> {
      if (page.isEmpty()) {
        return Future.succeededFuture(false);
      }
      return project(page).map(true);
    });
  }

  /**
   * The states move past the page before it is projected: should the projector throw, the states of
   * the page's aggregates are forgotten, to be read again from the log as of the position on the next try.
   */
  private Future<Void> project(List<StoredEvent> page) {
    return states.load(log, partition, page).compose(v -> {
      List<ProjectedEvent> projected = page.stream().flatMap(e -> states.advance(e).stream()).toList();
      return apply(projected, page.get(page.size() - 1).offset()).onFailure(e -> {
        if (e instanceof ProjectorFailure) {
          states.forget(projected.stream().map(ProjectedEvent::aggregate).filter(Objects::nonNull).toList());
        }
      });
    });
  }

  /**
   * Projects events as the command processor handed them over, the states already known: the track
   * must be at the offset just before them. The states it keeps for reading the log forget the
   * aggregates these events moved, to rebuild them from the log should it need them again.
   */
  Future<Void> projectLive(List<ProjectedEvent> projected, long last) {
    states.forget(projected.stream().map(ProjectedEvent::aggregate).filter(Objects::nonNull).toList());
    return apply(projected, last);
  }

  /**
   * Should the projector throw, the events before the one it threw at are applied again without it,
   * so the view stops just before that event, then the failure is passed on.
   */
  private Future<Void> apply(List<ProjectedEvent> projected, long last) {
    return applyAll(projected, last).recover(e -> {
      if (e instanceof ProjectorFailure failure) {
        List<ProjectedEvent> before = projected.stream().filter(p -> p.stored().offset() < failure.offset()).toList();
        if (!before.isEmpty()) {
          return applyAll(before, failure.offset() - 1).compose(v -> Future.failedFuture(failure));
        }
      }
      return Future.failedFuture(e);
    });
  }

  private Future<Void> applyAll(List<ProjectedEvent> projected, long last) {
    Set<ViewKey> reads = new LinkedHashSet<>();
    projected.forEach(e -> reads.addAll(applier.reads(e)));
    return view.current(reads).map(values -> {
      Map<ViewKey, ViewValue> changed = new LinkedHashMap<>();
      for (ProjectedEvent event : projected) {
        if (skipped.test(event.stored().offset())) {
          continue;
        }
        try {
          changed.putAll(applier.apply(event, values));
        } catch (RuntimeException e) {
          throw new ProjectorFailure(event, e);
        }
      }
      changed.forEach(view.cache()::put);
      position = last;
      faults.reached("cache-applied", entity, position);
      flusher.changed(changed.keySet(), position);
      return null;
    });
  }

  /** Flushes everything, then keeps flushing every interval until stopped. */
  Future<Void> flushNow() {
    return flusher.stop().onSuccess(v -> flusher.start(position));
  }

  Future<Void> stop() {
    return flusher.stop();
  }

  /** Stops flushing without flushing what is pending: its storage may be about to be replaced. */
  Future<Void> pause() {
    return flusher.pause();
  }

  void resume() {
    flusher.resume();
  }
}
