package io.highwater.http;

import io.highwater.partition.PartitionId;
import io.highwater.event.Patch;
import io.highwater.event.StoredEvent;
import io.highwater.keys.DataKey;
import io.highwater.keys.KeyRing;
import io.highwater.keys.Sealing;
import io.highwater.keys.TriggerKey;
import io.highwater.storage.RecordState;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Shows stored events and states as the contract wants them read: sealed values decrypted while
 * their key lives; once it is gone, the values left out and their fields listed in {@code expired}.
 */
final class Opener {

  private final KeyRing keyRing;

  Opener(KeyRing keyRing) {
    this.keyRing = keyRing;
  }

  /** Each event's wire form, opened. */
  Future<List<JsonObject>> events(PartitionId partition, List<StoredEvent> events) {
    Set<TriggerKey> triggers = new LinkedHashSet<>();
    events.stream().filter(e -> e.event().isAction())
        .forEach(e -> Sealing.triggers(e.event().action().patch().sealed()).forEach(t -> triggers.add(new TriggerKey(e.ws(), t))));
    return keyRing.keysForReading(partition, triggers).map(keys -> {
      List<JsonObject> opened = new ArrayList<>(events.size());
      events.forEach(e -> opened.add(open(e, keys)));
      return opened;
    });
  }

  Future<JsonObject> event(PartitionId partition, StoredEvent event) {
    return events(partition, List.of(event)).map(list -> list.get(0));
  }

  /** A record's state, opened. */
  Future<Sealing.Opened> state(PartitionId partition, String ws, RecordState record) {
    Set<TriggerKey> triggers = new LinkedHashSet<>();
    Sealing.triggers(record.sealed()).forEach(t -> triggers.add(new TriggerKey(ws, t)));
    return keyRing.keysForReading(partition, triggers)
        .map(keys -> Sealing.open(record.state(), record.sealed(), t -> keys.get(new TriggerKey(ws, t))));
  }

  private static JsonObject open(StoredEvent event, Map<TriggerKey, DataKey> keys) {
    JsonObject json = event.toJson();
    if (!event.event().isAction()) {
      return json;
    }
    Patch stored = event.event().action().patch();
    Sealing.Opened opened = Sealing.open(stored.assoc(), stored.sealed(), t -> keys.get(new TriggerKey(event.ws(), t)));
    JsonObject patch = json.getJsonObject("action").getJsonObject("patch");
    patch.remove("sealed");
    patch.put("assoc", opened.value());
    if (!opened.expired().isEmpty()) {
      json.put("expired", opened.expired());
    }
    return json;
  }
}
