package io.highwater.http;

import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes the frames of one socket without ever letting a slow reader slow the server.
 *
 * <p>Replies ({@code consistent}, {@code timeout}, {@code cancelled}, errors) are owed exactly once,
 * so they are always written. {@code advanced} frames are state, not events: while the socket's
 * write queue is full only the latest one per subscription and entity is kept, and the pending ones
 * go out when the queue drains, so a client never sees an older value after a newer one and always
 * gets the latest. Every byte written or withheld while the queue is full counts as "behind"; past
 * {@code maxBehindBytes} the client is declared too slow. Catching up (the queue drained, nothing
 * pending) forgives it.
 */
final class WebSocketOutbox {

  /** An {@code advanced} frame's slot: newer values replace older ones in it. */
  private record Slot(Subscription subscription, String entity) {}

  private final ServerWebSocket ws;
  private final long maxBehindBytes;
  private final Runnable tooSlow;
  private final Map<Slot, String> pending = new LinkedHashMap<>();
  private long behindBytes;
  private boolean closed;

  WebSocketOutbox(ServerWebSocket ws, long maxBehindBytes, Runnable tooSlow) {
    this.ws = ws;
    this.maxBehindBytes = maxBehindBytes;
    this.tooSlow = tooSlow;
    ws.drainHandler(v -> drain());
  }

  /** A frame owed exactly once. */
  void reply(JsonObject frame) {
    if (gone()) {
      return;
    }
    String text = frame.encode();
    if (!ws.writeQueueFull() || fallBehind(text)) {
      ws.writeTextMessage(text);
    }
  }

  /** The latest watermark of a subscription's entity; supersedes any pending older one. */
  void advance(Subscription subscription, String entity, JsonObject frame) {
    if (gone()) {
      return;
    }
    Slot slot = new Slot(subscription, entity);
    pending.remove(slot);
    String text = frame.encode();
    if (!ws.writeQueueFull()) {
      ws.writeTextMessage(text);
    } else if (fallBehind(text)) {
      pending.put(slot, text);
    }
  }

  /** Drops a stopped subscription's pending frames: nothing may follow its {@code cancelled}. */
  void forget(Subscription subscription) {
    pending.keySet().removeIf(slot -> slot.subscription() == subscription);
  }

  /** Stops writing; the socket is closing or closed. */
  void close() {
    closed = true;
    pending.clear();
  }

  private void drain() {
    if (gone()) {
      return;
    }
    Iterator<String> frames = pending.values().iterator();
    while (frames.hasNext() && !ws.writeQueueFull()) {
      String text = frames.next();
      frames.remove();
      ws.writeTextMessage(text);
    }
    if (pending.isEmpty() && !ws.writeQueueFull()) {
      behindBytes = 0;
    }
  }

  /** Counts a frame the client is behind by; false (and the client is let go) past the limit. */
  private boolean fallBehind(String text) {
    behindBytes += text.getBytes(StandardCharsets.UTF_8).length;
    if (behindBytes <= maxBehindBytes) {
      return true;
    }
    close();
    tooSlow.run();
    return false;
  }

  /** True once nothing more may be written; writeQueueFull() would throw on a closed socket. */
  private boolean gone() {
    if (!closed && ws.isClosed()) {
      close();
    }
    return closed;
  }
}
