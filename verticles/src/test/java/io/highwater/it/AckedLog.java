package io.highwater.it;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the server acknowledged, as the client sent it: each partition's events by the offset their
 * answer gave. The log must hold exactly these, and records and views must be their fold.
 */
final class AckedLog {

  /** An acknowledged event as sent, in the workspace it was sent to. */
  record Acked(String ws, JsonObject event) {}

  /** A batch acknowledged with 200 whose events all carry ids, for resending. */
  record IdBatch(String ws, io.vertx.core.buffer.Buffer body, List<Long> offsets) {}

  private final Map<Integer, TreeMap<Long, Acked>> partitions = new HashMap<>();
  private final List<IdBatch> idBatches = new ArrayList<>();
  private final List<String> problems = new ArrayList<>();

  /**
   * Records a 200 answer to {@code body}: its events at the offsets {@code answered} gives. A dry
   * run stores nothing, so it is not recorded.
   */
  synchronized void acknowledge(int partition, String ws, io.vertx.core.buffer.Buffer raw, JsonObject body, JsonArray answered) {
    JsonArray sent = body.getJsonArray("events");
    if (Boolean.TRUE.equals(body.getValue("dry"))) {
      return;
    }
    if (sent.size() != answered.size()) {
      problems.add("sent " + sent.size() + " events, the answer has " + answered.size() + ": " + answered.encode());
      return;
    }
    TreeMap<Long, Acked> log = partitions.computeIfAbsent(partition, p -> new TreeMap<>());
    List<Long> offsets = new ArrayList<>();
    boolean allIds = true;
    for (int i = 0; i < sent.size(); i++) {
      long offset = answered.getJsonObject(i).getLong("offset");
      JsonObject event = sent.getJsonObject(i);
      allIds &= event.getValue("id") != null;
      offsets.add(offset);
      Acked before = log.put(offset, new Acked(ws, event));
      if (before != null && !(before.ws().equals(ws) && Objects.equals(before.event().getValue("id"), event.getValue("id")))) {
        problems.add("offset " + offset + " of partition " + partition + " acknowledged twice: " + before + " and " + event.encode());
      }
    }
    for (int i = 1; i < offsets.size(); i++) {
      if (offsets.get(i) != offsets.get(i - 1) + 1) {
        problems.add("a batch answered with offsets that are not consecutive: " + offsets);
      }
    }
    if (allIds) {
      idBatches.add(new IdBatch(ws, raw, offsets));
    }
  }

  synchronized long lastOffset(int partition) {
    TreeMap<Long, Acked> log = partitions.get(partition);
    return log == null || log.isEmpty() ? 0 : log.lastKey();
  }

  synchronized IdBatch idBatch(int pick) {
    return idBatches.isEmpty() ? null : idBatches.get(Math.floorMod(pick, idBatches.size()));
  }

  synchronized Map<Long, Acked> events(int partition) {
    return new TreeMap<>(partitions.getOrDefault(partition, new TreeMap<>()));
  }

  synchronized List<String> problems() {
    return List.copyOf(problems);
  }

  synchronized void problem(String problem) {
    problems.add(problem);
  }

  /**
   * The fold of every acknowledged patch in offset order: each aggregate's state ({@code ws -> "type/id" -> state}),
   * and for the books the text values {@code author} and {@code genre} ever had ({@code ws -> field -> values}).
   */
  record Fold(Map<String, Map<String, JsonObject>> records, Map<String, Map<String, Set<String>>> held) {}

  synchronized Fold fold() {
    Map<String, Map<String, JsonObject>> records = new TreeMap<>();
    Map<String, Map<String, Set<String>>> held = new TreeMap<>();
    for (TreeMap<Long, Acked> log : partitions.values()) {
      for (Acked acked : log.values()) {
        JsonObject action = acked.event().getJsonObject("action");
        if (action == null) {
          continue;
        }
        String key = aggregateKey(action.getJsonArray("aggregate"));
        JsonObject state = records.computeIfAbsent(acked.ws(), w -> new TreeMap<>()).computeIfAbsent(key, k -> new JsonObject());
        JsonObject patch = action.getJsonObject("patch");
        JsonArray dissoc = patch.getJsonArray("dissoc");
        if (dissoc != null) {
          dissoc.forEach(k -> state.remove((String) k));
        }
        JsonObject assoc = patch.getJsonObject("assoc");
        if (assoc != null) {
          assoc.forEach(e -> state.put(e.getKey(), e.getValue()));
        }
        if (key.startsWith("book/")) {
          for (String field : List.of("author", "genre")) {
            if (state.getValue(field) instanceof String value) {
              held.computeIfAbsent(acked.ws(), w -> new HashMap<>()).computeIfAbsent(field, f -> new HashSet<>()).add(value);
            }
          }
        }
      }
    }
    return new Fold(records, held);
  }

  /** {@code type/id}, an integer id as its decimal string, as the server names an aggregate. */
  static String aggregateKey(JsonArray aggregate) {
    Object id = aggregate.getValue(1);
    String text = id instanceof String s ? s : Long.toString(new java.math.BigDecimal(id.toString()).longValueExact());
    return aggregate.getString(0) + "/" + text;
  }
}
