package io.highwater.http;

import io.highwater.apps.AppRegistry;
import io.highwater.partition.PartitionId;
import io.highwater.cluster.Partitioner;
import io.highwater.config.AppConfig;
import io.highwater.event.BatchParser;
import io.highwater.event.InvalidInputException;
import io.vertx.ext.web.RoutingContext;

/** Resolves the app, workspace and partition named in a request path. */
final class Apps {

  private final AppRegistry registry;

  Apps(AppRegistry registry) {
    this.registry = registry;
  }

  AppConfig app(RoutingContext ctx) {
    Params.text(ctx);
    String name = ctx.pathParam("app");
    return registry.app(name).orElseThrow(() -> ApiError.notFound("unknown app '" + name + "'"));
  }

  String ws(RoutingContext ctx) {
    Params.text(ctx);
    try {
      return BatchParser.workspace("ws", ctx.pathParam("ws"));
    } catch (InvalidInputException e) {
      throw ApiError.badRequest(e.field(), e.reason());
    }
  }

  /** The partition of the path's workspace. */
  PartitionId partitionOfWs(RoutingContext ctx) {
    AppConfig app = app(ctx);
    return new PartitionId(app.name(), Partitioner.partitionOf(ws(ctx), app.partitions()));
  }

  /** The partition named by number in the path. */
  PartitionId partition(RoutingContext ctx) {
    AppConfig app = app(ctx);
    String raw = ctx.pathParam("p");
    try {
      int p = Integer.parseInt(raw);
      if (p < 0 || p >= app.partitions()) {
        throw ApiError.notFound("app '" + app.name() + "' has partitions 0 to " + (app.partitions() - 1));
      }
      return new PartitionId(app.name(), p);
    } catch (NumberFormatException e) {
      throw ApiError.badRequest("partition", "expected an integer, got '" + raw + "'");
    }
  }
}
