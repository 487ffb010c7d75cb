package io.highwater.bench;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;

/** Sends appends ({@code POST /v1/apps/bookstore/ws/{ws}/events}) and records what comes back. */
final class Appender {

  private static final long REQUEST_TIMEOUT_MS = 60_000;

  private final WebClient client;
  private final Workload workload;
  private final ConsistencyProbe probe;
  private final int sampleEvery;

  /** client: with the server as its default host and port. */
  Appender(WebClient client, Workload workload, ConsistencyProbe probe, int sampleEvery) {
    this.client = client;
    this.workload = workload;
    this.probe = probe;
    this.sampleEvery = sampleEvery;
  }

  /**
   * Appends a batch of events, its latency measured from sentNanos (the intended send time in open loop);
   * samples its time to consistency. Call on an event loop; the future never fails.
   */
  Future<Void> append(Phase phase, int events, long sentNanos) {
    Workload.Append append = workload.next(events);
    phase.begin();
    return client.post("/v1/apps/" + Workload.APP + "/ws/" + append.ws() + "/events")
        .putHeader("content-type", "application/json")
        .idleTimeout(REQUEST_TIMEOUT_MS)
        .sendBuffer(Buffer.buffer(append.body()))
        .transform(ar -> {
          long ackNanos = System.nanoTime();
          if (ar.failed()) {
            phase.failed(String.valueOf(ar.cause()));
          } else if (ar.result().statusCode() != 200) {
            phase.failed(ar.result().statusCode() + " " + ar.result().bodyAsString());
          } else if (phase.counts(sentNanos)) {
            phase.acked(sentNanos, ackNanos);
            if (phase.sample(sampleEvery)) {
              measureConsistency(phase, append, ar.result(), ackNanos);
            }
          }
          phase.end();
          return Future.succeededFuture();
        });
  }

  private void measureConsistency(Phase phase, Workload.Append append, HttpResponse<Buffer> response, long ackNanos) {
    JsonObject body = response.bodyAsJsonObject();
    JsonArray stored = body.getJsonArray("events");
    long lastOffset = stored.getJsonObject(stored.size() - 1).getLong("offset");
    probe.measure(phase, append.ws(), lastOffset, append.lastAuthor(), ackNanos);
  }
}
