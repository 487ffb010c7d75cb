package io.highwater.http;

import io.highwater.cluster.Addresses;
import io.highwater.cluster.PartitionId;
import io.highwater.config.AppConfig;
import io.highwater.config.HighwaterConfig;
import io.highwater.config.ViewConfig;
import io.highwater.coordinator.Level;
import io.highwater.storage.ViewKey;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.OptionalLong;

/** {@code GET /v1/apps/{app}/ws/{ws}/views/{view}/{key}}: a view value consistent at an offset. */
final class ViewsHandler {

  private final Vertx vertx;
  private final Apps apps;
  private final ViewReader reader;
  private final OwnerReads owner;
  private final HighwaterConfig.Reads reads;

  ViewsHandler(Vertx vertx, Apps apps, ViewReader reader, OwnerReads owner, HighwaterConfig.Reads reads) {
    this.vertx = vertx;
    this.apps = apps;
    this.reader = reader;
    this.owner = owner;
    this.reads = reads;
  }

  /** Level cache is read on the partition's owner, level storage here. */
  void read(RoutingContext ctx) {
    PartitionId partition = apps.partitionOfWs(ctx);
    String name = ctx.pathParam("view");
    ViewConfig view = apps.app(ctx).view(name).orElseThrow(() -> ApiError.notFound("unknown view '" + name + "'"));
    ViewKey key = new ViewKey(apps.ws(ctx), ctx.pathParam("key"));
    OptionalLong consistentAt = Params.optionalLong(ctx, "consistentAt", 0);
    Level level = Params.level(ctx);
    long timeoutMs = Params.bounded(ctx, "timeoutMs", 1, reads.maxTimeoutMs(), reads.defaultTimeoutMs());
    if (level == Level.CACHE) {
      owner.read(ctx, partition, CacheReadVerticle.viewRequest(name, key, consistentAt, timeoutMs), timeoutMs);
      return;
    }
    reader.read(partition, view, key, consistentAt, level, timeoutMs)
        .onSuccess(body -> Responses.json(ctx, 200, body))
        .onFailure(e -> Responses.fail(ctx, e));
  }

  /** {@code POST /v1/apps/{app}/views/{view}/rebuild}: every partition rebuilds its copy beside the live one. */
  void rebuild(RoutingContext ctx) {
    AppConfig app = apps.app(ctx);
    String name = ctx.pathParam("view");
    ViewConfig view = app.view(name).orElseThrow(() -> ApiError.notFound("unknown view '" + name + "'"));
    List<Future<Message<JsonObject>>> replies = app.partitionIds().stream()
        .map(p -> vertx.eventBus().<JsonObject>request(Addresses.viewRebuild(p, name),
            new JsonObject().put("credential", AccessHandler.identity(ctx).token())))
        .toList();
    Future.all(replies)
        .onSuccess(all -> {
          JsonArray partitions = new JsonArray();
          replies.forEach(r -> partitions.add(r.result().body()));
          Responses.json(ctx, 202, new JsonObject().put("view", name).put("partitions", partitions));
        })
        .onFailure(e -> Responses.fail(ctx, refusal(e).orElseGet(() -> ApiError.unavailable("rebuild could not start everywhere: "
            + e.getMessage()))));
  }

  /** A partition's owner that refused the caller's token answers with its status. */
  private static java.util.Optional<ApiError> refusal(Throwable e) {
    if (e instanceof io.vertx.core.eventbus.ReplyException reply && reply.failureType() == io.vertx.core.eventbus.ReplyFailure.RECIPIENT_FAILURE
        && (reply.failureCode() == 401 || reply.failureCode() == 403)) {
      return java.util.Optional.of(new ApiError(reply.failureCode(), reply.failureCode() == 401 ? "unauthorized" : "forbidden",
          e.getMessage(), new JsonObject()));
    }
    return java.util.Optional.empty();
  }
}
