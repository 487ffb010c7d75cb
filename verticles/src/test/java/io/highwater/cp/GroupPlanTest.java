package io.highwater.cp;

import static org.assertj.core.api.Assertions.assertThat;

import io.highwater.event.Action;
import io.highwater.event.Actor;
import io.highwater.event.Aggregate;
import io.highwater.event.AggregateKey;
import io.highwater.event.Batch;
import io.highwater.event.BatchParser;
import io.highwater.event.Effect;
import io.highwater.event.Event;
import io.highwater.event.Patch;
import io.highwater.event.StoredEvent;
import io.highwater.event.Trigger;
import io.highwater.keys.TriggerKey;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * {@link GroupPlan} with {@link History} and {@link Outcome}: the conflict rule as the
 * wire contract (API.md, "Append") states it. An action conflicts with a stored event whose offset
 * is > baseOffset and not resolved, when that event is an action on the same aggregate, or an
 * effect whose trigger is linked to an action on that aggregate.
 */
class GroupPlanTest {

  private static final String WS = "shop-1";
  private static final String OTHER_WS = "shop-2";
  private static final int PARTITION = 2;
  private static final Instant T0 = Instant.parse("2026-11-24T07:00:00Z");
  private static final Trigger KEY_1 = new Trigger("encryption-key", "1");
  private static final Trigger KEY_2 = new Trigger("encryption-key", "2");

  // ---- building events and batches ----

  private static Event action(String id, String type, String aggregateId, JsonObject assoc, Trigger... triggers) {
    return new Event(id, T0, "bookstore",
        new Action("create", new Actor("user", "alice"), new Aggregate(type, aggregateId), new Patch(assoc, List.of())),
        null, List.of(triggers), List.of());
  }

  private static Event book(String title, Trigger... triggers) {
    return action(null, "book", title, new JsonObject().put("author", "William Gibson"), triggers);
  }

  private static Event book(String id, String title) {
    return action(id, "book", title, new JsonObject().put("author", "William Gibson"));
  }

  private static Event effect(String id, Trigger trigger) {
    return new Event(id, T0, "keystore", null, new Effect(Effect.KEY_EXPIRED, trigger), List.of(), List.of());
  }

  private static Event effect(Trigger trigger) {
    return effect(null, trigger);
  }

  private static Batch batch(long base, Event... events) {
    return new Batch(base, Set.of(), false, List.of(events));
  }

  private static Batch resolving(long base, Set<Long> resolved, Event... events) {
    return new Batch(base, resolved, false, List.of(events));
  }

  private static Batch dry(long base, Event... events) {
    return new Batch(base, Set.of(), true, List.of(events));
  }

  private static StoredEvent stored(long offset, String ws, Event event) {
    return new StoredEvent(offset, PARTITION, ws, event);
  }

  private static StoredEvent stored(long offset, Event event) {
    return stored(offset, WS, event);
  }

  private static AggregateKey key(String ws, String type, String id) {
    return new AggregateKey(ws, new Aggregate(type, id));
  }

  private static AggregateKey bookKey(String title) {
    return key(WS, "book", title);
  }

  /** The would-be stored events: {@code events} from {@code first} on, consecutively. */
  private static List<StoredEvent> storedFrom(long first, String ws, Event... events) {
    List<StoredEvent> out = new ArrayList<>();
    for (int i = 0; i < events.length; i++) {
      out.add(new StoredEvent(first + i, PARTITION, ws, events[i]));
    }
    return out;
  }

  private static List<Long> offsets(List<StoredEvent> events) {
    return events.stream().map(StoredEvent::offset).toList();
  }

  private static Outcome.Appended appended(Outcome outcome) {
    assertThat(outcome).isInstanceOf(Outcome.Appended.class);
    return (Outcome.Appended) outcome;
  }

  private static Outcome.Conflicted conflicted(Outcome outcome) {
    assertThat(outcome).isInstanceOf(Outcome.Conflicted.class);
    return (Outcome.Conflicted) outcome;
  }

  private static History history() {
    return new History();
  }

  @Test
  void anEffectOnATriggerNoActionLinksIsStoredAndReplaysNothing() {
    Event effect = new Event(null, Instant.EPOCH, "keystore", null,
        new Effect("key-expired", new Trigger("encryption-key", "404")), List.of(), List.of());
    GroupPlan plan = new GroupPlan(PARTITION, 1, history());
    Outcome outcome = plan.add(WS, new Batch(0, java.util.Set.of(), false, List.of(effect)));
    assertThat(appended(outcome).events()).containsExactly(new StoredEvent(1, PARTITION, WS, effect));
    assertThat(plan.accepted()).containsExactly(new StoredEvent(1, PARTITION, WS, effect));
  }

  /**
   * What PostgreSQL answers for a group (as CommandProcessorVerticle feeds it): for each aggregate
   * of the batches, its stored actions after {@code base} and the stored effects after {@code base}
   * whose trigger is linked (by any stored action) to it ({@code addStoredTouch}), its stored trigger
   * links ({@code link}), and every stored id ({@code addStoredId}).
   */
  private static History load(List<StoredEvent> log, long base, Batch... batches) {
    History history = history();
    for (Batch b : batches) {
      for (Event e : b.events()) {
        if (!e.isAction()) {
          continue;
        }
        AggregateKey aggregate = new AggregateKey(WS, e.action().aggregate());
        Set<Trigger> links = new java.util.HashSet<>();
        for (StoredEvent s : log) {
          if (s.event().isAction() && new AggregateKey(s.ws(), s.event().action().aggregate()).equals(aggregate)) {
            links.addAll(s.event().triggers());
            s.event().triggers().forEach(t -> history.link(aggregate, t));
            if (s.offset() > base) {
              history.addStoredTouch(aggregate, s);
            }
          }
        }
        for (StoredEvent s : log) {
          if (!s.event().isAction() && s.ws().equals(WS) && s.offset() > base
              && links.contains(s.event().effect().trigger())) {
            history.addStoredTouch(aggregate, s);
          }
        }
      }
    }
    log.stream().filter(s -> s.event().id() != null).forEach(history::addStoredId);
    return history;
  }

  // ---- coherence's walkthrough ----

  @Nested
  class Walkthrough {

    private final Event neuromancer = action(null, "book", "Neuromancer",
        new JsonObject().put("author", "William Gibson").put("genre", "SciFi"));
    private final Event countZero = action(null, "book", "Count Zero",
        new JsonObject().put("author", "William Gibson").put("genre", "Cyberpunk"));
    private final Event monaLisa = action(null, "book", "Mona Lisa Overdrive",
        new JsonObject().put("author", "William Gibson").put("genre", "Cyberpunk"));
    private final Event neuromancerByBob = action(null, "book", "Neuromancer",
        new JsonObject().put("author", "William Gibson").put("genre", "Cyberpunk"));
    private final Event neuromancerUpdate = action(null, "book", "Neuromancer",
        new JsonObject().put("genre", "Cyberpunk"));

    /** Alice's group, committed: the log afterwards. */
    private List<StoredEvent> aliceStores() {
      Batch alice = batch(0, neuromancer, countZero);
      GroupPlan plan = new GroupPlan(PARTITION, 1, load(List.of(), 0, alice));
      Outcome outcome = plan.add(WS, alice);
      assertThat(outcome).isEqualTo(new Outcome.Appended(storedFrom(1, WS, neuromancer, countZero), false));
      assertThat(plan.accepted()).isEqualTo(storedFrom(1, WS, neuromancer, countZero));
      assertThat(plan.nextOffset()).isEqualTo(3);
      return List.copyOf(plan.accepted());
    }

    @Test
    void aliceTwoBooksTakeOffsetsOneAndTwo() {
      List<StoredEvent> log = aliceStores();
      assertThat(offsets(log)).containsExactly(1L, 2L);
      assertThat(log).allSatisfy(e -> {
        assertThat(e.partition()).isEqualTo(PARTITION);
        assertThat(e.ws()).isEqualTo(WS);
      });
    }

    /**
     * In API.md's terms (baseOffset is the newest offset seen, conflicts are offsets > baseOffset)
     * Bob had seen nothing: base 0.
     */
    @Test
    void bobConflictsWithAlicesNeuromancer() {
      List<StoredEvent> log = aliceStores();
      Batch bob = batch(0, monaLisa, neuromancerByBob);
      GroupPlan plan = new GroupPlan(PARTITION, 3, load(log, 0, bob));

      Outcome.Conflicted c = conflicted(plan.add(WS, bob));

      assertThat(c.ahead()).containsExactly(stored(3, monaLisa));
      assertThat(c.ours()).isEqualTo(stored(4, neuromancerByBob));
      assertThat(c.theirs()).isEqualTo(log.get(0));
      assertThat(c.theirs().offset()).isEqualTo(1);
      assertThat(c.unresolved()).containsExactly(1L);
      assertThat(plan.accepted()).isEmpty();
      assertThat(plan.nextOffset()).isEqualTo(3);
    }

    @Test
    void bobResolvesOffsetOneAndGetsThreeAndFour() {
      List<StoredEvent> log = aliceStores();
      Batch bob = resolving(0, Set.of(1L), monaLisa, neuromancerUpdate);
      GroupPlan plan = new GroupPlan(PARTITION, 3, load(log, 0, bob));

      Outcome outcome = plan.add(WS, bob);

      assertThat(outcome).isEqualTo(new Outcome.Appended(storedFrom(3, WS, monaLisa, neuromancerUpdate), false));
      assertThat(offsets(plan.accepted())).containsExactly(3L, 4L);
      assertThat(plan.nextOffset()).isEqualTo(5);
    }

    /**
     * The brief's "Bob at base 1 conflicts with offset 1" is coherence's numbering; by API.md a
     * caller who had seen offset 1 does not conflict with it.
     */
    @Test
    void bobHavingSeenOffsetOneDoesNotConflictWithIt() {
      List<StoredEvent> log = aliceStores();
      Batch bob = batch(1, monaLisa, neuromancerByBob);
      History history = load(log, 1, bob);
      // Even if the storage query were generous and answered offset 1 too, it is not after the base.
      history.addStoredTouch(bookKey("Neuromancer"), log.get(0));
      GroupPlan plan = new GroupPlan(PARTITION, 3, history);

      assertThat(plan.add(WS, bob)).isEqualTo(new Outcome.Appended(storedFrom(3, WS, monaLisa, neuromancerByBob), false));
    }

    @Test
    void walkthroughInOneGroup() {
      // The three calls as one group: Alice's events are then "accepted earlier in the same group".
      Batch alice = batch(0, neuromancer, countZero);
      Batch bob = batch(0, monaLisa, neuromancerByBob);
      Batch bobAgain = resolving(0, Set.of(1L), monaLisa, neuromancerUpdate);
      GroupPlan plan = new GroupPlan(PARTITION, 1, history());

      assertThat(offsets(appended(plan.add(WS, alice)).events())).containsExactly(1L, 2L);
      Outcome.Conflicted c = conflicted(plan.add(WS, bob));
      assertThat(c).isEqualTo(new Outcome.Conflicted(
          List.of(stored(3, monaLisa)), stored(4, neuromancerByBob), stored(1, neuromancer), List.of(1L)));
      assertThat(plan.add(WS, bobAgain))
          .isEqualTo(new Outcome.Appended(storedFrom(3, WS, monaLisa, neuromancerUpdate), false));
      assertThat(plan.accepted()).isEqualTo(storedFrom(1, WS, neuromancer, countZero, monaLisa, neuromancerUpdate));
      assertThat(plan.nextOffset()).isEqualTo(5);
    }

    @Test
    void walkthroughFromJsonBodies() {
      BatchParser parser = new BatchParser(1000, Clock.fixed(T0, ZoneOffset.UTC));
      Batch alice = parser.parse(new JsonObject("""
          {"baseOffset": 0, "events": [
            {"source": "bookstore", "action": {"reason": "create", "actor": ["user", "alice"],
              "aggregate": ["book", "Neuromancer"], "patch": {"assoc": {"author": "William Gibson", "genre": "SciFi"}}}},
            {"source": "bookstore", "action": {"reason": "create", "actor": ["user", "alice"],
              "aggregate": ["book", "Count Zero"], "patch": {"assoc": {"author": "William Gibson", "genre": "Cyberpunk"}}}}]}
          """));
      String bobEvents = """
          [{"source": "bookstore", "action": {"reason": "create", "actor": ["user", "bob"],
              "aggregate": ["book", "Mona Lisa Overdrive"], "patch": {"assoc": {"author": "William Gibson", "genre": "Cyberpunk"}}}},
           {"source": "bookstore", "action": {"reason": "update", "actor": ["user", "bob"],
              "aggregate": ["book", "Neuromancer"], "patch": {"assoc": {"genre": "Cyberpunk"}}}}]
          """;
      Batch bob = parser.parse(new JsonObject("{\"baseOffset\": 0, \"events\": " + bobEvents + "}"));
      Batch bobAgain = parser.parse(new JsonObject("{\"baseOffset\": 0, \"resolved\": [1], \"events\": " + bobEvents + "}"));

      GroupPlan first = new GroupPlan(PARTITION, 1, history());
      first.add(WS, alice);
      List<StoredEvent> log = List.copyOf(first.accepted());
      assertThat(offsets(log)).containsExactly(1L, 2L);

      Outcome.Conflicted c = conflicted(new GroupPlan(PARTITION, 3, load(log, 0, bob)).add(WS, bob));
      assertThat(offsets(c.ahead())).containsExactly(3L);
      assertThat(c.ahead().get(0).event().action().aggregate()).isEqualTo(new Aggregate("book", "Mona Lisa Overdrive"));
      assertThat(c.ours().offset()).isEqualTo(4);
      assertThat(c.ours().event().action().aggregate()).isEqualTo(new Aggregate("book", "Neuromancer"));
      assertThat(c.theirs()).isEqualTo(log.get(0));
      assertThat(c.unresolved()).containsExactly(1L);

      Outcome.Appended ok = appended(new GroupPlan(PARTITION, 3, load(log, 0, bobAgain)).add(WS, bobAgain));
      assertThat(offsets(ok.events())).containsExactly(3L, 4L);
      assertThat(ok.dry()).isFalse();
    }
  }

  // ---- conflicts ----

  @Nested
  class Conflicts {

    @Test
    void withAnEventAcceptedEarlierInTheSameGroup() {
      GroupPlan plan = new GroupPlan(PARTITION, 1, history());
      Event first = book("Neuromancer");
      Event second = book("Neuromancer");

      assertThat(plan.add(WS, batch(0, first))).isEqualTo(new Outcome.Appended(List.of(stored(1, first)), false));
      assertThat(plan.add(WS, batch(0, second)))
          .isEqualTo(new Outcome.Conflicted(List.of(), stored(2, second), stored(1, first), List.of(1L)));
      // The caller that had seen offset 1 does not conflict.
      assertThat(plan.add(WS, batch(1, second))).isEqualTo(new Outcome.Appended(List.of(stored(2, second)), false));
      assertThat(plan.accepted()).containsExactly(stored(1, first), stored(2, second));
    }

    @Test
    void withAStoredActionAfterTheBaseOnly() {
      Event theirs = book("Neuromancer");
      History history = history();
      history.addStoredTouch(bookKey("Neuromancer"), stored(5, theirs));
      GroupPlan plan = new GroupPlan(PARTITION, 6, history);
      Event ours = book("Neuromancer");

      assertThat(plan.add(WS, batch(4, ours)))
          .isEqualTo(new Outcome.Conflicted(List.of(), stored(6, ours), stored(5, theirs), List.of(5L)));
      assertThat(plan.add(WS, batch(5, ours))).isEqualTo(new Outcome.Appended(List.of(stored(6, ours)), false));
    }

    @Test
    void unresolvedListsEveryConflictingOffsetOldestFirst() {
      Event a3 = book("A");
      Event e4 = effect(KEY_1);
      Event a5 = book("A");
      Event a7 = book("A");
      Event b6 = book("B");
      History history = history();
      // fed out of order, as a query might answer
      history.addStoredTouch(bookKey("A"), stored(7, a7));
      history.addStoredTouch(bookKey("A"), stored(3, a3));
      history.addStoredTouch(bookKey("A"), stored(5, a5));
      history.addStoredTouch(bookKey("A"), stored(4, e4));
      history.addStoredTouch(bookKey("B"), stored(6, b6));
      GroupPlan plan = new GroupPlan(PARTITION, 8, history);
      Event ours = book("A");

      Outcome.Conflicted c = conflicted(plan.add(WS, batch(2, ours)));
      assertThat(c.unresolved()).containsExactly(3L, 4L, 5L, 7L);
      assertThat(c.theirs()).isEqualTo(stored(3, a3));
      assertThat(c.ours()).isEqualTo(stored(8, ours));

      Outcome.Conflicted later = conflicted(plan.add(WS, batch(4, ours)));
      assertThat(later.unresolved()).containsExactly(5L, 7L);
      assertThat(later.theirs()).isEqualTo(stored(5, a5));
    }

    @Test
    void storedAndInGroupConflictsAreListedTogetherOldestFirst() {
      Event a2 = book("A");
      History history = history();
      history.addStoredTouch(bookKey("A"), stored(2, a2));
      GroupPlan plan = new GroupPlan(PARTITION, 3, history);
      Event a3 = book("A");
      assertThat(plan.add(WS, batch(2, a3))).isInstanceOf(Outcome.Appended.class);

      Outcome.Conflicted c = conflicted(plan.add(WS, batch(1, book("A"))));
      assertThat(c.unresolved()).containsExactly(2L, 3L);
      assertThat(c.theirs()).isEqualTo(stored(2, a2));
      assertThat(c.ours().offset()).isEqualTo(4);
    }

    @Test
    void resolvingOneOfTwoStillConflictsWithTheOther() {
      Event a3 = book("A");
      Event a5 = book("A");
      History history = history();
      history.addStoredTouch(bookKey("A"), stored(3, a3));
      history.addStoredTouch(bookKey("A"), stored(5, a5));
      GroupPlan plan = new GroupPlan(PARTITION, 6, history);
      Event ours = book("A");

      assertThat(plan.add(WS, resolving(2, Set.of(3L), ours)))
          .isEqualTo(new Outcome.Conflicted(List.of(), stored(6, ours), stored(5, a5), List.of(5L)));
      assertThat(plan.add(WS, resolving(2, Set.of(5L), ours)))
          .isEqualTo(new Outcome.Conflicted(List.of(), stored(6, ours), stored(3, a3), List.of(3L)));
      // an offset that conflicts with nothing does not help either
      assertThat(plan.add(WS, resolving(2, Set.of(4L), ours)))
          .isEqualTo(new Outcome.Conflicted(List.of(), stored(6, ours), stored(3, a3), List.of(3L, 5L)));
      assertThat(plan.add(WS, resolving(2, Set.of(3L, 5L), ours)))
          .isEqualTo(new Outcome.Appended(List.of(stored(6, ours)), false));
    }

    @Test
    void effectsInABatchNeverConflict() {
      History history = history();
      Event linked = book("A", KEY_1);
      history.addStoredTouch(bookKey("A"), stored(2, linked));
      history.addStoredTouch(bookKey("A"), stored(3, effect(KEY_1)));
      GroupPlan plan = new GroupPlan(PARTITION, 4, history);

      Event e1 = effect(KEY_1);
      Event e2 = effect(KEY_1);
      assertThat(plan.add(WS, batch(0, e1))).isEqualTo(new Outcome.Appended(List.of(stored(4, e1)), false));
      // not even with the effect just accepted in the group on the same trigger
      assertThat(plan.add(WS, batch(0, e2, effect(KEY_2))))
          .isEqualTo(new Outcome.Appended(storedFrom(5, WS, e2, effect(KEY_2)), false));
      assertThat(plan.nextOffset()).isEqualTo(7);
    }

    @Test
    void anActionConflictsWithAStoredEffectLinkedToIt() {
      Event effect = effect(KEY_1);
      History history = history();
      // PostgreSQL answers the effect because its trigger is linked to an action on book/A
      history.addStoredTouch(bookKey("A"), stored(4, effect));
      GroupPlan plan = new GroupPlan(PARTITION, 5, history);
      Event ours = book("A");

      assertThat(plan.add(WS, batch(3, ours)))
          .isEqualTo(new Outcome.Conflicted(List.of(), stored(5, ours), stored(4, effect), List.of(4L)));
      assertThat(plan.add(WS, batch(4, ours))).isEqualTo(new Outcome.Appended(List.of(stored(5, ours)), false));
      // an aggregate with no link to that trigger
      assertThat(plan.add(WS, batch(0, book("B")))).isInstanceOf(Outcome.Appended.class);
    }

    @Test
    void anActionConflictsWithAnInGroupEffectLinkedByAnInGroupAction() {
      GroupPlan plan = new GroupPlan(PARTITION, 1, history());
      Event linked = book("A", KEY_1);
      Event expiry = effect(KEY_1);

      assertThat(plan.add(WS, batch(0, linked))).isInstanceOf(Outcome.Appended.class);
      assertThat(plan.add(WS, batch(1, expiry))).isInstanceOf(Outcome.Appended.class);

      Event ours = book("A");
      assertThat(plan.add(WS, batch(1, ours)))
          .isEqualTo(new Outcome.Conflicted(List.of(), stored(3, ours), stored(2, expiry), List.of(2L)));
      assertThat(plan.add(WS, batch(0, ours)))
          .isEqualTo(new Outcome.Conflicted(List.of(), stored(3, ours), stored(1, linked), List.of(1L, 2L)));
      assertThat(plan.add(WS, resolving(0, Set.of(1L), ours)))
          .isEqualTo(new Outcome.Conflicted(List.of(), stored(3, ours), stored(2, expiry), List.of(2L)));
      // book/B carries no link to encryption-key/1
      assertThat(plan.add(WS, batch(0, book("B")))).isInstanceOf(Outcome.Appended.class);
      assertThat(plan.add(WS, resolving(0, Set.of(1L, 2L), ours)).getClass()).isEqualTo(Outcome.Appended.class);
    }

    @Test
    void anInGroupEffectConflictsWhenAnExplicitLinkIsKnown() {
      History history = history();
      history.link(bookKey("A"), KEY_1);
      GroupPlan plan = new GroupPlan(PARTITION, 2, history);
      Event expiry = effect(KEY_1);
      assertThat(plan.add(WS, batch(1, expiry))).isInstanceOf(Outcome.Appended.class);

      Event ours = book("A");
      assertThat(plan.add(WS, batch(1, ours)))
          .isEqualTo(new Outcome.Conflicted(List.of(), stored(3, ours), stored(2, expiry), List.of(2L)));
    }

    /**
     * A stored action on book/A (offset 1) carries trigger encryption-key/1; an effect on that trigger
     * is accepted earlier in the group (offset 2). A later action on book/A based at 0 that resolves
     * offset 1 must still conflict with offset 2. addStoredTouch records the stored action but not its
     * links: they come through link(), as CommandProcessorVerticle feeds them (EventLog.links).
     */
    @Test
    void anActionConflictsWithAnInGroupEffectLinkedByAStoredAction() {
      Event linked = book("A", KEY_1);
      History history = history();
      history.addStoredTouch(bookKey("A"), stored(1, linked));
      history.link(bookKey("A"), KEY_1);
      GroupPlan plan = new GroupPlan(PARTITION, 2, history);
      Event expiry = effect(KEY_1);
      assertThat(plan.add(WS, batch(1, expiry))).isEqualTo(new Outcome.Appended(List.of(stored(2, expiry)), false));

      Event ours = book("A");
      assertThat(plan.add(WS, resolving(0, Set.of(1L), ours)))
          .isEqualTo(new Outcome.Conflicted(List.of(), stored(3, ours), stored(2, expiry), List.of(2L)));
      // a link from an action at or before the base counts as well
      assertThat(plan.add(WS, batch(1, ours)))
          .isEqualTo(new Outcome.Conflicted(List.of(), stored(3, ours), stored(2, expiry), List.of(2L)));
    }

    @Test
    void actionsOnOtherAggregatesDoNotConflict() {
      History history = history();
      history.addStoredTouch(bookKey("B"), stored(1, book("B")));
      history.addStoredTouch(key(WS, "author", "A"), stored(2, action(null, "author", "A", new JsonObject())));
      GroupPlan plan = new GroupPlan(PARTITION, 3, history);
      assertThat(plan.add(WS, batch(0, action(null, "magazine", "B", new JsonObject())))).isInstanceOf(Outcome.Appended.class);

      Event ours = book("A");
      assertThat(plan.add(WS, batch(0, ours))).isEqualTo(new Outcome.Appended(List.of(stored(4, ours)), false));
    }

    @Test
    void actionsAndEffectsInOtherWorkspacesDoNotConflict() {
      History history = history();
      history.addStoredTouch(key(OTHER_WS, "book", "A"), stored(1, OTHER_WS, book("A")));
      GroupPlan plan = new GroupPlan(PARTITION, 2, history);

      // in-group, other workspace: an action on book/A linked to encryption-key/1, then that key's effect
      assertThat(plan.add(OTHER_WS, batch(1, book("A", KEY_1)))).isInstanceOf(Outcome.Appended.class);
      assertThat(plan.add(OTHER_WS, batch(2, effect(KEY_1)))).isInstanceOf(Outcome.Appended.class);
      // in our workspace book/A is linked to the same trigger, but that effect was in the other workspace
      assertThat(plan.add(WS, batch(3, book("A", KEY_1)))).isInstanceOf(Outcome.Appended.class);

      // based at 0, only our own workspace's action at 4 (resolved) touches book/A
      Event ours = book("A");
      assertThat(plan.add(WS, resolving(0, Set.of(4L), ours))).isEqualTo(new Outcome.Appended(List.of(stored(5, ours)), false));
      // ... whereas in the other workspace it does conflict
      Outcome.Conflicted c = conflicted(plan.add(OTHER_WS, batch(0, book("A"))));
      assertThat(c.unresolved()).containsExactly(1L, 2L, 3L);
      assertThat(c.ours().ws()).isEqualTo(OTHER_WS);
    }
  }

  // ---- offsets ----

  @Nested
  class Offsets {

    @Test
    void baseBeyondTheLastOffsetIsInvalidAndNamesTheNextOffset() {
      GroupPlan plan = new GroupPlan(PARTITION, 5, history());
      assertThat(plan.add(WS, batch(5, book("A")))).isEqualTo(new Outcome.InvalidOffset(5));
      assertThat(plan.add(WS, batch(Long.MAX_VALUE, book("A")))).isEqualTo(new Outcome.InvalidOffset(5));
      assertThat(plan.accepted()).isEmpty();
      assertThat(plan.nextOffset()).isEqualTo(5);

      assertThat(plan.add(WS, batch(4, book("A"), book("B")))).isInstanceOf(Outcome.Appended.class);
      // offsets accepted earlier in the group count as the log's
      assertThat(plan.add(WS, batch(6, book("C")))).isInstanceOf(Outcome.Appended.class);
      assertThat(plan.add(WS, batch(8, book("D")))).isEqualTo(new Outcome.InvalidOffset(8));
      assertThat(offsets(plan.accepted())).containsExactly(5L, 6L, 7L);
    }

    @Test
    void onAnEmptyLogOnlyBaseZeroIsValid() {
      GroupPlan plan = new GroupPlan(PARTITION, 1, history());
      assertThat(plan.add(WS, batch(1, effect(KEY_1)))).isEqualTo(new Outcome.InvalidOffset(1));
      Event e = effect(KEY_1);
      assertThat(plan.add(WS, batch(0, e))).isEqualTo(new Outcome.Appended(List.of(stored(1, e)), false));
    }

    @Test
    void dryBatchesGetOffsetsButDoNotAdvanceNorBecomeVisible() {
      GroupPlan plan = new GroupPlan(PARTITION, 1, history());
      Event a = book("A", KEY_1);
      Event b = book("B");

      assertThat(plan.add(WS, dry(0, a, b))).isEqualTo(new Outcome.Appended(storedFrom(1, WS, a, b), true));
      assertThat(plan.nextOffset()).isEqualTo(1);
      assertThat(plan.accepted()).isEmpty();
      // the dry events are not in the log: base 1 is beyond it ...
      assertThat(plan.add(WS, batch(1, book("C")))).isEqualTo(new Outcome.InvalidOffset(1));
      // ... and nothing conflicts with them
      Event a2 = book("A");
      assertThat(plan.add(WS, batch(0, a2))).isEqualTo(new Outcome.Appended(List.of(stored(1, a2)), false));
      assertThat(plan.add(WS, dry(1, effect(KEY_1)))).isInstanceOf(Outcome.Appended.class);
      Event a3 = book("A");
      assertThat(plan.add(WS, batch(1, a3))).isEqualTo(new Outcome.Appended(List.of(stored(2, a3)), false));
      assertThat(plan.accepted()).containsExactly(stored(1, a2), stored(2, a3));
      assertThat(plan.nextOffset()).isEqualTo(3);
    }

    @Test
    void dryBatchesStillConflictAndStillAnswerInvalidOffset() {
      GroupPlan plan = new GroupPlan(PARTITION, 1, history());
      Event a = book("A");
      plan.add(WS, batch(0, a));
      Event b = book("B");
      Event ours = book("A");
      assertThat(plan.add(WS, dry(0, b, ours)))
          .isEqualTo(new Outcome.Conflicted(List.of(stored(2, b)), stored(3, ours), stored(1, a), List.of(1L)));
      assertThat(plan.add(WS, dry(2, b))).isEqualTo(new Outcome.InvalidOffset(2));
      assertThat(plan.accepted()).containsExactly(stored(1, a));
    }

    @Test
    void aBatchIsAtomicAConflictInItsLastEventStoresNothing() {
      Event theirs = book("C");
      History history = history();
      history.addStoredTouch(bookKey("C"), stored(1, theirs));
      GroupPlan plan = new GroupPlan(PARTITION, 2, history);
      Event a = book("A");
      Event b = book("B");
      Event c = book("C");

      Outcome outcome = plan.add(WS, batch(0, a, b, c));

      assertThat(outcome).isEqualTo(new Outcome.Conflicted(storedFrom(2, WS, a, b), stored(4, c), stored(1, theirs), List.of(1L)));
      assertThat(plan.accepted()).isEmpty();
      assertThat(plan.nextOffset()).isEqualTo(2);
      // the events ahead of the conflict are not visible to later batches either
      Event a2 = book("A");
      assertThat(plan.add(WS, batch(0, a2))).isEqualTo(new Outcome.Appended(List.of(stored(2, a2)), false));
    }

    @Test
    void offsetsAreGaplessAndConsecutiveAcrossBatches() {
      History history = history();
      history.addStoredTouch(bookKey("X"), stored(9, book("X")));
      GroupPlan plan = new GroupPlan(PARTITION, 10, history);
      List<Event> expected = new ArrayList<>();

      Event[] first = {book("A"), book("B")};
      assertThat(plan.add(WS, batch(9, first))).isEqualTo(new Outcome.Appended(storedFrom(10, WS, first), false));
      expected.addAll(Arrays.asList(first));
      assertThat(plan.add(WS, batch(0, book("C"), book("X")))).isInstanceOf(Outcome.Conflicted.class);
      assertThat(plan.add(WS, dry(0, book("D")))).isInstanceOf(Outcome.Appended.class);
      assertThat(plan.add(WS, batch(99, book("E")))).isInstanceOf(Outcome.InvalidOffset.class);
      Event[] second = {effect(KEY_1)};
      assertThat(plan.add(OTHER_WS, batch(0, second))).isEqualTo(new Outcome.Appended(storedFrom(12, OTHER_WS, second), false));
      expected.addAll(Arrays.asList(second));
      Event[] third = {book("F"), book("G"), effect(KEY_2)};
      assertThat(plan.add(WS, batch(12, third))).isEqualTo(new Outcome.Appended(storedFrom(13, WS, third), false));
      expected.addAll(Arrays.asList(third));

      assertThat(offsets(plan.accepted())).isEqualTo(LongStream.rangeClosed(10, 15).boxed().toList());
      assertThat(plan.accepted().stream().map(StoredEvent::event).toList()).isEqualTo(expected);
      assertThat(plan.accepted()).allSatisfy(e -> assertThat(e.partition()).isEqualTo(PARTITION));
      assertThat(plan.accepted().stream().map(StoredEvent::ws).toList())
          .containsExactly(WS, WS, OTHER_WS, WS, WS, WS);
      assertThat(plan.nextOffset()).isEqualTo(16);
    }
  }

  // ---- idempotent ids ----

  @Nested
  class Ids {

    @Test
    void aBatchWhoseIdsAreAllStoredIsRepeatedWithTheStoredEvents() {
      StoredEvent s4 = stored(4, book("a", "A"));
      StoredEvent s5 = stored(5, effect("b", KEY_1));
      History history = history();
      history.addStoredId(s4);
      history.addStoredId(s5);
      GroupPlan plan = new GroupPlan(PARTITION, 6, history);

      // the retry may differ in content: the stored events answer
      assertThat(plan.add(WS, batch(3, book("a", "Other"), effect("b", KEY_2))))
          .isEqualTo(new Outcome.Repeated(List.of(s4, s5)));
      Outcome reversed = plan.add(WS, batch(3, effect("b", KEY_1), book("a", "A")));
      assertThat(reversed).isInstanceOf(Outcome.Repeated.class);
      assertThat(((Outcome.Repeated) reversed).events()).containsExactlyInAnyOrder(s4, s5);
      assertThat(plan.accepted()).isEmpty();
      assertThat(plan.nextOffset()).isEqualTo(6);
    }

    @Test
    void aRetriedBatchIsRepeatedRatherThanConflictingWithItself() {
      StoredEvent s1 = stored(1, book("a", "A"));
      History history = history();
      history.addStoredTouch(bookKey("A"), s1);
      history.addStoredId(s1);
      GroupPlan plan = new GroupPlan(PARTITION, 2, history);

      assertThat(plan.add(WS, batch(0, book("a", "A")))).isEqualTo(new Outcome.Repeated(List.of(s1)));
    }

    @Test
    void aBatchMixingStoredAndNewIdsIsRejectedNamingTheFirstNewEvent() {
      StoredEvent s4 = stored(4, book("a", "A"));
      History history = history();
      history.addStoredId(s4);
      GroupPlan plan = new GroupPlan(PARTITION, 5, history);

      Outcome outcome = plan.add(WS, batch(0, book("a", "A"), book("c", "C")));
      assertThat(outcome).isInstanceOf(Outcome.Rejected.class);
      assertThat(((Outcome.Rejected) outcome).field()).isEqualTo("events[1].id");

      assertThat(((Outcome.Rejected) plan.add(WS, batch(0, book("c", "C"), book("d", "D"), book("a", "A")))).field())
          .isEqualTo("events[0].id");
      // an event without id is a new one too
      assertThat(((Outcome.Rejected) plan.add(WS, batch(0, book("a", "A"), book("B")))).field())
          .isEqualTo("events[1].id");
      assertThat(plan.accepted()).isEmpty();
      assertThat(plan.nextOffset()).isEqualTo(5);
    }

    @Test
    void idsNotStoredAreNew() {
      History history = history();
      history.addStoredId(stored(1, book("a", "A")));
      GroupPlan plan = new GroupPlan(PARTITION, 2, history);
      Event c = book("c", "C");
      Event plain = book("D");
      assertThat(plan.add(WS, batch(1, c, plain))).isEqualTo(new Outcome.Appended(storedFrom(2, WS, c, plain), false));
    }

    @Test
    void idsAcceptedEarlierInTheGroupCountAsStored() {
      GroupPlan plan = new GroupPlan(PARTITION, 1, history());
      Event x = book("x", "X");
      Event y = effect("y", KEY_1);
      assertThat(plan.add(WS, batch(0, x, y))).isEqualTo(new Outcome.Appended(storedFrom(1, WS, x, y), false));

      assertThat(plan.add(WS, batch(0, book("x", "X"), effect("y", KEY_1))))
          .isEqualTo(new Outcome.Repeated(List.of(stored(1, x), stored(2, y))));
      assertThat(plan.add(WS, batch(0, effect("y", KEY_1)))).isEqualTo(new Outcome.Repeated(List.of(stored(2, y))));
      Outcome mixed = plan.add(WS, batch(0, book("x", "X"), book("z", "Z")));
      assertThat(mixed).isInstanceOf(Outcome.Rejected.class);
      assertThat(((Outcome.Rejected) mixed).field()).isEqualTo("events[1].id");
      assertThat(plan.accepted()).containsExactly(stored(1, x), stored(2, y));
      assertThat(plan.nextOffset()).isEqualTo(3);
    }

    @Test
    void idsOfDryOrConflictedBatchesAreNotStored() {
      History history = history();
      StoredEvent theirs = stored(1, book("B"));
      history.addStoredTouch(bookKey("B"), theirs);
      GroupPlan plan = new GroupPlan(PARTITION, 2, history);

      assertThat(plan.add(WS, dry(1, book("x", "X")))).isInstanceOf(Outcome.Appended.class);
      assertThat(plan.add(WS, batch(0, book("y", "Y"), book("z", "B")))).isInstanceOf(Outcome.Conflicted.class);

      Event x = book("x", "X");
      Event y = book("y", "Y");
      assertThat(plan.add(WS, batch(1, x, y))).isEqualTo(new Outcome.Appended(storedFrom(2, WS, x, y), false));
    }
  }
}
