package io.highwater.cp;

import io.highwater.event.Action;
import io.highwater.event.Effect;
import io.highwater.event.Event;
import io.highwater.event.StoredEvent;
import io.highwater.event.Trigger;
import io.highwater.keys.DataKey;
import io.highwater.keys.Sealing;
import io.highwater.keys.TriggerKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A group's accepted events as they are stored: sealed fields encrypted under their trigger's data
 * key (created on first use), the keys to store, and the keys that key-expired effects destroy. A
 * key created and destroyed within the group is in {@code shortLived}, never in {@code created}:
 * it must never reach storage, where one statement's insert and delete would not see each other.
 * Pure: the keys that already exist are given.
 */
record SealedGroup(List<StoredEvent> events, Map<TriggerKey, DataKey> created, Map<TriggerKey, DataKey> shortLived,
    Set<TriggerKey> expired) {

  /** Every key the group's events were sealed under, including those it destroys. */
  Map<TriggerKey, DataKey> used(Map<TriggerKey, DataKey> existing) {
    Map<TriggerKey, DataKey> used = new HashMap<>(existing);
    used.putAll(shortLived);
    used.putAll(created);
    return used;
  }

  /** The encryption-key trigger that seals an action's fields (the parser checked there is one). */
  static TriggerKey sealingTrigger(String ws, Event event) {
    Trigger trigger = event.triggers().stream().filter(t -> t.type().equals(Trigger.ENCRYPTION_KEY)).findFirst().orElseThrow();
    return new TriggerKey(ws, trigger);
  }

  /** The trigger whose key the event destroys, if it is a key-expired effect. */
  static TriggerKey expiring(String ws, Event event) {
    if (event.isAction() || !event.effect().reason().equals(Effect.KEY_EXPIRED)) {
      return null;
    }
    return new TriggerKey(ws, event.effect().trigger());
  }

  static SealedGroup seal(List<StoredEvent> accepted, Map<TriggerKey, DataKey> existing) {
    Map<TriggerKey, DataKey> keys = new HashMap<>(existing);
    Map<TriggerKey, DataKey> created = new LinkedHashMap<>();
    Map<TriggerKey, DataKey> shortLived = new LinkedHashMap<>();
    Set<TriggerKey> expired = new LinkedHashSet<>();
    List<StoredEvent> sealed = new ArrayList<>(accepted.size());
    for (StoredEvent stored : accepted) {
      Event event = stored.event();
      TriggerKey expiring = expiring(stored.ws(), event);
      if (expiring != null) {
        expired.add(expiring);
        // A later action of the group on the same trigger seals under a fresh key.
        keys.remove(expiring);
        DataKey unstored = created.remove(expiring);
        if (unstored != null) {
          shortLived.put(expiring, unstored);
        }
      }
      if (!event.isAction() || event.seal().isEmpty()) {
        sealed.add(stored);
        continue;
      }
      TriggerKey trigger = sealingTrigger(stored.ws(), event);
      DataKey key = keys.computeIfAbsent(trigger, t -> {
        DataKey fresh = DataKey.generate();
        created.put(t, fresh);
        return fresh;
      });
      Action action = event.action();
      Action sealedAction = new Action(action.reason(), action.actor(), action.aggregate(),
          Sealing.sealPatch(action.patch(), event.seal(), trigger.trigger(), key));
      sealed.add(new StoredEvent(stored.offset(), stored.partition(), stored.ws(),
          new Event(event.id(), event.timestamp(), event.source(), sealedAction, null, event.triggers(), event.seal())));
    }
    return new SealedGroup(sealed, created, shortLived, expired);
  }
}
