package io.highwater.it;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.WebSocketClient;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An HTTP and WebSocket proxy in front of a node that records what each request carried (its URI
 * and its Authorization header), for checking what a browser page sends.
 */
final class RecordingProxy implements AutoCloseable {

  /** One request as the proxy saw it; {@code authorization} is null when absent. */
  record Seen(String uri, String authorization, boolean upgrade) {}

  private final HttpClient client;
  private final WebSocketClient sockets;
  private final HttpServer server;
  private final int target;
  private final List<Seen> seen = new CopyOnWriteArrayList<>();

  RecordingProxy(Vertx vertx, int target) {
    this.target = target;
    this.client = vertx.createHttpClient();
    this.sockets = vertx.createWebSocketClient();
    this.server = vertx.createHttpServer().requestHandler(this::handle).listen(0, "127.0.0.1").await();
  }

  int port() {
    return server.actualPort();
  }

  List<Seen> seen() {
    return List.copyOf(seen);
  }

  void clear() {
    seen.clear();
  }

  private void handle(HttpServerRequest request) {
    boolean upgrade = "websocket".equalsIgnoreCase(request.getHeader(HttpHeaders.UPGRADE));
    seen.add(new Seen(request.uri(), request.getHeader(HttpHeaders.AUTHORIZATION), upgrade));
    if (upgrade) {
      // Upgraded at once (the request is read by now), frames held until the node's side is open.
      request.toWebSocket().onSuccess(front -> {
        front.pause();
        sockets.connect(target, "127.0.0.1", request.uri()).onSuccess(back -> {
          front.textMessageHandler(back::writeTextMessage);
          back.textMessageHandler(front::writeTextMessage);
          front.closeHandler(v -> back.close());
          back.closeHandler(v -> front.close());
          front.resume();
        }).onFailure(e -> front.close());
      });
      return;
    }
    request.body()
        .compose(body -> client.request(request.method(), target, "127.0.0.1", request.uri()).compose(forward -> {
          request.headers().forEach(h -> {
            if (!h.getKey().equalsIgnoreCase("host")) {
              forward.putHeader(h.getKey(), h.getValue());
            }
          });
          return forward.send(body);
        }))
        .compose(answer -> answer.body().map(body -> {
          request.response().setStatusCode(answer.statusCode());
          answer.headers().forEach(h -> request.response().putHeader(h.getKey(), h.getValue()));
          request.response().end(body);
          return (Void) null;
        }))
        .onFailure(e -> request.response().setStatusCode(502).end());
  }

  @Override
  public void close() {
    Future.join(server.close(), client.close(), sockets.close()).await();
  }
}
