package io.highwater.bench;

import io.highwater.client.HighwaterClient;
import io.highwater.client.Level;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.HdrHistogram.Histogram;

/**
 * Time to consistency: from an append's ack until {@code view:books_by_author} of its workspace is
 * consistent at the append's last offset, at level cache and at level storage, through the Java
 * client's {@code await} (its WebSocket op), one client per load event loop.
 */
final class ConsistencyProbe {

  private static final String ENTITY = "view:" + Workload.VIEW;
  private static final Level[] LEVELS = {Level.CACHE, Level.STORAGE};

  private final long timeoutMs;
  private final Map<Context, HighwaterClient> clients;

  private ConsistencyProbe(long timeoutMs, Map<Context, HighwaterClient> clients) {
    this.timeoutMs = timeoutMs;
    this.clients = clients;
  }

  /** Blocking: a client per event loop, each checked with an await that is answered at once. */
  static ConsistencyProbe open(Vertx vertx, EventLoops loops, int port, Duration timeout, String token) throws TimeoutException {
    Map<Context, HighwaterClient> clients = new HashMap<>();
    for (int i = 0; i < loops.size(); i++) {
      HighwaterClient client = HighwaterClient.builder(vertx).node("127.0.0.1", port).token(token).build();
      loops.on(i, () -> client.await(Workload.APP, "ws-0", ENTITY, 0, Level.CACHE).mapEmpty()).await(10, TimeUnit.SECONDS);
      clients.put(loops.get(i), client);
    }
    return new ConsistencyProbe(timeout.toMillis(), clients);
  }

  String method() {
    return "the Java client's `await` on `" + ENTITY + "` (WebSocket `GET /v1/ws`)";
  }

  /** Measures both levels for an append acknowledged at ackNanos; call on the event loop that sent it. */
  void measure(Phase phase, String ws, long offset, long ackNanos) {
    HighwaterClient client = clients.get(Vertx.currentContext());
    for (Level level : LEVELS) {
      Histogram histogram = level == Level.CACHE ? phase.ttcCache : phase.ttcStorage;
      phase.begin();
      if (client == null) {
        phase.ttcFailed("not on a load event loop");
        phase.end();
        continue;
      }
      client.await(Workload.APP, ws, ENTITY, offset, level, timeoutMs).onComplete(ar -> {
        if (ar.succeeded()) {
          histogram.recordValue(Math.max(0, (System.nanoTime() - ackNanos) / 1000));
        } else {
          phase.ttcFailed("await failed: " + ar.cause());
        }
        phase.end();
      });
    }
  }

  /** Closes the clients: the server is about to stop. */
  void close() {
    clients.values().forEach(HighwaterClient::close);
  }
}
