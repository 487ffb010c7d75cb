package io.highwater.cp;

import io.highwater.event.AggregateKey;
import io.highwater.event.Event;
import io.highwater.event.StoredEvent;
import io.highwater.event.Trigger;
import io.highwater.keys.TriggerKey;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the command processor remembers of its own log, so that the common append needs no lookup
 * (ADR 0009): for each aggregate it holds, the last offset that touched it (an action on it, or an
 * effect on a trigger linked to it) and every trigger linked to it. It holds at most
 * {@code capacity} aggregates, the least recently used leaving first; an aggregate it does not hold
 * is checked by the group's write statement instead. What it says of a held aggregate is exact,
 * because the processor is the only writer of its partition and records every group it commits.
 * Pure; used from the command processor's context only.
 */
final class TouchIndex {

  private static final class Held {
    long lastTouch;
    final Set<Trigger> links = new HashSet<>();

    Held(long lastTouch) {
      this.lastTouch = lastTouch;
    }
  }

  private final int capacity;
  private final LinkedHashMap<AggregateKey, Held> held = new LinkedHashMap<>(16, 0.75f, true);
  private final Map<TriggerKey, Set<AggregateKey>> byTrigger = new HashMap<>();

  TouchIndex(int capacity) {
    if (capacity < 0) {
      throw new IllegalArgumentException("capacity must be >= 0, got " + capacity);
    }
    this.capacity = capacity;
  }

  boolean holds(AggregateKey aggregate) {
    return held.containsKey(aggregate);
  }

  /** True when the aggregate is held and nothing after {@code offset} touched it. */
  boolean untouchedAfter(AggregateKey aggregate, long offset) {
    Held h = held.get(aggregate);
    return h != null && h.lastTouch <= offset;
  }

  /** The triggers linked to a held aggregate; empty for one not held. */
  Set<Trigger> links(AggregateKey aggregate) {
    Held h = held.get(aggregate);
    return h == null ? Set.of() : Set.copyOf(h.links);
  }

  int size() {
    return held.size();
  }

  /**
   * Takes in a committed group, in offset order. {@code storedLinks} are the links PostgreSQL held,
   * before the group, for aggregates not held yet: complete for each aggregate it names, so an
   * aggregate named there and acted on by the group is held from then on. An aggregate acted on but
   * not named there stays unknown.
   */
  void committed(List<StoredEvent> events, Map<AggregateKey, ? extends Collection<Trigger>> storedLinks) {
    for (StoredEvent stored : events) {
      Event event = stored.event();
      if (event.isAction()) {
        AggregateKey aggregate = new AggregateKey(stored.ws(), event.action().aggregate());
        Held h = held.get(aggregate);
        if (h == null) {
          Collection<Trigger> known = storedLinks.get(aggregate);
          if (known == null) {
            continue;
          }
          h = new Held(stored.offset());
          held.put(aggregate, h);
          link(aggregate, h, known);
        }
        h.lastTouch = Math.max(h.lastTouch, stored.offset());
        link(aggregate, h, event.triggers());
      } else {
        TriggerKey trigger = new TriggerKey(stored.ws(), event.effect().trigger());
        for (AggregateKey aggregate : byTrigger.getOrDefault(trigger, Set.of())) {
          Held h = held.get(aggregate);
          h.lastTouch = Math.max(h.lastTouch, stored.offset());
        }
      }
    }
    evictBeyondCapacity();
  }

  /** Forgets everything: after a write whose outcome is unknown, memory may be behind the log. */
  void clear() {
    held.clear();
    byTrigger.clear();
  }

  private void link(AggregateKey aggregate, Held h, Collection<Trigger> triggers) {
    for (Trigger trigger : triggers) {
      if (h.links.add(trigger)) {
        byTrigger.computeIfAbsent(new TriggerKey(aggregate.ws(), trigger), k -> new HashSet<>()).add(aggregate);
      }
    }
  }

  private void evictBeyondCapacity() {
    Iterator<Map.Entry<AggregateKey, Held>> eldest = held.entrySet().iterator();
    while (held.size() > capacity) {
      Map.Entry<AggregateKey, Held> entry = eldest.next();
      for (Trigger trigger : entry.getValue().links) {
        TriggerKey key = new TriggerKey(entry.getKey().ws(), trigger);
        Set<AggregateKey> linked = byTrigger.get(key);
        linked.remove(entry.getKey());
        if (linked.isEmpty()) {
          byTrigger.remove(key);
        }
      }
      eldest.remove();
    }
  }
}
