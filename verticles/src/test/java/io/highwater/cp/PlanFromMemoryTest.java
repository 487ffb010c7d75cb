package io.highwater.cp;

import static org.assertj.core.api.Assertions.assertThat;

import io.highwater.event.Action;
import io.highwater.event.Actor;
import io.highwater.event.Aggregate;
import io.highwater.event.AggregateKey;
import io.highwater.event.Batch;
import io.highwater.event.Effect;
import io.highwater.event.Event;
import io.highwater.event.Patch;
import io.highwater.event.StoredEvent;
import io.highwater.event.Trigger;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Planning from memory answers exactly what planning from the log answers. Random groups (actions
 * with triggers on a few aggregates, effects on those triggers, stale and fresh base offsets, resolved
 * offsets, repeated and mixed ids, dry runs) are planned both ways against a simulated log: the way the
 * command processor does it, from {@link TouchIndex} with the write's checks, falling back to the log's
 * answers when memory cannot tell or a check fails; and from the log's answers alone. Every outcome and
 * the resulting log must be the same, for any capacity of the index.
 */
class PlanFromMemoryTest {

  private static final int PARTITION = 0;
  private static final int GROUPS = 1_500;
  private static final String[] WORKSPACES = {"ws-a", "ws-b"};
  private static final String[] BOOKS = {"b1", "b2", "b3", "b4", "b5", "b6"};
  private static final String[] ORDERS = {"o1", "o2", "o3"};

  /** The log as PostgreSQL holds it, with the answers the command processor's lookups and the write's checks give. */
  private static final class SimulatedLog {
    final List<StoredEvent> events = new ArrayList<>();

    long nextOffset() {
      return events.size() + 1;
    }

    Set<Trigger> links(AggregateKey aggregate) {
      Set<Trigger> links = new LinkedHashSet<>();
      for (StoredEvent e : events) {
        if (e.event().isAction() && key(e).equals(aggregate)) {
          links.addAll(e.event().triggers());
        }
      }
      return links;
    }

    boolean touchedAfter(AggregateKey aggregate, long base) {
      Set<Trigger> links = links(aggregate);
      return events.stream().anyMatch(e -> e.offset() > base && (e.event().isAction()
          ? key(e).equals(aggregate)
          : e.ws().equals(aggregate.ws()) && links.contains(e.event().effect().trigger())));
    }

    /** What CommandProcessorVerticle.lookUp reads for the group. */
    History lookUp(List<AppendRequest> group) {
      History history = new History();
      long minBase = group.stream().mapToLong(r -> r.batch().baseOffset()).min().orElseThrow();
      for (AppendRequest request : group) {
        for (Event event : request.batch().events()) {
          if (!event.isAction()) {
            continue;
          }
          AggregateKey aggregate = new AggregateKey(request.ws(), event.action().aggregate());
          Set<Trigger> links = links(aggregate);
          links.forEach(t -> history.link(aggregate, t));
          for (StoredEvent e : events) {
            boolean touches = e.event().isAction()
                ? key(e).equals(aggregate)
                : e.ws().equals(aggregate.ws()) && links.contains(e.event().effect().trigger());
            if (touches && e.offset() > minBase) {
              history.addStoredTouch(aggregate, e);
            }
          }
        }
      }
      events.stream().filter(e -> e.event().id() != null).forEach(history::addStoredId);
      return history;
    }

    /** The write statement: refused when a check fails or an id is stored, else it answers the stored links. */
    Optional<Map<AggregateKey, List<Trigger>>> write(List<StoredEvent> group, Map<AggregateKey, Long> checks) {
      Set<String> ids = new HashSet<>();
      events.stream().map(e -> e.event().id()).filter(id -> id != null).forEach(ids::add);
      if (group.stream().anyMatch(e -> e.event().id() != null && ids.contains(e.event().id()))
          || checks.entrySet().stream().anyMatch(c -> touchedAfter(c.getKey(), c.getValue()))) {
        return Optional.empty();
      }
      Map<AggregateKey, List<Trigger>> stored = new HashMap<>();
      checks.keySet().forEach(k -> stored.put(k, List.copyOf(links(k))));
      events.addAll(group);
      return Optional.of(stored);
    }

    private static AggregateKey key(StoredEvent e) {
      return new AggregateKey(e.ws(), e.event().action().aggregate());
    }
  }

  @ParameterizedTest(name = "capacity {0}")
  @ValueSource(ints = {0, 1, 3, 1_000})
  void memoryPlansWhatTheLogPlans(int capacity) {
    Random random = new Random(20261202L + capacity);
    SimulatedLog fromMemory = new SimulatedLog();
    SimulatedLog fromLog = new SimulatedLog();
    TouchIndex index = new TouchIndex(capacity);
    int plannedFromMemory = 0;
    for (int g = 0; g < GROUPS; g++) {
      List<AppendRequest> group = randomGroup(random, fromLog);

      GroupPlan reference = new GroupPlan(PARTITION, fromLog.nextOffset(), fromLog.lookUp(group));
      List<Outcome> expected = group.stream().map(r -> reference.add(r.ws(), r.batch())).toList();
      fromLog.events.addAll(reference.accepted());

      List<Outcome> actual = null;
      Optional<History> remembered = PlanFromMemory.history(group, index);
      if (remembered.isPresent()) {
        GroupPlan plan = new GroupPlan(PARTITION, fromMemory.nextOffset(), remembered.get());
        List<Outcome> outcomes = group.stream().map(r -> plan.add(r.ws(), r.batch())).toList();
        if (PlanFromMemory.answers(group, outcomes)) {
          Optional<Map<AggregateKey, List<Trigger>>> written = plan.accepted().isEmpty()
              ? Optional.of(Map.of())
              : fromMemory.write(plan.accepted(), PlanFromMemory.checks(group, outcomes, index, true));
          if (written.isPresent()) {
            index.committed(plan.accepted(), written.get());
            actual = outcomes;
            plannedFromMemory++;
          }
        }
      }
      if (actual == null) {
        GroupPlan plan = new GroupPlan(PARTITION, fromMemory.nextOffset(), fromMemory.lookUp(group));
        List<Outcome> outcomes = group.stream().map(r -> plan.add(r.ws(), r.batch())).toList();
        Map<AggregateKey, Long> checks = PlanFromMemory.checks(group, outcomes, index, false);
        if (!plan.accepted().isEmpty()) {
          index.committed(plan.accepted(), fromMemory.write(plan.accepted(), checks).orElseThrow());
        }
        actual = outcomes;
      }

      assertThat(actual).as("group %d: %s", g, group).isEqualTo(expected);
      assertThat(fromMemory.events).as("log after group %d", g).isEqualTo(fromLog.events);
      assertThat(index.size()).isLessThanOrEqualTo(capacity);
    }
    if (capacity > 0) {
      // The test means something only if memory planned most groups.
      assertThat(plannedFromMemory).isGreaterThan(GROUPS / 5);
    }
  }

  private static List<AppendRequest> randomGroup(Random random, SimulatedLog log) {
    List<AppendRequest> group = new ArrayList<>();
    int batches = 1 + random.nextInt(4);
    for (int b = 0; b < batches; b++) {
      String ws = WORKSPACES[random.nextInt(WORKSPACES.length)];
      long end = log.nextOffset() - 1;
      // Mostly fresh bases (what a client that just read gets), sometimes stale or 0.
      long base = switch (random.nextInt(8)) {
        case 0 -> 0;
        case 1 -> Math.max(0, end - random.nextInt(10));
        default -> end;
      };
      Set<Long> resolved = new HashSet<>();
      if (random.nextInt(8) == 0 && end > 0) {
        resolved.add(1 + (long) random.nextInt((int) end));
      }
      List<Event> events = new ArrayList<>();
      int n = 1 + random.nextInt(3);
      boolean ids = random.nextInt(3) == 0;
      for (int i = 0; i < n; i++) {
        String id = ids ? "id-" + random.nextInt(2_000) : null;
        if (random.nextInt(10) == 0) {
          events.add(new Event(id, Instant.EPOCH, "shop", null,
              new Effect("shipped", new Trigger("order", ORDERS[random.nextInt(ORDERS.length)])), List.of(), List.of()));
        } else {
          List<Trigger> triggers = random.nextInt(3) == 0
              ? List.of(new Trigger("order", ORDERS[random.nextInt(ORDERS.length)])) : List.of();
          events.add(new Event(id, Instant.EPOCH, "shop",
              new Action("update", new Actor("user", "u"), new Aggregate("book", BOOKS[random.nextInt(BOOKS.length)]),
                  new Patch(new JsonObject().put("n", random.nextInt(100)), List.of())),
              null, triggers, List.of()));
        }
      }
      group.add(new AppendRequest(ws, new Batch(base, resolved, random.nextInt(20) == 0, events), 0));
    }
    return group;
  }
}
