package io.highwater.coordinator;

import io.vertx.core.json.JsonObject;
import java.io.Serializable;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the consistency coordinator knows of one app partition: the command processor's offset
 * (the last event it made durable) and each entity's watermark. Immutable; every change returns a
 * new value that is never behind the old one.
 */
public record PartitionConsistency(long cpOffset, Map<String, Watermark> entities, Map<String, String> status)
    implements Serializable {

  public static final String RECORDS = "records";
  public static final PartitionConsistency EMPTY = new PartitionConsistency(0, Map.of());

  public PartitionConsistency {
    entities = Map.copyOf(entities);
    status = Map.copyOf(status);
  }

  public PartitionConsistency(long cpOffset, Map<String, Watermark> entities) {
    this(cpOffset, entities, Map.of());
  }

  /** The entity's status note (failed, rebuilding…), an empty object when it has none. */
  public JsonObject status(String entity) {
    String note = status.get(entity);
    return note == null ? new JsonObject() : new JsonObject(note);
  }

  public Watermark entity(String name) {
    return entities.getOrDefault(name, Watermark.NONE);
  }

  /** Applies a report, keeping the maximum of every offset it names. */
  public PartitionConsistency advance(Advance report) {
    long cp = Math.max(cpOffset, report.cpOffset());
    Map<String, Watermark> next = new TreeMap<>(entities);
    report.cache().forEach((entity, offs) -> next.put(entity, entity(entity).advance(Level.CACHE, offs)));
    report.storage().forEach((entity, offs) -> next.put(entity, next.getOrDefault(entity, Watermark.NONE).advance(Level.STORAGE, offs)));
    Map<String, String> notes = new TreeMap<>(status);
    report.status().forEach((entity, note) -> {
      if (note.isEmpty() || note.equals("{}")) {
        notes.remove(entity);
      } else {
        notes.put(entity, note);
      }
    });
    return new PartitionConsistency(cp, next, notes);
  }

  /**
   * Keeps the larger of every offset of the two: how concurrent or replayed reports merge. Status
   * notes are informational and come from {@code newer} as they are.
   */
  public PartitionConsistency merge(PartitionConsistency newer) {
    PartitionConsistency offsets = advance(Advance.of(newer));
    return new PartitionConsistency(offsets.cpOffset(), offsets.entities(), newer.status());
  }

  public boolean covers(String entity, Level level, long offset) {
    return entity(entity).at(level) >= offset;
  }

  public JsonObject entitiesJson() {
    JsonObject json = new JsonObject();
    new TreeMap<>(entities).forEach((name, w) -> json.put(name, w.toJson().mergeIn(status(name))));
    return json;
  }

  public JsonObject toJson() {
    return new JsonObject().put("cpOffset", cpOffset).put("entities", entitiesJson())
        .put("status", new JsonObject(new TreeMap<>(status)));
  }

  public static PartitionConsistency fromJson(JsonObject json) {
    Map<String, Watermark> entities = new TreeMap<>();
    json.getJsonObject("entities").forEach(e -> {
      JsonObject w = (JsonObject) e.getValue();
      entities.put(e.getKey(), new Watermark(w.getLong("cache"), w.getLong("storage")));
    });
    Map<String, String> status = new TreeMap<>();
    json.getJsonObject("status", new JsonObject()).forEach(e -> status.put(e.getKey(), (String) e.getValue()));
    return new PartitionConsistency(json.getLong("cpOffset"), entities, status);
  }
}
