package io.highwater.http;

import io.highwater.cluster.Addresses;
import io.highwater.partition.PartitionId;
import io.highwater.config.AppConfig;
import io.highwater.config.HighwaterConfig;
import io.highwater.config.ViewConfig;
import io.highwater.watermark.Level;
import io.highwater.partition.ViewKey;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
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

  private final OwnerRoute route;
  private final long requestTimeoutMs;

  ViewsHandler(Vertx vertx, Apps apps, ViewReader reader, OwnerReads owner, HighwaterConfig.Reads reads, OwnerRoute route,
      long requestTimeoutMs) {
    this.vertx = vertx;
    this.route = route;
    this.requestTimeoutMs = requestTimeoutMs;
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

  /** {@code POST /v1/apps/{app}/views/{view}/partitions/{p}/resume}: the failed or parked view is tried again now. */
  void resume(RoutingContext ctx) {
    repair(ctx, new JsonObject().put("op", "resume"));
  }

  /**
   * {@code POST /v1/apps/{app}/views/{view}/partitions/{p}/skip} with {@code {"offset": N}}, N the
   * offset the view failed at: the event is recorded as skipped for this view, which goes on past it.
   */
  void skip(RoutingContext ctx) {
    JsonObject body;
    try {
      body = ctx.body().asJsonObject();
    } catch (RuntimeException e) {
      throw ApiError.badRequest("body", "expected a JSON object");
    }
    if (body == null) {
      throw ApiError.badRequest("body", "expected a JSON object with offset");
    }
    Object offset = body.getValue("offset");
    if (!(offset instanceof Integer || offset instanceof Long) || ((Number) offset).longValue() < 0) {
      throw ApiError.badRequest("offset", "expected the non-negative integer offset the view failed at, got " + offset);
    }
    repair(ctx, new JsonObject().put("op", "skip").put("offset", ((Number) offset).longValue()));
  }

  /** Runs on the partition's owner, where the view's actualizer knows where it failed. */
  private void repair(RoutingContext ctx, JsonObject request) {
    AppConfig app = apps.app(ctx);
    String name = ctx.pathParam("view");
    app.view(name).orElseThrow(() -> ApiError.notFound("unknown view '" + name + "'"));
    PartitionId partition = apps.partition(ctx);
    route.<JsonObject>request(Addresses.viewRepair(partition, name), request.put("credential", AccessHandler.identity(ctx).token()),
            requestTimeoutMs, body -> false)
        .onSuccess(reply -> Responses.json(ctx, 200, reply.body().put("view", name)))
        .onFailure(e -> Responses.fail(ctx, repairError(e)));
  }

  private static ApiError repairError(Throwable e) {
    if (e instanceof ReplyException reply && reply.failureType() == ReplyFailure.RECIPIENT_FAILURE) {
      return switch (reply.failureCode()) {
        case 400 -> new ApiError(400, "bad_request", reply.getMessage(), new JsonObject());
        case 409 -> new ApiError(409, "conflict", reply.getMessage(), new JsonObject());
        case 401 -> new ApiError(401, "unauthorized", reply.getMessage(), new JsonObject());
        case 403 -> new ApiError(403, "forbidden", reply.getMessage(), new JsonObject());
        default -> ApiError.unavailable(reply.getMessage());
      };
    }
    return ApiError.unavailable("the partition's owner did not answer: " + e.getMessage());
  }
}
