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
  private final ConsistencyProbe probe;
  private final int sampleEvery;

  /** client: with the server as its default host and port. */
  Appender(WebClient client, ConsistencyProbe probe, int sampleEvery) {
    this.client = client;
    this.probe = probe;
    this.sampleEvery = sampleEvery;
  }

  /**
   * Appends a batch of events from the source, its latency measured from sentNanos (the intended send time in
   * open loop); samples its time to consistency. Call on an event loop; the future never fails.
   */
  Future<Void> append(Phase phase, AppendSource source, int events, long sentNanos) {
    AppendSource.Append append = source.next(events);
    phase.begin();
    return post(append).transform(ar -> {
      long ackNanos = System.nanoTime();
      if (ar.failed()) {
        phase.failed(String.valueOf(ar.cause()));
      } else if (ar.result().statusCode() != 200) {
        phase.failed(ar.result().statusCode() + " " + ar.result().bodyAsString());
      } else if (phase.counts(sentNanos)) {
        phase.acked(sentNanos, ackNanos);
        if (phase.sample(sampleEvery)) {
          measureConsistency(phase, append.ws(), ar.result().bodyAsJsonObject(), ackNanos);
        }
      }
      phase.end();
      return Future.succeededFuture();
    });
  }

  /** Sends one append and tells its source how it went; fails only when no answer came. */
  Future<HttpResponse<Buffer>> post(AppendSource.Append append) {
    return client.post("/v1/apps/" + Workload.APP + "/ws/" + append.ws() + "/events")
        .putHeader("content-type", "application/json")
        .idleTimeout(REQUEST_TIMEOUT_MS)
        .sendBuffer(Buffer.buffer(append.body()))
        .onComplete(ar -> append.answered(ar.result()));
  }

  private void measureConsistency(Phase phase, String ws, JsonObject answer, long ackNanos) {
    JsonArray stored = answer.getJsonArray("events");
    probe.measure(phase, ws, stored.getJsonObject(stored.size() - 1).getLong("offset"), ackNanos);
  }
}
