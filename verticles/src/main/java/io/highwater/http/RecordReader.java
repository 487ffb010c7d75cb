package io.highwater.http;

import io.highwater.partition.PartitionId;
import io.highwater.coordinator.ConsistencyWatch;
import io.highwater.watermark.Level;
import io.highwater.watermark.PartitionConsistency;
import io.highwater.event.AggregateKey;
import io.highwater.event.FrozenJson;
import io.highwater.storage.RecordState;
import io.highwater.storage.RecordStore;
import io.highwater.storage.RecordsCache;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.OptionalLong;
import java.util.function.Predicate;

/**
 * An aggregate's record consistent at an offset: waits for the records' watermark, then reads the
 * cache (level cache, on the partition's owner) or PostgreSQL. Fails with an {@link ApiError}.
 */
final class RecordReader {

  private final Vertx vertx;
  private final ConsistencyWatch watch;
  private final RecordStore store;
  private final Opener opener;
  private final Predicate<PartitionConsistency> servable;

  /** {@code servable}: whether this reader may answer from what it has at that consistency. */
  RecordReader(Vertx vertx, ConsistencyWatch watch, RecordStore store, Opener opener, Predicate<PartitionConsistency> servable) {
    this.vertx = vertx;
    this.watch = watch;
    this.store = store;
    this.opener = opener;
    this.servable = servable;
  }

  Future<JsonObject> read(PartitionId partition, AggregateKey key, OptionalLong consistentAt, Level level, long timeoutMs) {
    Future<PartitionConsistency> ready = consistentAt.isPresent()
        ? watch.await(partition, PartitionConsistency.RECORDS, level, consistentAt.getAsLong(), timeoutMs)
        : watch.current(partition);
    return ready.compose(state -> servable.test(state) ? Future.succeededFuture(state) : Future.failedFuture(new NotOwnerException()))
        .compose(state -> load(partition, key, level).compose(record -> {
          if (record == null || (consistentAt.isPresent() && record.firstOffset() > consistentAt.getAsLong())) {
            throw ApiError.notFound("aggregate " + key.aggregate() + " has no event in workspace '" + key.ws() + "'");
          }
          return opener.state(partition, key.ws(), record).map(opened -> {
            JsonObject body = new JsonObject()
                .put("aggregate", key.aggregate().toJson())
                .put("state", FrozenJson.thawed(opened.value()))
                .put("version", record.version())
                .put("consistentAt", state.entity(PartitionConsistency.RECORDS).at(level))
                .put("level", level.wireName());
            return opened.expired().isEmpty() ? body : body.put("expired", opened.expired());
          });
        }))
        .recover(e -> Future.failedFuture(ApiError.timeoutOr(e, PartitionConsistency.RECORDS)));
  }

  /** At level cache the owner's cache answers first, then storage; at level storage, storage. */
  private Future<RecordState> load(PartitionId partition, AggregateKey key, Level level) {
    if (level == Level.CACHE) {
      RecordState cached = new RecordsCache(vertx, partition).get(key);
      if (cached != null) {
        return Future.succeededFuture(cached);
      }
    }
    return store.get(partition, key);
  }
}
