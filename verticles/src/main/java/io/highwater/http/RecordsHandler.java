package io.highwater.http;

import io.highwater.cluster.PartitionId;
import io.highwater.config.HighwaterConfig;
import io.highwater.coordinator.ConsistencyWatch;
import io.highwater.coordinator.Level;
import io.highwater.coordinator.PartitionConsistency;
import io.highwater.coordinator.WatermarkTimeoutException;
import io.highwater.event.Aggregate;
import io.highwater.event.AggregateKey;
import io.highwater.event.BatchParser;
import io.highwater.event.InvalidInputException;
import io.highwater.storage.EventLog;
import io.highwater.storage.RecordState;
import io.highwater.storage.RecordStore;
import io.highwater.storage.RecordsCache;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.OptionalLong;

/** Records (aggregate state) read consistent at an offset, and an aggregate's conflicts. */
final class RecordsHandler {

  private final Vertx vertx;
  private final Apps apps;
  private final ConsistencyWatch watch;
  private final RecordStore store;
  private final EventLog log;
  private final HighwaterConfig.Reads reads;
  private final Opener opener;

  RecordsHandler(Vertx vertx, Apps apps, ConsistencyWatch watch, RecordStore store, EventLog log, HighwaterConfig.Reads reads,
      Opener opener) {
    this.vertx = vertx;
    this.apps = apps;
    this.watch = watch;
    this.store = store;
    this.log = log;
    this.reads = reads;
    this.opener = opener;
  }

  /** {@code GET .../aggregates/{type}/{id}?consistentAt=N&level=cache&timeoutMs=2000} */
  void read(RoutingContext ctx) {
    PartitionId partition = apps.partitionOfWs(ctx);
    AggregateKey key = new AggregateKey(apps.ws(ctx), aggregate(ctx));
    OptionalLong consistentAt = Params.optionalLong(ctx, "consistentAt", 0);
    Level level = Params.level(ctx);
    long timeoutMs = Params.bounded(ctx, "timeoutMs", 1, reads.maxTimeoutMs(), reads.defaultTimeoutMs());
    Future<PartitionConsistency> ready = consistentAt.isPresent()
        ? watch.await(partition, PartitionConsistency.RECORDS, level, consistentAt.getAsLong(), timeoutMs)
        : watch.current(partition);
    ready.compose(state -> load(partition, key, level).compose(record -> {
          if (record == null || (consistentAt.isPresent() && record.firstOffset() > consistentAt.getAsLong())) {
            throw ApiError.notFound("aggregate " + key.aggregate() + " has no event in workspace '" + key.ws() + "'");
          }
          return opener.state(partition, key.ws(), record.state()).map(opened -> {
            JsonObject body = new JsonObject()
                .put("aggregate", key.aggregate().toJson())
                .put("state", opened.value())
                .put("version", record.version())
                .put("consistentAt", state.entity(PartitionConsistency.RECORDS).at(level))
                .put("level", level.wireName());
            return opened.expired().isEmpty() ? body : body.put("expired", opened.expired());
          });
        }))
        .onSuccess(body -> Responses.json(ctx, 200, body))
        .onFailure(e -> Responses.fail(ctx, timeoutAsError(e, PartitionConsistency.RECORDS)));
  }

  /** {@code GET .../aggregates/{type}/{id}/conflicts?since=N} */
  void conflicts(RoutingContext ctx) {
    PartitionId partition = apps.partitionOfWs(ctx);
    AggregateKey key = new AggregateKey(apps.ws(ctx), aggregate(ctx));
    long since = Params.optionalLong(ctx, "since", 0).orElse(0);
    log.touching(partition, List.of(key), since)
        .compose(touches -> opener.events(partition, touches.stream().map(EventLog.Touch::event).toList()))
        .map(opened -> new JsonArray(new java.util.ArrayList<>(opened)))
        .onSuccess(events -> ctx.response()
            .putHeader("content-type", "application/json; charset=utf-8")
            .end(events.toBuffer()))
        .onFailure(e -> Responses.fail(ctx, ApiError.unavailable("storage unavailable: " + e.getMessage())));
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

  /** A 504 carrying the entity's current watermarks, for a read that did not catch up in time. */
  static Throwable timeoutAsError(Throwable e, String entity) {
    if (e instanceof WatermarkTimeoutException timeout) {
      return new ApiError(504, "timeout", entity + " did not reach the requested offset in time",
          timeout.latest().entity(entity).toJson());
    }
    return e;
  }

  private static Aggregate aggregate(RoutingContext ctx) {
    try {
      return BatchParser.aggregate("aggregate", ctx.pathParam("type"), ctx.pathParam("id"));
    } catch (InvalidInputException e) {
      throw ApiError.badRequest(e.field(), e.reason());
    }
  }
}
