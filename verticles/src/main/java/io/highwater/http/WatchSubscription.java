package io.highwater.http;

import io.highwater.partition.PartitionId;
import io.highwater.watermark.PartitionConsistency;
import io.highwater.watermark.Watermark;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;

/**
 * A {@code watch}: sends an {@code advanced} frame for an entity whenever its watermark at the
 * watched level moves past what was last sent, and once at the start with the current value (so the
 * client has a baseline and knows the watch is in place). A watch with notes is also sent when the
 * entity's status note or the partition's epoch changes.
 */
final class WatchSubscription implements Subscription {

  private final WebSocketRequest.Watch request;
  private final WebSocketOutbox outbox;
  private final Map<String, Watermark> sent = new HashMap<>();
  private final Map<String, String> notesSent = new HashMap<>();
  private boolean stopped;

  WatchSubscription(WebSocketRequest.Watch request, WebSocketOutbox outbox) {
    this.request = request;
    this.outbox = outbox;
  }

  @Override
  public String id() {
    return request.id();
  }

  @Override
  public PartitionId partition() {
    return request.partition();
  }

  @Override
  public void offer(PartitionConsistency state) {
    if (stopped) {
      return;
    }
    for (String entity : request.entities()) {
      Watermark now = state.entity(entity);
      Watermark before = sent.get(entity);
      boolean moved = before == null || now.at(request.level()) > before.at(request.level());
      boolean noted = request.notes() && !noteOf(state, entity).equals(notesSent.get(entity));
      if (moved || noted) {
        // The larger of each, so that neither field of a frame is ever below the previous frame's.
        Watermark next = before == null ? now : before.max(now);
        sent.put(entity, next);
        outbox.advance(this, entity, frame(entity, next, state));
      }
    }
  }

  private JsonObject frame(String entity, Watermark watermark, PartitionConsistency state) {
    if (!request.notes()) {
      return WebSocketFrames.advanced(request.id(), request.partition(), entity, watermark);
    }
    notesSent.put(entity, noteOf(state, entity));
    return WebSocketFrames.advancedWithNotes(request.id(), request.partition(), entity, watermark, state);
  }

  private static String noteOf(PartitionConsistency state, String entity) {
    return state.status().getOrDefault(entity, "") + "@" + state.epoch();
  }

  @Override
  public void stop() {
    stopped = true;
    outbox.forget(this);
  }
}
