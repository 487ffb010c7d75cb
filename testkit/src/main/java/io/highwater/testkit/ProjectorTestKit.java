package io.highwater.testkit;

import io.highwater.event.Action;
import io.highwater.event.Actor;
import io.highwater.event.Aggregate;
import io.highwater.event.AggregateKey;
import io.highwater.event.Effect;
import io.highwater.event.Event;
import io.highwater.event.Patch;
import io.highwater.event.StoredEvent;
import io.highwater.event.Trigger;
import io.highwater.projector.Intents;
import io.highwater.projector.ProjectedEvent;
import io.highwater.projector.Projector;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Runs a projector the way the server's actualizers do, in memory, over one workspace: each action
 * folds its patch into its aggregate's state and reaches the projector with the states before and
 * after; a {@code key-expired} effect replays every aggregate linked to its trigger with the values
 * sealed under it left out. The view changes only through the projector's intents, and the kit holds
 * the projector to the runtime's rules, failing with an {@link AssertionError} that names the event:
 *
 * <ul>
 *   <li>it reads, and changes, only keys its {@link Projector#reads} named for the event;
 *   <li>a whole-value projector puts and deletes, a {@link Projector#perMember() per-member} one
 *       joins and leaves;
 *   <li>projected twice from the same view, an event emits the same intents (the runtime may
 *       project an event again after a crash).
 * </ul>
 *
 * <p>Not thread-safe: one kit per test.
 */
public final class ProjectorTestKit {

  private final Projector projector;
  private final String ws;
  private final Map<String, JsonObject> values = new TreeMap<>();
  private final Map<String, TreeSet<String>> members = new TreeMap<>();
  private final Map<Aggregate, JsonObject> states = new HashMap<>();
  private final Map<Aggregate, List<Acted>> histories = new LinkedHashMap<>();
  private final Set<Trigger> expired = new HashSet<>();
  private long offset;

  /** An action as the kit keeps it for replays: its patch, and the trigger its sealed fields were sealed under. */
  private record Acted(Patch patch, Trigger trigger, Set<String> sealed) {}

  private ProjectorTestKit(Projector projector, String ws) {
    this.projector = Objects.requireNonNull(projector, "projector");
    this.ws = ws;
  }

  /** A kit for {@code projector} over the workspace {@code ws-1}. */
  public static ProjectorTestKit of(Projector projector) {
    return new ProjectorTestKit(projector, "ws-1");
  }

  /** A kit for {@code projector} over the workspace {@code ws}. */
  public static ProjectorTestKit of(Projector projector, String ws) {
    return new ProjectorTestKit(projector, ws);
  }

  /** An action on {@code type}/{@code id} that sets the fields of {@code assoc}. */
  public StoredEvent assoc(String type, String id, JsonObject assoc) {
    return act(type, id, new Patch(assoc, List.of()), null, Set.of());
  }

  /** An action on {@code type}/{@code id} that removes {@code fields}. */
  public StoredEvent dissoc(String type, String id, String... fields) {
    return act(type, id, new Patch(new JsonObject(), List.of(fields)), null, Set.of());
  }

  /**
   * An action that sets the fields of {@code assoc}, those named in {@code sealed} sealed under the
   * key of {@code trigger} (an {@code encryption-key} trigger, say): they reach the projector
   * decrypted, until the trigger's key expires.
   */
  public StoredEvent sealed(String type, String id, JsonObject assoc, Trigger trigger, String... sealed) {
    Set<String> fields = Set.of(sealed);
    if (!assoc.fieldNames().containsAll(fields)) {
      throw new IllegalArgumentException("sealed: every sealed field must be in assoc, got " + fields + " for " + assoc.fieldNames());
    }
    return act(type, id, new Patch(assoc, List.of()), Objects.requireNonNull(trigger, "trigger"), fields);
  }

  /**
   * A {@code key-expired} effect on {@code trigger}: every aggregate with an action linked to it is
   * replayed without the values sealed under it; with none, the projector sees the effect alone.
   */
  public StoredEvent expire(Trigger trigger) {
    expired.add(trigger);
    StoredEvent effect = stored(new Event(null, Instant.EPOCH, "testkit", null, new Effect("key-expired", trigger), List.of(), List.of()));
    List<Aggregate> linked = histories.entrySet().stream()
        .filter(e -> e.getValue().stream().anyMatch(a -> trigger.equals(a.trigger())))
        .map(Map.Entry::getKey).toList();
    if (linked.isEmpty()) {
      project(new ProjectedEvent(effect, null, null));
    }
    for (Aggregate aggregate : linked) {
      JsonObject before = states.get(aggregate);
      JsonObject after = new JsonObject();
      Set<String> stillSealed = new HashSet<>();
      for (Acted acted : histories.get(aggregate)) {
        JsonObject assoc = acted.patch().assoc().copy();
        if (acted.trigger() != null && expired.contains(acted.trigger())) {
          acted.sealed().forEach(assoc::remove);
        } else {
          stillSealed.addAll(acted.sealed());
        }
        after = new Patch(assoc, acted.patch().dissoc()).applyTo(after);
      }
      stillSealed.retainAll(after.fieldNames());
      states.put(aggregate, after);
      project(ProjectedEvent.replay(effect, new AggregateKey(ws, aggregate), before, after, stillSealed));
    }
    return effect;
  }

  /** The view's value of {@code key}: a whole value, or a per-member key's {@code {"ids": [...], "count": n}}. */
  public Optional<JsonObject> value(String key) {
    if (projector.perMember()) {
      TreeSet<String> set = members.get(key);
      return set == null ? Optional.empty() : Optional.of(membersValue(set));
    }
    return Optional.ofNullable(values.get(key)).map(JsonObject::copy);
  }

  /** Every key of the view and its value, sorted by key. */
  public Map<String, JsonObject> view() {
    Map<String, JsonObject> view = new TreeMap<>();
    if (projector.perMember()) {
      members.forEach((key, set) -> view.put(key, membersValue(set)));
    } else {
      values.forEach((key, value) -> view.put(key, value.copy()));
    }
    return view;
  }

  /** The state of {@code type}/{@code id} as the events so far made it (null if none touched it). */
  public JsonObject state(String type, String id) {
    JsonObject state = states.get(new Aggregate(type, id));
    return state == null ? null : state.copy();
  }

  // -----------------------------------------------------------------------------------------------

  private StoredEvent act(String type, String id, Patch patch, Trigger trigger, Set<String> sealed) {
    Aggregate aggregate = new Aggregate(type, id);
    JsonObject before = states.get(aggregate);
    JsonObject after = patch.applyTo(before == null ? new JsonObject() : before);
    Action action = new Action("testkit", new Actor("user", "testkit"), aggregate, patch);
    StoredEvent stored = stored(new Event(null, Instant.EPOCH, "testkit", action, null,
        trigger == null ? List.of() : List.of(trigger), List.copyOf(sealed)));
    states.put(aggregate, after);
    histories.computeIfAbsent(aggregate, a -> new ArrayList<>()).add(new Acted(patch, trigger, sealed));
    project(new ProjectedEvent(stored, before == null ? null : before.copy(), after.copy(), sealed));
    return stored;
  }

  private StoredEvent stored(Event event) {
    return new StoredEvent(++offset, 0, ws, event);
  }

  private void project(ProjectedEvent event) {
    Set<String> reads = Set.copyOf(projector.reads(event));
    List<Object> first = once(event, reads);
    List<Object> second = once(event, reads);
    if (!first.equals(second)) {
      throw new AssertionError("offset " + event.stored().offset() + ": projected twice, the event emitted " + first + ", then " + second);
    }
    for (Object intent : first) {
      apply((Intent) intent);
    }
  }

  /** The intents one projection emits, from the view as it is, checked against the rules. */
  private List<Object> once(ProjectedEvent event, Set<String> reads) {
    long at = event.stored().offset();
    List<Object> intents = new ArrayList<>();
    projector.project(event, key -> {
      if (!reads.contains(key)) {
        throw new AssertionError("offset " + at + ": read key '" + key + "', which reads() did not name: " + reads);
      }
      return value(key);
    }, new Intents() {
      @Override
      public void put(String key, JsonObject value) {
        whole("put", key);
        intents.add(new Intent("put", key, value.copy(), null));
      }

      @Override
      public void delete(String key) {
        whole("delete", key);
        intents.add(new Intent("delete", key, null, null));
      }

      @Override
      public void join(String key, String member) {
        perMember("join", key);
        intents.add(new Intent("join", key, null, member));
      }

      @Override
      public void leave(String key, String member) {
        perMember("leave", key);
        intents.add(new Intent("leave", key, null, member));
      }

      private void whole(String what, String key) {
        named(what, key);
        if (projector.perMember()) {
          throw new AssertionError("offset " + at + ": a per-member projector may only join and leave, but it called " + what
              + "('" + key + "')");
        }
      }

      private void perMember(String what, String key) {
        named(what, key);
        if (!projector.perMember()) {
          throw new AssertionError("offset " + at + ": a whole-value projector may only put and delete, but it called " + what
              + "('" + key + "')");
        }
      }

      private void named(String what, String key) {
        if (!reads.contains(key)) {
          throw new AssertionError("offset " + at + ": " + what + "('" + key + "') on a key reads() did not name: " + reads);
        }
      }
    });
    return intents;
  }

  private record Intent(String op, String key, JsonObject value, String member) {}

  private void apply(Intent intent) {
    switch (intent.op()) {
      case "put" -> values.put(intent.key(), intent.value());
      case "delete" -> values.remove(intent.key());
      case "join" -> members.computeIfAbsent(intent.key(), k -> new TreeSet<>()).add(intent.member());
      default -> members.computeIfPresent(intent.key(), (k, set) -> {
        set.remove(intent.member());
        return set;
      });
    }
  }

  private static JsonObject membersValue(TreeSet<String> set) {
    return new JsonObject().put("ids", new JsonArray(new ArrayList<>(set))).put("count", set.size());
  }
}
