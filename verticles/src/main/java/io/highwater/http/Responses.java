package io.highwater.http;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** Writes JSON answers. */
final class Responses {

  private Responses() {}

  static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response()
        .setStatusCode(status)
        .putHeader("content-type", "application/json; charset=utf-8")
        .end(body.toBuffer());
  }

  /** Sends {@code failure} as the contract's error, or a 500 for anything unexpected. */
  static void fail(RoutingContext ctx, Throwable failure) {
    if (failure instanceof ApiError error) {
      error.send(ctx);
    } else {
      ctx.fail(failure);
    }
  }
}
