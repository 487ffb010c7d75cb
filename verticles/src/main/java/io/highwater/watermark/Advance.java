package io.highwater.watermark;

import io.vertx.core.json.JsonObject;
import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;

/**
 * One report to the coordinator: any of the command processor's offset, cache offsets and storage
 * offsets per entity, and entities' status notes, made under the epoch of the reporter's ownership.
 * Each of the coordinator's commit calls is one of these. Offsets only ever raise what the
 * coordinator holds; a status note replaces the entity's last one (an empty note clears it).
 */
public record Advance(long cpOffset, Map<String, Long> cache, Map<String, Long> storage, Map<String, String> status, long epoch)
    implements Serializable {

  public Advance {
    cache = Map.copyOf(cache);
    storage = Map.copyOf(storage);
    status = Map.copyOf(status);
  }

  public Advance(long cpOffset, Map<String, Long> cache, Map<String, Long> storage) {
    this(cpOffset, cache, storage, Map.of(), 0);
  }

  public Advance(long cpOffset, Map<String, Long> cache, Map<String, Long> storage, Map<String, String> status) {
    this(cpOffset, cache, storage, status, 0);
  }

  /** The same report, made under the ownership of {@code ownerEpoch}. */
  public Advance under(long ownerEpoch) {
    return new Advance(cpOffset, cache, storage, status, ownerEpoch);
  }

  /** A status note for the entity, e.g. {@code {"status": "failed", "error": "…"}}; empty clears it. */
  public static Advance status(String entity, JsonObject note) {
    return new Advance(0, Map.of(), Map.of(), Map.of(entity, note.encode()));
  }

  public static Advance cpOffset(long offset) {
    return new Advance(offset, Map.of(), Map.of());
  }

  public static Advance cache(String entity, long offset) {
    return new Advance(0, Map.of(entity, offset), Map.of());
  }

  public static Advance storage(String entity, long offset) {
    return new Advance(0, Map.of(), Map.of(entity, offset));
  }

  static Advance of(PartitionConsistency state) {
    Map<String, Long> cache = new HashMap<>();
    Map<String, Long> storage = new HashMap<>();
    state.entities().forEach((entity, w) -> {
      cache.put(entity, w.cache());
      storage.put(entity, w.storage());
    });
    return new Advance(state.cpOffset(), cache, storage, state.status(), state.epoch());
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("cpOffset", cpOffset)
        .put("cache", new JsonObject(new HashMap<>(cache)))
        .put("storage", new JsonObject(new HashMap<>(storage)))
        .put("status", new JsonObject(new HashMap<>(status)))
        .put("epoch", epoch);
  }

  public static Advance fromJson(JsonObject json) {
    Map<String, Long> cache = new HashMap<>();
    Map<String, Long> storage = new HashMap<>();
    json.getJsonObject("cache").forEach(e -> cache.put(e.getKey(), ((Number) e.getValue()).longValue()));
    json.getJsonObject("storage").forEach(e -> storage.put(e.getKey(), ((Number) e.getValue()).longValue()));
    Map<String, String> status = new HashMap<>();
    json.getJsonObject("status", new JsonObject()).forEach(e -> status.put(e.getKey(), (String) e.getValue()));
    return new Advance(json.getLong("cpOffset"), cache, storage, status, json.getLong("epoch", 0L));
  }
}
