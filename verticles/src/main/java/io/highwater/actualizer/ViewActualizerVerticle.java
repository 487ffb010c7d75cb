package io.highwater.actualizer;

import io.highwater.cluster.Addresses;
import io.highwater.cluster.PartitionId;
import io.highwater.config.FaultHook;
import io.highwater.config.HighwaterConfig;
import io.highwater.coordinator.ConsistencyCoordinator;
import io.highwater.cp.ViewApplied;
import io.highwater.event.AggregateKey;
import io.highwater.event.StoredEvent;
import io.highwater.projector.ProjectedEvent;
import io.highwater.storage.EventLog;
import io.highwater.storage.RecordStore;
import io.highwater.storage.StreamFilter;
import io.highwater.storage.ViewCache;
import io.highwater.storage.ViewKey;
import io.highwater.storage.ViewStore;
import io.highwater.storage.ViewValue;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The actualizer of one view in one app partition. It follows the log from the view's durable
 * checkpoint, projecting each event into the view's cache (and reporting the cache watermark), and
 * flushes the cache to PostgreSQL in bundles (then reporting the storage watermark). A sync view's
 * actualizer only catches up at start; afterwards the command processor projects into the cache
 * and this verticle flushes.
 */
public final class ViewActualizerVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(ViewActualizerVerticle.class);

  private final PartitionId partition;
  private final ViewDefinition view;
  private final EventLog log;
  private final RecordStore checkpoints;
  private final ViewStore store;
  private final ViewCache cache;
  private final CachedView cachedView;
  private final ConsistencyCoordinator coordinator;
  private final HighwaterConfig.Views config;
  private final FaultHook faults;
  private final ViewApplier applier;
  private final AggregateStates states;
  private Flusher<ViewKey, ViewValue> flusher;
  private final List<MessageConsumer<?>> consumers = new ArrayList<>();
  /** Every event up to here is projected into the cache. */
  private long position;
  private boolean following;
  private boolean failed;

  public ViewActualizerVerticle(PartitionId partition, ViewDefinition view, EventLog log, RecordStore checkpoints,
      ViewStore store, ViewCache cache, ConsistencyCoordinator coordinator, HighwaterConfig.Views config, FaultHook faults) {
    this.partition = partition;
    this.view = view;
    this.log = log;
    this.checkpoints = checkpoints;
    this.store = store;
    this.cache = cache;
    this.cachedView = new CachedView(partition, view.name(), cache, store);
    this.coordinator = coordinator;
    this.config = config;
    this.faults = faults;
    this.applier = new ViewApplier(view.projector());
    this.states = new AggregateStates(config.stateCacheSize());
  }

  private String entity() {
    return view.config().entity();
  }

  @Override
  public Future<?> start() {
    flusher = new Flusher<>(vertx, entity(), partition.key(), config.bundleSize(), config.flushIntervalMs(), faults,
        new Flusher.Target<>() {
      @Override
      public ViewValue cached(ViewKey key) {
        return cache.get(key);
      }

      @Override
      public void removeFlushed(ViewKey key, ViewValue value) {
        cache.removeFlushed(key, value);
      }

      @Override
      public Future<Void> write(Map<ViewKey, ViewValue> bundle, long upTo) {
        return store.flush(partition, view.name(), bundle, upTo);
      }

      @Override
      public Future<?> flushed(long upTo) {
        return coordinator.commitStorageConsistency(entity(), upTo);
      }
    });
    return checkpoints.checkpoint(partition, entity())
        .compose(checkpoint -> {
          position = checkpoint;
          flusher.start(checkpoint);
          return coordinator.commitStorageConsistency(entity(), checkpoint);
        })
        .compose(v -> catchUp())
        .compose(v -> view.sync() ? takeFromCommandProcessor() : followLog())
        .onSuccess(v -> LOG.info("View {} of {} at offset {} ({})", view.name(), partition, position, view.sync() ? "sync" : "async"));
  }

  @Override
  public Future<?> stop() {
    return flusher.stop();
  }

  /** Sync: the command processor projects; this verticle flushes what it reports. */
  private Future<Void> takeFromCommandProcessor() {
    MessageConsumer<ViewApplied> consumer = vertx.eventBus().<ViewApplied>localConsumer(Addresses.viewApplied(partition, view.name()),
        m -> flusher.changed(m.body().changed(), m.body().offset()));
    consumers.add(consumer);
    return consumer.completion();
  }

  /** Async: woken by every move of the processor's offset, never polling. */
  private Future<Void> followLog() {
    MessageConsumer<JsonObject> consumer = vertx.eventBus().<JsonObject>consumer(Addresses.watermarks(partition), m -> {
      if (m.body().getLong("cpOffset") > position) {
        catchUp();
      }
    });
    consumers.add(consumer);
    return consumer.completion().compose(v -> catchUp());
  }

  /** Projects every stored event after the position, page by page, until the end of the log. */
  private Future<Void> catchUp() {
    if (following || failed) {
      return Future.succeededFuture();
    }
    following = true;
    return nextPages()
        .recover(e -> {
          if (!failed) {
            LOG.warn("View {} of {} could not read the log at offset {}; retrying on the next append", view.name(), partition,
                position + 1, e);
          }
          return Future.succeededFuture();
        })
        .onComplete(done -> following = false);
  }

  private Future<Void> nextPages() {
    return log.read(partition, position + 1, config.logPageSize(), null, StreamFilter.NONE).compose(page -> {
      if (page.isEmpty()) {
        return Future.succeededFuture();
      }
      return project(page)
          .compose(v -> coordinator.commitCacheConsistency(entity(), position))
          .compose(v -> nextPages());
    });
  }

  private Future<Void> project(List<StoredEvent> page) {
    Set<AggregateKey> aggregates = new LinkedHashSet<>();
    page.stream().filter(e -> e.event().isAction())
        .forEach(e -> aggregates.add(new AggregateKey(e.ws(), e.event().action().aggregate())));
    return states.load(log, partition, aggregates, page.get(0).offset()).compose(v -> {
      List<ProjectedEvent> projected = page.stream().map(states::advance).toList();
      Set<ViewKey> reads = new LinkedHashSet<>();
      projected.forEach(e -> reads.addAll(applier.reads(e)));
      return cachedView.current(reads).map(values -> {
        Map<ViewKey, ViewValue> changed = new LinkedHashMap<>();
        for (ProjectedEvent event : projected) {
          try {
            changed.putAll(applier.apply(event, values));
          } catch (RuntimeException e) {
            failed = true;
            LOG.error("View {} of {} stopped at offset {}: its projector failed; it will not skip the event", view.name(), partition,
                event.stored().offset(), e);
            throw e;
          }
        }
        changed.forEach(cache::put);
        position = page.get(page.size() - 1).offset();
        faults.reached("cache-applied", entity(), position);
        flusher.changed(changed.keySet(), position);
        return null;
      });
    });
  }
}
