package io.highwater.actualizer;

import io.highwater.cluster.Addresses;
import io.highwater.cluster.PartitionId;
import io.highwater.config.HighwaterConfig;
import io.highwater.coordinator.ConsistencyCoordinator;
import io.highwater.coordinator.PartitionConsistency;
import io.highwater.cp.RecordsApplied;
import io.highwater.event.AggregateKey;
import io.highwater.storage.RecordState;
import io.highwater.storage.RecordStore;
import io.highwater.storage.RecordsCache;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The records actualizer of one app partition (seed 001): flushes the records the command processor
 * put in the cache to PostgreSQL in bundles, removes what it flushed from the cache, and only then
 * reports the records' storage watermark, so the watermark never over-claims.
 */
public final class RecordsActualizerVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(RecordsActualizerVerticle.class);

  private final PartitionId partition;
  private final RecordsCache cache;
  private final RecordStore store;
  private final ConsistencyCoordinator coordinator;
  private final HighwaterConfig.Records config;
  private final Set<AggregateKey> dirty = new LinkedHashSet<>();
  private MessageConsumer<RecordsApplied> consumer;
  private long timerId;
  private boolean flushing;
  /** Every event up to here is in the cache values of the dirty records or already flushed. */
  private long applied;
  /** Every event up to here is in storage. */
  private long flushed;

  public RecordsActualizerVerticle(PartitionId partition, RecordsCache cache, RecordStore store,
      ConsistencyCoordinator coordinator, HighwaterConfig.Records config) {
    this.partition = partition;
    this.cache = cache;
    this.store = store;
    this.coordinator = coordinator;
    this.config = config;
  }

  @Override
  public Future<?> start() {
    consumer = vertx.eventBus().localConsumer(Addresses.recordsApplied(partition), m -> onApplied(m.body()));
    return store.checkpoint(partition, PartitionConsistency.RECORDS)
        .compose(checkpoint -> {
          flushed = checkpoint;
          applied = Math.max(applied, checkpoint);
          return coordinator.commitStorageConsistency(PartitionConsistency.RECORDS, checkpoint);
        })
        .compose(v -> consumer.completion())
        .onSuccess(v -> timerId = vertx.setPeriodic(config.flushIntervalMs(), t -> flush()));
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timerId);
    return flushAll();
  }

  private void onApplied(RecordsApplied change) {
    dirty.addAll(change.changed());
    applied = Math.max(applied, change.offset());
    if (dirty.size() >= config.bundleSize()) {
      flush();
    }
  }

  /** Flushes until nothing is left: on a graceful stop nothing stays only in memory. */
  private Future<Void> flushAll() {
    if (applied <= flushed && dirty.isEmpty()) {
      return Future.succeededFuture();
    }
    if (flushing) {
      return vertx.timer(config.flushIntervalMs()).compose(t -> flushAll());
    }
    return flush().compose(v -> flushAll());
  }

  private Future<Void> flush() {
    if (flushing || (dirty.isEmpty() && applied <= flushed)) {
      return Future.succeededFuture();
    }
    flushing = true;
    // The bundle is every record changed since the last flush, as the cache holds it now: the
    // cache already reflects every event up to `applied`, so storage will too.
    Map<AggregateKey, RecordState> bundle = new LinkedHashMap<>();
    for (AggregateKey key : dirty) {
      RecordState state = cache.get(key);
      if (state != null) {
        bundle.put(key, state);
      }
    }
    dirty.clear();
    long upTo = applied;
    return store.flush(partition, PartitionConsistency.RECORDS, bundle, upTo)
        .compose(v -> {
          bundle.forEach(cache::removeFlushed);
          flushed = Math.max(flushed, upTo);
          return coordinator.commitStorageConsistency(PartitionConsistency.RECORDS, upTo);
        })
        .onFailure(e -> {
          LOG.warn("Flushing records of {} failed; will retry", partition, e);
          dirty.addAll(bundle.keySet());
        })
        .onComplete(done -> {
          flushing = false;
          if (dirty.size() >= config.bundleSize()) {
            flush();
          }
        })
        .mapEmpty();
  }
}
