package io.highwater.actualizer;

import io.highwater.cluster.Addresses;
import io.highwater.partition.PartitionId;
import io.highwater.config.FaultHook;
import io.highwater.log.PartitionLog;
import io.highwater.metrics.FlushMeters;
import io.highwater.config.HighwaterConfig;
import io.highwater.coordinator.ConsistencyCoordinator;
import io.highwater.watermark.PartitionConsistency;
import io.highwater.partition.RecordsApplied;
import io.highwater.event.AggregateKey;
import io.highwater.storage.RecordState;
import io.highwater.storage.RecordStore;
import io.highwater.storage.RecordsCache;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.Map;

/**
 * The records actualizer of one app partition: flushes the records the command processor
 * put in the cache to PostgreSQL in bundles, removes what it flushed from the cache, and only then
 * reports the records' storage watermark, so the watermark never over-claims.
 */
public final class RecordsActualizerVerticle extends VerticleBase {

  private final PartitionId partition;
  private final RecordsCache cache;
  private final RecordStore store;
  private final ConsistencyCoordinator coordinator;
  private final HighwaterConfig.Records config;
  private final FaultHook faults;
  private final FlushMeters meters;
  private Flusher<AggregateKey, RecordState> flusher;
  private MessageConsumer<RecordsApplied> consumer;

  public RecordsActualizerVerticle(PartitionId partition, RecordsCache cache, RecordStore store,
      ConsistencyCoordinator coordinator, HighwaterConfig.Records config, FaultHook faults, FlushMeters meters) {
    this.meters = meters;
    this.partition = partition;
    this.cache = cache;
    this.store = store;
    this.coordinator = coordinator;
    this.config = config;
    this.faults = faults;
  }

  @Override
  public Future<?> start() {
    flusher = new Flusher<>(vertx, PartitionConsistency.RECORDS, partition.key(), config.bundleSize(), config.flushIntervalMs(), faults, meters,
        new Flusher.Target<>() {
      @Override
      public RecordState cached(AggregateKey key) {
        return cache.get(key);
      }

      @Override
      public void removeFlushed(AggregateKey key, RecordState value) {
        cache.removeFlushed(key, value);
      }

      @Override
      public Future<Void> write(Map<AggregateKey, RecordState> bundle, long upTo) {
        return store.flush(partition, PartitionConsistency.RECORDS, bundle, upTo);
      }

      @Override
      public Future<?> flushed(long upTo) {
        return coordinator.commitStorageConsistency(PartitionConsistency.RECORDS, upTo);
      }
    });
    consumer = vertx.eventBus().localConsumer(Addresses.recordsApplied(partition), m -> {
      flusher.changed(m.body().changed(), m.body().offset());
      PartitionLog.offset(context, m.body().offset());
    });
    return store.checkpoint(partition, PartitionConsistency.RECORDS)
        .compose(checkpoint -> {
          flusher.start(checkpoint);
          return coordinator.commitStorageConsistency(PartitionConsistency.RECORDS, checkpoint);
        })
        .compose(v -> consumer.completion());
  }

  @Override
  public Future<?> stop() {
    return flusher.stop();
  }
}
