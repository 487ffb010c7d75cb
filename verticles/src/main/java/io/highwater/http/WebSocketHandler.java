package io.highwater.http;

import io.highwater.apps.AppRegistry;
import io.highwater.auth.Identity;
import io.highwater.config.HighwaterConfig;
import io.highwater.coordinator.ConsistencyWatch;
import io.highwater.metrics.HighwaterMetrics;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;

/**
 * {@code GET /v1/ws}: consistent-at-offset notifications over WebSocket. One per HttpVerticle
 * instance: its single ConsistencyWatch listener fans changes out to that instance's sockets.
 */
final class WebSocketHandler {

  private final Vertx vertx;
  private final ConsistencyWatch watch;
  private final HighwaterConfig.WebSocket limits;
  private final WebSocketRequestParser parser;
  private final SubscriptionIndex index = new SubscriptionIndex();
  private final HighwaterMetrics metrics;

  WebSocketHandler(Vertx vertx, HighwaterConfig config, AppRegistry apps, ConsistencyWatch watch, HighwaterMetrics metrics) {
    this.vertx = vertx;
    this.metrics = metrics;
    this.watch = watch;
    this.limits = config.webSocket();
    this.parser = new WebSocketRequestParser(config, apps);
    watch.addListener(index::changed);
  }

  /** Upgrades from a route, so that the router keeps every other request (and upgrade) to itself. */
  void upgrade(RoutingContext ctx) {
    if (!isUpgrade(ctx.request())) {
      // Checked here because Vert.x would answer a plain GET with a text body, not the contract's error.
      ApiError.badRequest("upgrade", "GET /v1/ws expects a WebSocket upgrade request").send(ctx);
      return;
    }
    Identity identity = AccessHandler.identity(ctx);
    ctx.request().toWebSocket()
        .onSuccess(ws -> new WebSocketConnection(ws, vertx, watch, index, parser, limits, metrics, identity).start())
        .onFailure(e -> {
          if (!ctx.response().headWritten()) {
            ApiError.badRequest("upgrade", "the WebSocket upgrade failed: " + e.getMessage()).send(ctx);
          }
        });
  }

  private static boolean isUpgrade(HttpServerRequest request) {
    String upgrade = request.getHeader(HttpHeaders.UPGRADE);
    String connection = request.getHeader(HttpHeaders.CONNECTION);
    return upgrade != null && upgrade.equalsIgnoreCase("websocket")
        && connection != null && connection.toLowerCase(Locale.ROOT).contains("upgrade");
  }
}
