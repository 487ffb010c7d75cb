package io.highwater.http;

import io.highwater.apps.AppDeployer;
import io.highwater.partition.PartitionId;
import io.highwater.config.AppConfig;
import io.highwater.config.ViewConfig;
import io.highwater.coordinator.ConsistencyWatch;
import io.highwater.watermark.PartitionConsistency;
import io.highwater.event.BatchParser;
import io.highwater.event.InvalidInputException;
import io.highwater.storage.AppDefinitions;
import io.vertx.core.Future;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/** {@code PUT /v1/apps/{app}}, {@code GET /v1/apps/{app}} and {@code GET /v1/apps}: apps deployed at runtime. */
final class AppsHandler {

  private final AppDeployer deployer;
  private final AppDefinitions store;
  private final ConsistencyWatch watch;

  AppsHandler(AppDeployer deployer, AppDefinitions store, ConsistencyWatch watch) {
    this.deployer = deployer;
    this.store = store;
    this.watch = watch;
  }

  /** 200 once the definition is stored; every node applies it within a poll interval. */
  void put(RoutingContext ctx) {
    String name = appName(ctx);
    JsonObject definition;
    try {
      definition = ctx.body().asJsonObject();
    } catch (DecodeException | ClassCastException e) {
      throw ApiError.badRequest("body", "expected a JSON object with \"partitions\" and \"views\"");
    }
    deployer.put(name, definition)
        .onSuccess(deployed -> Responses.json(ctx, 200, new JsonObject()
            .put("app", name).put("version", deployed.version()).put("definition", deployed.app().toJson())))
        .onFailure(e -> Responses.fail(ctx, e instanceof InvalidInputException invalid
            ? ApiError.badRequest(invalid.field(), invalid.reason())
            : ApiError.unavailable("storage unavailable: " + e.getMessage())));
  }

  /** The stored definition and version, and each view's status over the app's partitions. */
  void get(RoutingContext ctx) {
    String name = appName(ctx);
    store.get(name).compose(stored -> {
      if (stored.isEmpty()) {
        return Future.failedFuture(ApiError.notFound("unknown app '" + name + "'"));
      }
      AppConfig app = deployer.check().parse(name, stored.get().definition());
      List<Future<PartitionConsistency>> states = app.partitionIds().stream().map(watch::current).toList();
      return Future.all(states).map(all -> {
        JsonObject views = new JsonObject();
        for (ViewConfig view : app.views().values()) {
          views.put(view.name(), status(view, states.stream().map(Future::result).toList()));
        }
        return new JsonObject().put("app", name).put("version", stored.get().version())
            .put("definition", stored.get().definition()).put("views", views);
      });
    }).onSuccess(body -> Responses.json(ctx, 200, body)).onFailure(e -> Responses.fail(ctx,
        e instanceof ApiError ? e : ApiError.unavailable("storage unavailable: " + e.getMessage())));
  }

  /** Every app with its version and partition count. */
  void list(RoutingContext ctx) {
    store.all().onSuccess(all -> {
      JsonArray apps = new JsonArray();
      all.forEach(s -> apps.add(new JsonObject().put("app", s.app()).put("version", s.version())
          .put("partitions", s.definition().getValue("partitions"))));
      Responses.json(ctx, 200, new JsonObject().put("apps", apps));
    }).onFailure(e -> Responses.fail(ctx, ApiError.unavailable("storage unavailable: " + e.getMessage())));
  }

  /**
   * {@code live} once every partition's actualizer runs and has caught up; {@code building} with the
   * offsets reached and to reach, summed over the partitions, until then; {@code failed} if a
   * partition's projector stopped it.
   */
  static JsonObject status(ViewConfig view, List<PartitionConsistency> partitions) {
    String entity = view.entity();
    long offset = 0;
    long target = 0;
    boolean building = false;
    boolean failed = false;
    for (PartitionConsistency state : partitions) {
      JsonObject note = state.status(entity);
      if ("failed".equals(note.getString("status"))) {
        failed = true;
      }
      JsonObject progress = note.getJsonObject("building");
      if (!state.entities().containsKey(entity)) {
        building = true;
        target += state.cpOffset();
      } else if (progress != null) {
        building = true;
        offset += Math.max(progress.getLong("offset", 0L), state.entity(entity).cache());
        target += Math.max(progress.getLong("cpOffset", 0L), state.cpOffset());
      } else {
        offset += state.entity(entity).cache();
        target += state.cpOffset();
      }
    }
    if (failed) {
      return new JsonObject().put("status", "failed");
    }
    if (!building) {
      return new JsonObject().put("status", "live");
    }
    return new JsonObject().put("status", "building").put("progress", new JsonObject().put("offset", offset).put("cpOffset", target));
  }

  private static String appName(RoutingContext ctx) {
    Params.text(ctx);
    try {
      return BatchParser.app("app", ctx.pathParam("app"));
    } catch (InvalidInputException e) {
      throw ApiError.badRequest(e.field(), e.reason());
    }
  }
}
