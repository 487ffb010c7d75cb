package io.highwater.client;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * What an append answered: {@link Ok} (200, the batch is durable) or {@link Conflict} (409, nothing
 * stored). A conflict is a result, not a failure: the Future of an append only fails for errors.
 */
public sealed interface AppendResult permits AppendResult.Ok, AppendResult.Conflict {

  /** The workspace's partition. */
  int partition();

  /** The stored events (Ok), or the events ahead of the first conflicting one with the offsets they would have taken (Conflict). */
  List<StoredEvent> events();

  default boolean isOk() {
    return this instanceof Ok;
  }

  /** This result as {@link Ok}; a {@link ConflictException} (status 409) when it is a conflict. */
  default Ok requireOk() {
    if (this instanceof Ok ok) {
      return ok;
    }
    throw new ConflictException((Conflict) this);
  }

  /** 200: every event stored, with consecutive offsets (or, for a dry run, the offsets they would take). */
  record Ok(int partition, List<StoredEvent> events) implements AppendResult {

    public Ok {
      events = List.copyOf(events);
    }

    /** The offset of the batch's last event: what to read or await at for read-your-writes. */
    public long lastOffset() {
      return events.isEmpty() ? 0 : events.get(events.size() - 1).offset();
    }
  }

  /**
   * 409: {@code ours} is the first conflicting event (with its would-be offset), {@code theirs} the
   * oldest stored event it conflicts with, {@code unresolved} the offsets of every stored event it
   * conflicts with, oldest first.
   */
  record Conflict(int partition, List<StoredEvent> events, StoredEvent ours, StoredEvent theirs, List<Long> unresolved)
      implements AppendResult {

    public Conflict {
      events = List.copyOf(events);
      unresolved = List.copyOf(unresolved);
    }
  }

  /** Parses a 200 or 409 body: {@code {"result": "ok"|"conflict", "partition", "events", "conflict"?}}. */
  static AppendResult fromJson(JsonObject json) {
    int partition = json.getInteger("partition", -1);
    List<StoredEvent> events = new ArrayList<>();
    json.getJsonArray("events", new JsonArray()).forEach(o -> events.add(StoredEvent.fromJson((JsonObject) o)));
    String result = json.getString("result");
    if ("ok".equals(result)) {
      return new Ok(partition, events);
    }
    if ("conflict".equals(result)) {
      JsonObject conflict = json.getJsonObject("conflict");
      return new Conflict(partition, events,
          StoredEvent.fromJson(conflict.getJsonObject("ours")),
          StoredEvent.fromJson(conflict.getJsonObject("theirs")),
          Wire.longs(conflict.getJsonArray("unresolved")));
    }
    throw new IllegalArgumentException("not an append result: " + json.encode());
  }
}
