package io.highwater.http;

import io.highwater.actualizer.CachedView;
import io.highwater.cluster.Addresses;
import io.highwater.cluster.PartitionId;
import io.highwater.config.AppConfig;
import io.highwater.config.HighwaterConfig;
import io.highwater.config.ViewConfig;
import io.highwater.keys.KeyRing;
import io.highwater.coordinator.ConsistencyWatch;
import io.highwater.coordinator.Level;
import io.highwater.coordinator.PartitionConsistency;
import io.highwater.storage.ViewCache;
import io.highwater.storage.ViewKey;
import io.highwater.storage.ViewStore;
import io.highwater.storage.ViewValue;
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
  private final ConsistencyWatch watch;
  private final ViewStore store;
  private final HighwaterConfig.Reads reads;
  private final KeyRing keyRing;

  ViewsHandler(Vertx vertx, Apps apps, ConsistencyWatch watch, ViewStore store, HighwaterConfig.Reads reads, KeyRing keyRing) {
    this.vertx = vertx;
    this.apps = apps;
    this.watch = watch;
    this.store = store;
    this.reads = reads;
    this.keyRing = keyRing;
  }

  void read(RoutingContext ctx) {
    PartitionId partition = apps.partitionOfWs(ctx);
    String name = ctx.pathParam("view");
    ViewConfig view = apps.app(ctx).view(name).orElseThrow(() -> ApiError.notFound("unknown view '" + name + "'"));
    ViewKey key = new ViewKey(apps.ws(ctx), ctx.pathParam("key"));
    OptionalLong consistentAt = Params.optionalLong(ctx, "consistentAt", 0);
    Level level = Params.level(ctx);
    long timeoutMs = Params.bounded(ctx, "timeoutMs", 1, reads.maxTimeoutMs(), reads.defaultTimeoutMs());
    Future<PartitionConsistency> ready = consistentAt.isPresent()
        ? watch.await(partition, view.entity(), level, consistentAt.getAsLong(), timeoutMs)
        : watch.current(partition);
    ready.compose(state -> load(partition, view, key, level).map(value -> {
          if (value == null || value.deleted()) {
            throw ApiError.notFound("view " + name + " has no key '" + key.key() + "' in workspace '" + key.ws() + "'");
          }
          return new JsonObject()
              .put("view", name)
              .put("key", key.key())
              .put("value", value.value())
              .put("offs", value.offs())
              .put("consistentAt", state.entity(view.entity()).at(level))
              .put("level", level.wireName());
        }))
        .onSuccess(body -> Responses.json(ctx, 200, body))
        .onFailure(e -> Responses.fail(ctx, RecordsHandler.timeoutAsError(e, view.entity())));
  }

  /** {@code POST /v1/apps/{app}/views/{view}/rebuild}: every partition rebuilds its copy beside the live one. */
  void rebuild(RoutingContext ctx) {
    AppConfig app = apps.app(ctx);
    String name = ctx.pathParam("view");
    ViewConfig view = app.view(name).orElseThrow(() -> ApiError.notFound("unknown view '" + name + "'"));
    List<Future<Message<JsonObject>>> replies = app.partitionIds().stream()
        .map(p -> vertx.eventBus().<JsonObject>request(Addresses.viewRebuild(p, name), new JsonObject()))
        .toList();
    Future.all(replies)
        .onSuccess(all -> {
          JsonArray partitions = new JsonArray();
          replies.forEach(r -> partitions.add(r.result().body()));
          Responses.json(ctx, 202, new JsonObject().put("view", name).put("partitions", partitions));
        })
        .onFailure(e -> Responses.fail(ctx, ApiError.unavailable("rebuild could not start everywhere: " + e.getMessage())));
  }

  /** A key that is a sealed value is stored under a keyed hash of it: look for the plain key, then that. */
  private Future<ViewValue> load(PartitionId partition, ViewConfig view, ViewKey key, Level level) {
    return loadStored(partition, view, key, level).compose(value -> value != null
        ? Future.succeededFuture(value)
        : loadStored(partition, view, new ViewKey(key.ws(), keyRing.sealedViewKey(key.ws(), key.key())), level));
  }

  private Future<ViewValue> loadStored(PartitionId partition, ViewConfig view, ViewKey key, Level level) {
    if (level == Level.CACHE) {
      return new CachedView(partition, view.name(), new ViewCache(vertx, partition, view.name()), store)
          .current(List.of(key)).map(values -> values.get(key));
    }
    return store.getAll(partition, view.name(), List.of(key)).map(values -> values.get(key));
  }
}
