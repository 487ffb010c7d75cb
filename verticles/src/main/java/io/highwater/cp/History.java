package io.highwater.cp;

import io.highwater.event.AggregateKey;
import io.highwater.event.StoredEvent;
import io.highwater.event.Trigger;
import io.highwater.keys.TriggerKey;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The part of the log that a group of batches can conflict with or repeat: what PostgreSQL answered
 * for the group's aggregates and ids, plus every event accepted earlier in the same group. Pure.
 */
final class History {

  private final Map<AggregateKey, List<StoredEvent>> actions = new HashMap<>();
  private final Map<TriggerKey, List<StoredEvent>> effects = new HashMap<>();
  private final Map<AggregateKey, Set<Trigger>> links = new HashMap<>();
  private final Map<String, StoredEvent> byId = new HashMap<>();

  /** A stored action on {@code aggregate}, or a stored effect whose trigger is linked to it. */
  void addStoredTouch(AggregateKey aggregate, StoredEvent event) {
    if (event.event().isAction()) {
      addUnique(actions.computeIfAbsent(aggregate, k -> new ArrayList<>()), event);
    } else {
      Trigger trigger = event.event().effect().trigger();
      link(aggregate, trigger);
      addUnique(effects.computeIfAbsent(new TriggerKey(event.ws(), trigger), k -> new ArrayList<>()), event);
    }
  }

  void link(AggregateKey aggregate, Trigger trigger) {
    links.computeIfAbsent(aggregate, k -> new HashSet<>()).add(trigger);
  }



  void addStoredId(StoredEvent event) {
    byId.put(event.event().id(), event);
  }

  /** Records an event accepted in this group, so later batches of the group see it. */
  void accept(StoredEvent event) {
    if (event.event().id() != null) {
      byId.put(event.event().id(), event);
    }
    if (event.event().isAction()) {
      AggregateKey aggregate = new AggregateKey(event.ws(), event.event().action().aggregate());
      actions.computeIfAbsent(aggregate, k -> new ArrayList<>()).add(event);
      event.event().triggers().forEach(t -> link(aggregate, t));
    } else {
      effects.computeIfAbsent(new TriggerKey(event.ws(), event.event().effect().trigger()), k -> new ArrayList<>()).add(event);
    }
  }

  StoredEvent byId(String id) {
    return byId.get(id);
  }

  /** Every known event after {@code offset} that touches the aggregate, oldest first. */
  List<StoredEvent> touching(AggregateKey aggregate, long offset) {
    TreeMap<Long, StoredEvent> found = new TreeMap<>();
    actions.getOrDefault(aggregate, List.of()).stream().filter(e -> e.offset() > offset).forEach(e -> found.put(e.offset(), e));
    for (Trigger trigger : links.getOrDefault(aggregate, Set.of())) {
      effects.getOrDefault(new TriggerKey(aggregate.ws(), trigger), List.of()).stream()
          .filter(e -> e.offset() > offset)
          .forEach(e -> found.put(e.offset(), e));
    }
    return List.copyOf(found.values());
  }

  private static void addUnique(List<StoredEvent> list, StoredEvent event) {
    if (list.stream().noneMatch(e -> e.offset() == event.offset())) {
      list.add(event);
      list.sort(Comparator.comparingLong(StoredEvent::offset));
    }
  }
}
