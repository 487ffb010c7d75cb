package io.highwater.http;

import io.highwater.partition.PartitionId;
import io.highwater.config.HighwaterConfig;
import io.highwater.watermark.Level;
import io.highwater.event.Aggregate;
import io.highwater.event.AggregateKey;
import io.highwater.event.BatchParser;
import io.highwater.event.InvalidInputException;
import io.highwater.storage.EventLog;
import io.vertx.core.json.JsonArray;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.OptionalLong;

/** Records (aggregate state) read consistent at an offset, and an aggregate's conflicts. */
final class RecordsHandler {

  private final Apps apps;
  private final RecordReader reader;
  private final OwnerReads owner;
  private final EventLog log;
  private final HighwaterConfig.Reads reads;
  private final Opener opener;

  RecordsHandler(Apps apps, RecordReader reader, OwnerReads owner, EventLog log, HighwaterConfig.Reads reads, Opener opener) {
    this.apps = apps;
    this.reader = reader;
    this.owner = owner;
    this.log = log;
    this.reads = reads;
    this.opener = opener;
  }

  /**
   * {@code GET .../aggregates/{type}/{id}?consistentAt=N&level=cache&timeoutMs=2000}: level cache is
   * read on the partition's owner, level storage here.
   */
  void read(RoutingContext ctx) {
    PartitionId partition = apps.partitionOfWs(ctx);
    AggregateKey key = new AggregateKey(apps.ws(ctx), aggregate(ctx));
    OptionalLong consistentAt = Params.optionalLong(ctx, "consistentAt", 0);
    Level level = Params.level(ctx);
    long timeoutMs = Params.bounded(ctx, "timeoutMs", 1, reads.maxTimeoutMs(), reads.defaultTimeoutMs());
    if (level == Level.CACHE) {
      owner.read(ctx, partition, CacheReadVerticle.recordRequest(key, consistentAt, timeoutMs), timeoutMs);
      return;
    }
    reader.read(partition, key, consistentAt, level, timeoutMs)
        .onSuccess(body -> Responses.json(ctx, 200, body))
        .onFailure(e -> Responses.fail(ctx, e));
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

  private static Aggregate aggregate(RoutingContext ctx) {
    try {
      return BatchParser.aggregate("aggregate", ctx.pathParam("type"), ctx.pathParam("id"));
    } catch (InvalidInputException e) {
      throw ApiError.badRequest(e.field(), e.reason());
    }
  }
}
