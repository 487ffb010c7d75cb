package io.highwater.http;

import io.highwater.partition.PartitionId;
import io.highwater.config.AppConfig;
import io.highwater.watermark.PartitionConsistency;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET .../consistency}: the command processor's offset and every entity's watermarks, as the
 * partition's owner answers them (ADR 0013): an append it acknowledged is covered, whichever node asks.
 */
final class ConsistencyHandler {

  private final Apps apps;
  private final OwnerConsistency owner;
  private final long timeoutMs;

  ConsistencyHandler(Apps apps, OwnerConsistency owner, long timeoutMs) {
    this.apps = apps;
    this.owner = owner;
    this.timeoutMs = timeoutMs;
  }

  void partition(RoutingContext ctx) {
    answer(ctx, apps.app(ctx), apps.partition(ctx));
  }

  void workspace(RoutingContext ctx) {
    answer(ctx, apps.app(ctx), apps.partitionOfWs(ctx));
  }

  private void answer(RoutingContext ctx, AppConfig app, PartitionId partition) {
    owner.ask(partition, timeoutMs)
        .onSuccess(state -> Responses.json(ctx, 200, toJson(app, partition, state)))
        .onFailure(e -> Responses.fail(ctx, ApiError.unavailable("partition " + partition + " has no owner answering: " + e.getMessage())));
  }

  static JsonObject toJson(AppConfig app, PartitionId partition, PartitionConsistency state) {
    JsonObject entities = new JsonObject();
    // The app's entities as it is defined now: a removed view's watermarks are gone at once, and a
    // new view's appear once its actualizer has reported.
    app.entities().stream()
        .filter(entity -> entity.equals(PartitionConsistency.RECORDS) || state.entities().containsKey(entity))
        .forEach(entity -> entities.put(entity, state.entity(entity).toJson().mergeIn(state.status(entity))));
    return new JsonObject()
        .put("app", app.name())
        .put("partition", partition.partition())
        .put("cpOffset", state.cpOffset())
        .put("entities", entities)
        // Beyond the contract: the ownership the watermarks are of; cache ones restart when it grows.
        .put("epoch", state.epoch());
  }
}
