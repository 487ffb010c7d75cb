package io.highwater.bench;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * Time to consistency: from an append's ack until {@code view:books_by_author} of its workspace is
 * consistent at the append's last offset, at level cache and at level storage. Asks through the WebSocket
 * {@code await} op (one socket per event loop, reopened if it closes) when the server has it, else through
 * the view read with {@code consistentAt}, which waits server-side.
 */
final class ConsistencyProbe {

  private static final String ENTITY = "view:" + Workload.VIEW;
  private static final String[] LEVELS = {"cache", "storage"};

  private final WebClient http;
  private final long timeoutMs;
  /** Empty when the server has no WebSocket await: then reads over HTTP. */
  private final Map<Context, Channel> channels;
  private final AtomicLong ids = new AtomicLong();

  private record Pending(Phase phase, Histogram histogram, long ackNanos) {}

  private ConsistencyProbe(WebClient http, long timeoutMs, Map<Context, Channel> channels) {
    this.http = http;
    this.timeoutMs = timeoutMs;
    this.channels = channels;
  }

  /** Blocking: opens a WebSocket per event loop and checks that await answers, else falls back to HTTP. */
  static ConsistencyProbe open(Vertx vertx, EventLoops loops, WebClient http, int port, Duration timeout) {
    WebSocketClient client = vertx.createWebSocketClient();
    Map<Context, Channel> channels = new HashMap<>();
    try {
      for (int i = 0; i < loops.size(); i++) {
        Channel channel = new Channel(vertx, client, port);
        loops.on(i, channel::connect).await(10, TimeUnit.SECONDS);
        channels.put(loops.get(i), channel);
      }
      return new ConsistencyProbe(http, timeout.toMillis(), channels);
    } catch (Exception | Error noAwait) {
      System.err.println("WebSocket await unavailable (" + noAwait + "): measuring time to consistency over HTTP");
      channels.values().forEach(Channel::close);
      client.close();
      return new ConsistencyProbe(http, timeout.toMillis(), Map.of());
    }
  }

  String method() {
    return channels.isEmpty()
        ? "HTTP `GET …/views/" + Workload.VIEW + "/{author}?consistentAt=N&level=…` (waits server-side)"
        : "WebSocket `await` on `" + ENTITY + "` (`GET /v1/ws`)";
  }

  /** Measures both levels for an append acknowledged at ackNanos; call on the event loop that sent it. */
  void measure(Phase phase, String ws, long offset, String author, long ackNanos) {
    for (String level : LEVELS) {
      Pending wait = new Pending(phase, level.equals("cache") ? phase.ttcCache : phase.ttcStorage, ackNanos);
      phase.begin();
      if (channels.isEmpty()) {
        read(wait, ws, offset, author, level);
      } else {
        String id = Long.toString(ids.incrementAndGet());
        JsonObject await = await(id, ws, offset, level, timeoutMs);
        Channel channel = channels.get(Vertx.currentContext());
        if (channel == null) {
          finish(wait, "not on a load event loop");
        } else {
          channel.send(id, await, wait);
        }
      }
    }
  }

  private static JsonObject await(String id, String ws, long offset, String level, long timeoutMs) {
    return new JsonObject().put("op", "await").put("id", id).put("app", Workload.APP).put("ws", ws)
        .put("entity", ENTITY).put("offset", offset).put("level", level).put("timeoutMs", timeoutMs);
  }

  private void read(Pending wait, String ws, long offset, String author, String level) {
    http.get("/v1/apps/" + Workload.APP + "/ws/" + ws + "/views/" + Workload.VIEW + "/"
            + URLEncoder.encode(author, StandardCharsets.UTF_8).replace("+", "%20"))
        .addQueryParam("consistentAt", Long.toString(offset))
        .addQueryParam("level", level)
        .addQueryParam("timeoutMs", Long.toString(timeoutMs))
        .send()
        .onComplete(ar -> finish(wait, ar.failed() ? "view read failed: " + ar.cause()
            : ar.result().statusCode() == 200 ? null : "view read answered " + ar.result().statusCode() + " " + ar.result().bodyAsString()));
  }

  /** Stops reopening sockets: the server is about to stop. */
  void close() {
    channels.values().forEach(Channel::close);
  }

  /** Records a consistent answer, or a failure when error is not null. */
  private static void finish(Pending wait, String error) {
    if (wait == null) {
      return;
    }
    if (error == null) {
      wait.histogram().recordValue(Math.max(0, (System.nanoTime() - wait.ackNanos()) / 1000));
    } else {
      wait.phase().ttcFailed(error);
    }
    wait.phase().end();
  }

  /** One socket and its awaits, all on one event loop; reopened when the server closes it. */
  private static final class Channel {
    private static final long REOPEN_DELAY_MS = 100;

    private final Vertx vertx;
    private final WebSocketClient client;
    private final int port;
    private final Map<String, Pending> pending = new HashMap<>();
    private WebSocket socket;
    private volatile boolean closed;

    Channel(Vertx vertx, WebSocketClient client, int port) {
      this.vertx = vertx;
      this.client = client;
      this.port = port;
    }

    /** Opens the socket and checks that an await (offset 0: consistent at once) is answered. */
    Future<Void> connect() {
      Promise<Void> answered = Promise.promise();
      client.connect(port, "127.0.0.1", "/v1/ws").onComplete(ar -> {
        if (ar.failed()) {
          answered.fail(ar.cause());
          return;
        }
        WebSocket ws = ar.result();
        ws.textMessageHandler(text -> {
          JsonObject reply = new JsonObject(text);
          if ("check".equals(reply.getString("id"))) {
            if ("consistent".equals(reply.getString("type"))) {
              socket = ws;
              answered.tryComplete();
            } else {
              answered.tryFail("await answered " + text);
            }
          } else {
            String id = reply.getString("id", "");
            finish(pending.remove(id), "consistent".equals(reply.getString("type")) ? null : "await answered " + text);
          }
        });
        ws.closeHandler(v -> closed(ws, "the WebSocket closed (status " + ws.closeStatusCode() + " " + ws.closeReason() + ")"));
        ws.exceptionHandler(e -> closed(ws, "the WebSocket failed: " + e));
        ws.writeTextMessage(await("check", "ws-0", 0, "cache", 5_000).encode());
      });
      return answered.future();
    }

    void send(String id, JsonObject await, Pending wait) {
      if (socket == null) {
        finish(wait, "the WebSocket is reopening");
        return;
      }
      pending.put(id, wait);
      socket.writeTextMessage(await.encode()).onFailure(e -> finish(pending.remove(id), "await not sent: " + e));
    }

    /** Fails what the socket owed, and reopens it unless the probe is closing. */
    private void closed(WebSocket ws, String why) {
      if (socket != ws) {
        return;
      }
      socket = null;
      for (String id : new ArrayList<>(pending.keySet())) {
        finish(pending.remove(id), why);
      }
      if (!closed) {
        System.err.println(why + "; reopening");
        vertx.setTimer(REOPEN_DELAY_MS, t -> connect().onFailure(e -> closed(null, "could not reopen the WebSocket: " + e)));
      }
    }

    void close() {
      closed = true;
      WebSocket open = socket;
      if (open != null) {
        open.close();
      }
    }
  }
}
