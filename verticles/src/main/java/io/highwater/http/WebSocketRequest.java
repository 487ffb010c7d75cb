package io.highwater.http;

import io.highwater.partition.PartitionId;
import io.highwater.watermark.Level;
import java.util.List;

/** A validated client message of {@code GET /v1/ws}. */
sealed interface WebSocketRequest {

  String id();

  /** Wait until {@code entity} is consistent at {@code offset} at {@code level}, or time out. */
  record Await(String id, PartitionId partition, String ws, String entity, Level level, long offset, long timeoutMs)
      implements WebSocketRequest {}

  /**
   * Follow the watermark at {@code level} of each of {@code entities} ({@code *} already expanded);
   * with {@code notes}, frames also carry the processor's offset, the epoch and the entity's status
   * note, and a note that changes is sent even when no watermark moved (what the console shows).
   */
  record Watch(String id, PartitionId partition, String ws, List<String> entities, Level level, boolean notes)
      implements WebSocketRequest {}

  /** Stop an active await or watch. */
  record Cancel(String id) implements WebSocketRequest {}
}
