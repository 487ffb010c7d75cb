package io.highwater.http;

import io.highwater.partition.PartitionId;
import io.highwater.watermark.PartitionConsistency;
import io.highwater.watermark.Watermark;
import io.vertx.core.json.JsonObject;

/** The server-to-client frames of {@code GET /v1/ws}, exactly as {@code API.md} spells them. */
final class WebSocketFrames {

  private WebSocketFrames() {}

  /** {@code type} is {@code consistent} or {@code timeout}. */
  static JsonObject awaited(String type, WebSocketRequest.Await request, Watermark watermark) {
    return new JsonObject()
        .put("id", request.id())
        .put("type", type)
        .put("app", request.partition().app())
        .put("partition", request.partition().partition())
        .put("entity", request.entity())
        .put("offset", request.offset())
        .put("cache", watermark.cache())
        .put("storage", watermark.storage());
  }

  static JsonObject advanced(String id, PartitionId partition, String entity, Watermark watermark) {
    return new JsonObject()
        .put("id", id)
        .put("type", "advanced")
        .put("entity", entity)
        .put("partition", partition.partition())
        .put("cache", watermark.cache())
        .put("storage", watermark.storage());
  }

  /** An {@code advanced} frame of a watch with notes: also the processor's offset, the epoch and the entity's note. */
  static JsonObject advancedWithNotes(String id, PartitionId partition, String entity, Watermark watermark, PartitionConsistency state) {
    return advanced(id, partition, entity, watermark)
        .put("cpOffset", state.cpOffset())
        .put("epoch", state.epoch())
        .put("note", state.status(entity));
  }

  static JsonObject cancelled(String id) {
    return new JsonObject().put("id", id).put("type", "cancelled");
  }

  static JsonObject badRequest(String id, String message) {
    return error(id, "bad_request", message);
  }

  static JsonObject error(String id, String code, String message) {
    return new JsonObject().put("id", id).put("type", "error").put("code", code).put("message", message);
  }
}
