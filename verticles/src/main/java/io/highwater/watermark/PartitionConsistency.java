package io.highwater.watermark;

import io.vertx.core.json.JsonObject;
import java.io.Serializable;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the consistency coordinator knows of one app partition: the command processor's offset
 * (the last event it made durable) and each entity's watermark, under the epoch of the partition's
 * current ownership. Immutable; within an epoch every change returns a value never behind the old
 * one. A newer epoch (the partition moved) restarts the cache watermarks from the storage ones: the
 * new owner's cache starts from storage. Reports of an older epoch (a deposed owner) change nothing.
 */
public record PartitionConsistency(long cpOffset, Map<String, Watermark> entities, Map<String, String> status, long epoch)
    implements Serializable {

  public static final String RECORDS = "records";
  public static final PartitionConsistency EMPTY = new PartitionConsistency(0, Map.of());

  public PartitionConsistency {
    entities = Map.copyOf(entities);
    status = Map.copyOf(status);
  }

  public PartitionConsistency(long cpOffset, Map<String, Watermark> entities) {
    this(cpOffset, entities, Map.of(), 0);
  }

  public PartitionConsistency(long cpOffset, Map<String, Watermark> entities, Map<String, String> status) {
    this(cpOffset, entities, status, 0);
  }

  /** The entity's status note (failed, rebuilding…), an empty object when it has none. */
  public JsonObject status(String entity) {
    String note = status.get(entity);
    return note == null ? new JsonObject() : new JsonObject(note);
  }

  public Watermark entity(String name) {
    return entities.getOrDefault(name, Watermark.NONE);
  }

  /**
   * Applies a report, keeping the maximum of every offset it names; a report of a newer epoch first
   * restarts the cache watermarks from storage, one of an older epoch is ignored.
   */
  public PartitionConsistency advance(Advance report) {
    if (report.epoch() < epoch) {
      return this;
    }
    if (report.epoch() > epoch) {
      return restartedUnder(report.epoch()).advance(report);
    }
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
    return new PartitionConsistency(cp, next, notes, epoch);
  }

  /**
   * What the owner of {@code ownerEpoch} starts from, given the last copy the cluster map holds: an
   * older epoch's storage watermarks (in PostgreSQL whoever owns the partition) with the cache ones
   * restarted from them; nothing of a newer epoch (this owner is already deposed) or of its own
   * (a copy of an earlier start of the same ownership is not this start's memory).
   */
  public PartitionConsistency startingUnder(long ownerEpoch) {
    return epoch < ownerEpoch ? restartedUnder(ownerEpoch) : new PartitionConsistency(0, Map.of(), Map.of(), ownerEpoch);
  }

  /** The state a new owner starts from: the offsets that are in PostgreSQL, no status notes. */
  private PartitionConsistency restartedUnder(long newEpoch) {
    Map<String, Watermark> restarted = new TreeMap<>();
    entities.forEach((entity, w) -> restarted.put(entity, new Watermark(w.storage(), w.storage())));
    return new PartitionConsistency(cpOffset, restarted, Map.of(), newEpoch);
  }

  /**
   * How two copies of the state merge (publications arriving out of order, the owner's copy written
   * over the cluster map's, the two sides of a healed split-brain): the newer epoch wins, except that
   * neither {@code cpOffset} nor an entity's storage watermark drops below the older epoch's (what is
   * in PostgreSQL stays there whoever owns the partition; a new owner's first reports may not have
   * caught up with the last copy its predecessor published); within one epoch the larger of every offset is kept, and
   * status notes come from {@code newer} as they are.
   */
  public PartitionConsistency merge(PartitionConsistency newer) {
    if (newer.epoch != epoch) {
      PartitionConsistency later = newer.epoch > epoch ? newer : this;
      PartitionConsistency earlier = newer.epoch > epoch ? this : newer;
      return later.withStorageOf(earlier);
    }
    PartitionConsistency offsets = advance(Advance.of(newer));
    return new PartitionConsistency(offsets.cpOffset(), offsets.entities(), newer.status(), epoch);
  }

  /** The same state with its offset and each of its entities' storage watermarks raised to {@code earlier}'s, if lower. */
  private PartitionConsistency withStorageOf(PartitionConsistency earlier) {
    Map<String, Watermark> raised = new TreeMap<>(entities);
    entities.forEach((entity, w) -> raised.put(entity, w.advance(Level.STORAGE, earlier.entity(entity).storage())));
    long cp = Math.max(cpOffset, earlier.cpOffset);
    return raised.equals(entities) && cp == cpOffset ? this : new PartitionConsistency(cp, raised, status, epoch);
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
    return new JsonObject().put("epoch", epoch).put("cpOffset", cpOffset).put("entities", entitiesJson())
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
    return new PartitionConsistency(json.getLong("cpOffset"), entities, status, json.getLong("epoch", 0L));
  }
}
