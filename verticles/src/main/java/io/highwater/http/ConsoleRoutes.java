package io.highwater.http;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.StaticHandler;

/**
 * What a browser or a tool reads about the server itself: {@code GET /console} (a page of classpath
 * resources, fed by {@code /v1/cluster}, the consistency routes and the WebSocket {@code watch}) and
 * {@code GET /openapi.json} (the contract as an OpenAPI 3.1 document).
 */
final class ConsoleRoutes {

  private ConsoleRoutes() {}

  static void mount(Router router) {
    router.get("/console").handler(ctx -> ctx.reroute("/console/index.html"));
    router.get("/console/*").handler(StaticHandler.create("console").setCachingEnabled(false));
    router.get("/openapi.json").handler(ctx -> ctx.response()
        .putHeader("content-type", "application/json; charset=utf-8")
        .sendFile("openapi.json"));
  }
}
