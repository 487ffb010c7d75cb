package io.highwater.projector.builtin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.highwater.actualizer.ViewApplier;
import io.highwater.event.Action;
import io.highwater.event.Actor;
import io.highwater.event.Aggregate;
import io.highwater.event.Effect;
import io.highwater.event.Event;
import io.highwater.event.Patch;
import io.highwater.event.StoredEvent;
import io.highwater.event.Trigger;
import io.highwater.projector.Intents;
import io.highwater.projector.ProjectedEvent;
import io.highwater.projector.Projector;
import io.highwater.projector.ViewReader;
import io.highwater.storage.Members;
import io.highwater.storage.RecordState;
import io.highwater.partition.ViewKey;
import io.highwater.storage.ViewValue;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * {@link IndexProjector} and {@link CountProjector} driven through {@link ViewApplier}: the bundled
 * views {@code books_by_author} (index of book by author) and {@code genre_counts} (count of book by
 * genre), API.md "The bundled app".
 */
class ProjectorsTest {

  private static final String WS = "shop-1";
  private static final Instant T0 = Instant.parse("2026-11-24T07:00:00Z");

  // ---- building events ----

  private static StoredEvent action(String ws, long offset, String type, String id, Patch patch) {
    Event event = new Event(null, T0.plusSeconds(offset), "bookstore",
        new Action("edit", new Actor("user", "alice"), new Aggregate(type, id), patch), null, List.of(), List.of());
    return new StoredEvent(offset, 0, ws, event);
  }

  private static StoredEvent effect(String ws, long offset) {
    Event event = new Event(null, T0.plusSeconds(offset), "keystore",
        null, new Effect(Effect.KEY_EXPIRED, new Trigger(Trigger.ENCRYPTION_KEY, "1")), List.of(), List.of());
    return new StoredEvent(offset, 0, ws, event);
  }

  private static Patch assoc(JsonObject assoc) {
    return new Patch(assoc, List.of());
  }

  private static Patch dissoc(String... keys) {
    return new Patch(new JsonObject(), List.of(keys));
  }

  private static JsonObject book(String author, String genre) {
    JsonObject state = new JsonObject();
    if (author != null) {
      state.put("author", author);
    }
    if (genre != null) {
      state.put("genre", genre);
    }
    return state;
  }

  /** A projected action whose before/after states are folded from the patch. */
  private static ProjectedEvent projected(StoredEvent stored, JsonObject before) {
    JsonObject after = stored.event().action().patch().applyTo(before == null ? new JsonObject() : before);
    return new ProjectedEvent(stored, before, after);
  }

  private static JsonObject index(String... ids) {
    return new JsonObject().put("ids", new JsonArray(List.of((Object[]) ids))).put("count", ids.length);
  }

  private static JsonObject count(long n) {
    return new JsonObject().put("count", n);
  }

  private static ViewApplier indexView() {
    return new ViewApplier(new IndexProjector.Factory().create("books_by_author",
        new JsonObject().put("type", "book").put("field", "author")));
  }

  private static ViewApplier countView() {
    return new ViewApplier(new CountProjector.Factory().create("genre_counts",
        new JsonObject().put("type", "book").put("field", "genre")));
  }

  private static ViewKey key(String key) {
    return new ViewKey(WS, key);
  }

  /** A value as readers see it, whichever way it is kept. */
  record Wire(JsonObject value, long offs) {
    static Wire of(ViewValue value) {
      return new Wire(value.value(), value.offs());
    }
  }

  private static Map<ViewKey, Wire> wire(Map<ViewKey, ViewValue> values) {
    Map<ViewKey, Wire> wire = new LinkedHashMap<>();
    values.forEach((key, value) -> wire.put(key, Wire.of(value)));
    return wire;
  }

  /** A projector of key G that emits what {@code emit} does. */
  private static Projector scripted(boolean perMember, java.util.function.Consumer<Intents> emit) {
    return new Projector() {
      @Override
      public java.util.Set<String> reads(ProjectedEvent event) {
        return java.util.Set.of("G");
      }

      @Override
      public void project(ProjectedEvent event, ViewReader reader, Intents intents) {
        emit.accept(intents);
      }

      @Override
      public boolean perMember() {
        return perMember;
      }
    };
  }

  private static ViewValue members(long offs, String... ids) {
    return ViewValue.of(Members.stored(List.of(ids)), offs);
  }

  // ---- factories ----

  @Nested
  class Factories {

    @Test
    void kinds() {
      assertThat(new IndexProjector.Factory().kind()).isEqualTo("index");
      assertThat(new CountProjector.Factory().kind()).isEqualTo("count");
    }

    @Test
    void optionsNeedTypeAndField() {
      assertThatThrownBy(() -> new IndexProjector.Factory().create("v", new JsonObject().put("type", "book")))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("v");
      assertThatThrownBy(() -> new CountProjector.Factory().create("w", new JsonObject().put("field", "genre")))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("w");
    }
  }

  // ---- index ----

  @Nested
  class Index {

    private ViewApplier view;
    private Map<ViewKey, ViewValue> values;

    @BeforeEach
    void setUp() {
      view = indexView();
      values = new HashMap<>();
    }

    @Test
    void createJoinsKey() {
      ProjectedEvent e = projected(action(WS, 1, "book", "Neuromancer",
          assoc(book("William Gibson", "SciFi"))), null);

      assertThat(view.reads(e)).containsExactly(key("William Gibson"));
      Map<ViewKey, ViewValue> changed = view.apply(e, values);

      assertThat(wire(changed)).containsExactly(Map.entry(key("William Gibson"), new Wire(index("Neuromancer"), 1)));
      assertThat(values).containsExactlyEntriesOf(changed);
    }

    @Test
    void idsAreSortedAsStringsAndCounted() {
      JsonObject gibson = book("William Gibson", null);
      view.apply(projected(action(WS, 1, "book", "b", assoc(gibson)), null), values);
      view.apply(projected(action(WS, 2, "book", "10", assoc(gibson)), null), values);
      view.apply(projected(action(WS, 3, "book", "9", assoc(gibson)), null), values);
      Map<ViewKey, ViewValue> changed = view.apply(projected(action(WS, 4, "book", "A", assoc(gibson)), null), values);

      // "10" < "9" < "A" < "b" as strings
      assertThat(wire(changed)).containsExactly(Map.entry(key("William Gibson"), new Wire(index("10", "9", "A", "b"), 4)));
    }

    @Test
    void fieldChangeLeavesOldKeyAndJoinsNew() {
      view.apply(projected(action(WS, 1, "book", "Neuromancer", assoc(book("William Gibson", "SciFi"))), null), values);
      view.apply(projected(action(WS, 2, "book", "Count Zero", assoc(book("William Gibson", "SciFi"))), null), values);

      ProjectedEvent move = projected(action(WS, 3, "book", "Neuromancer", assoc(book("W. Gibson", null))),
          book("William Gibson", "SciFi"));
      assertThat(view.reads(move)).containsExactlyInAnyOrder(key("William Gibson"), key("W. Gibson"));
      Map<ViewKey, ViewValue> changed = view.apply(move, values);

      assertThat(wire(changed)).containsOnly(
          Map.entry(key("William Gibson"), new Wire(index("Count Zero"), 3)),
          Map.entry(key("W. Gibson"), new Wire(index("Neuromancer"), 3)));
      assertThat(values).hasSize(2).containsAllEntriesOf(changed);
    }

    @Test
    void dissocLeavesKeyWhichKeepsItsEmptyValue() {
      view.apply(projected(action(WS, 1, "book", "Neuromancer", assoc(book("William Gibson", "SciFi"))), null), values);

      ProjectedEvent drop = projected(action(WS, 2, "book", "Neuromancer", dissoc("author")), book("William Gibson", "SciFi"));
      Map<ViewKey, ViewValue> changed = view.apply(drop, values);

      assertThat(wire(changed)).containsExactly(Map.entry(key("William Gibson"), new Wire(index(), 2)));
      assertThat(values.get(key("William Gibson")).value())
          .isEqualTo(new JsonObject().put("ids", new JsonArray()).put("count", 0));
      assertThat(values.get(key("William Gibson")).deleted()).isFalse();
    }

    @Test
    void rejoiningAfterDissoc() {
      view.apply(projected(action(WS, 1, "book", "N", assoc(book("G", null))), null), values);
      view.apply(projected(action(WS, 2, "book", "N", dissoc("author")), book("G", null)), values);
      Map<ViewKey, ViewValue> changed =
          view.apply(projected(action(WS, 3, "book", "N", assoc(book("G", null))), new JsonObject()), values);
      assertThat(wire(changed)).containsExactly(Map.entry(key("G"), new Wire(index("N"), 3)));
    }

    @Test
    void otherAggregateTypesAreIgnored() {
      ProjectedEvent e = projected(action(WS, 1, "magazine", "Wired", assoc(book("William Gibson", "SciFi"))), null);
      assertThat(view.reads(e)).isEmpty();
      assertThat(view.apply(e, values)).isEmpty();
      assertThat(values).isEmpty();
    }

    @Test
    void effectsAreIgnored() {
      ProjectedEvent e = new ProjectedEvent(effect(WS, 1), null, null);
      assertThat(view.reads(e)).isEmpty();
      assertThat(view.apply(e, values)).isEmpty();
      assertThat(values).isEmpty();
    }

    @Test
    void unchangedFieldEmitsNothing() {
      view.apply(projected(action(WS, 1, "book", "N", assoc(book("William Gibson", "SciFi"))), null), values);
      Map<ViewKey, ViewValue> snapshot = new HashMap<>(values);

      ProjectedEvent other = projected(action(WS, 2, "book", "N",
          assoc(new JsonObject().put("genre", "Cyberpunk").put("year", 1984))), book("William Gibson", "SciFi"));
      assertThat(view.reads(other)).isEmpty();
      assertThat(view.apply(other, values)).isEmpty();

      // re-assoc of the same value changes nothing either
      ProjectedEvent same = projected(action(WS, 3, "book", "N", assoc(book("William Gibson", null))),
          book("William Gibson", "Cyberpunk"));
      assertThat(view.reads(same)).isEmpty();
      assertThat(view.apply(same, values)).isEmpty();
      assertThat(values).isEqualTo(snapshot);
    }

    @Test
    void bookWithoutTheFieldEmitsNothing() {
      ProjectedEvent e = projected(action(WS, 1, "book", "N", assoc(book(null, "SciFi"))), null);
      assertThat(view.reads(e)).isEmpty();
      assertThat(view.apply(e, values)).isEmpty();
    }

    @Test
    void numericFieldValueBecomesItsText() {
      ProjectedEvent e = projected(action(WS, 1, "book", "N", assoc(new JsonObject().put("author", 42))), null);
      assertThat(view.reads(e)).containsExactly(key("42"));
      assertThat(wire(view.apply(e, values))).containsExactly(Map.entry(key("42"), new Wire(index("N"), 1)));

      // changing 42 to "42" (same text) is no move
      ProjectedEvent same = projected(action(WS, 2, "book", "N", assoc(new JsonObject().put("author", "42"))),
          new JsonObject().put("author", 42));
      assertThat(view.apply(same, values)).isEmpty();

      ProjectedEvent longValue = projected(action(WS, 3, "book", "M", assoc(new JsonObject().put("author", 7L))), null);
      assertThat(view.apply(longValue, values)).containsOnlyKeys(key("7"));
      ProjectedEvent decimal = projected(action(WS, 4, "book", "D", assoc(new JsonObject().put("author", 2.5))), null);
      assertThat(view.apply(decimal, values)).containsOnlyKeys(key("2.5"));
    }

    @Test
    void sameEventTwiceChangesNothingTheSecondTime() {
      ProjectedEvent e = projected(action(WS, 1, "book", "N", assoc(book("G", null))), null);
      view.apply(e, values);
      Map<ViewKey, ViewValue> snapshot = new HashMap<>(values);

      assertThat(view.apply(e, values)).isEmpty();
      assertThat(values).isEqualTo(snapshot);
      assertThat(Wire.of(values.get(key("G")))).isEqualTo(new Wire(index("N"), 1));

      ProjectedEvent move = projected(action(WS, 2, "book", "N", assoc(book("H", null))), book("G", null));
      view.apply(move, values);
      snapshot = new HashMap<>(values);
      assertThat(view.apply(move, values)).isEmpty();
      assertThat(values).isEqualTo(snapshot);
    }

    @Test
    void eventOlderThanTheKeysOffsIsSkipped() {
      values.put(key("G"), members(10, "X"));
      ProjectedEvent old = projected(action(WS, 5, "book", "N", assoc(book("G", null))), null);
      assertThat(view.apply(old, values)).isEmpty();
      assertThat(wire(values)).containsExactly(Map.entry(key("G"), new Wire(index("X"), 10)));
    }

    @Test
    void staleForOneKeyStillWritesTheOther() {
      // G was already written at 10; H was never written: only H changes.
      values.put(key("G"), members(10, "N"));
      ProjectedEvent move = projected(action(WS, 7, "book", "N", assoc(book("H", null))), book("G", null));
      assertThat(wire(view.apply(move, values))).containsExactly(Map.entry(key("H"), new Wire(index("N"), 7)));
      assertThat(Wire.of(values.get(key("G")))).isEqualTo(new Wire(index("N"), 10));
    }

    @Test
    void aJoinToABigKeyChangesOneMemberAndLeavesTheStoredOnesAsTheyWere() {
      ViewValue stored = members(20_000, java.util.stream.IntStream.range(0, 20_000).mapToObj(i -> "b" + i).toArray(String[]::new));
      values.put(key("G"), stored);
      Map<ViewKey, ViewValue> changed = view.apply(projected(action(WS, 20_001, "book", "new", assoc(book("G", null))), null), values);

      ViewValue next = changed.get(key("G"));
      assertThat(next.members().pending()).containsOnlyKeys("new");
      assertThat(next.value().getInteger("count")).isEqualTo(20_001);
      assertThat(stored.members().present()).hasSize(20_000).doesNotContain("new");
    }

    @Test
    void oneEventMayChangeSeveralMembersOfAKey() {
      ViewApplier both = new ViewApplier(scripted(true, intents -> {
        intents.join("G", "x");
        intents.join("G", "y");
      }));
      ProjectedEvent e = projected(action(WS, 1, "book", "N", assoc(book("G", null))), null);
      assertThat(wire(both.apply(e, values))).containsExactly(Map.entry(key("G"), new Wire(index("x", "y"), 1)));
      assertThat(both.apply(e, values)).isEmpty();
    }

    @Test
    void aPerMemberProjectorCannotPutAWholeValueNorAWholeOneJoin() {
      ProjectedEvent e = projected(action(WS, 1, "book", "N", assoc(book("G", null))), null);
      ViewApplier puts = new ViewApplier(scripted(true, intents -> intents.put("G", index("N"))));
      assertThatThrownBy(() -> puts.apply(e, values)).isInstanceOf(IllegalStateException.class).hasMessageContaining("per-member");
      ViewApplier joins = new ViewApplier(scripted(false, intents -> intents.join("G", "N")));
      assertThatThrownBy(() -> joins.apply(e, values)).isInstanceOf(IllegalStateException.class).hasMessageContaining("whole");
      assertThat(values).isEmpty();
    }

    @Test
    void keysArePerWorkspace() {
      ProjectedEvent a = projected(action("shop-1", 1, "book", "N", assoc(book("G", null))), null);
      ProjectedEvent b = projected(action("shop-2", 1, "book", "M", assoc(book("G", null))), null);

      assertThat(view.reads(b)).containsExactly(new ViewKey("shop-2", "G"));
      assertThat(wire(view.apply(a, values))).containsExactly(Map.entry(new ViewKey("shop-1", "G"), new Wire(index("N"), 1)));
      // same offset, other workspace: not skipped, not merged
      assertThat(wire(view.apply(b, values))).containsExactly(Map.entry(new ViewKey("shop-2", "G"), new Wire(index("M"), 1)));
      assertThat(wire(values)).containsOnly(
          Map.entry(new ViewKey("shop-1", "G"), new Wire(index("N"), 1)),
          Map.entry(new ViewKey("shop-2", "G"), new Wire(index("M"), 1)));
    }

    @Test
    void projectionDoesNotMutateStatesOrPreviousValues() {
      view.apply(projected(action(WS, 1, "book", "N", assoc(book("G", null))), null), values);
      JsonObject first = values.get(key("G")).value();
      JsonObject firstCopy = first.copy();
      JsonObject before = book("G", null);
      JsonObject after = book("G", null);
      view.apply(new ProjectedEvent(action(WS, 2, "book", "M", assoc(book("G", null))), null, after), values);
      view.apply(new ProjectedEvent(action(WS, 3, "book", "N", dissoc("author")), before, new JsonObject()), values);
      assertThat(first).isEqualTo(firstCopy);
      assertThat(before).isEqualTo(book("G", null));
      assertThat(after).isEqualTo(book("G", null));
      assertThat(Wire.of(values.get(key("G")))).isEqualTo(new Wire(index("M"), 3));
    }
  }

  // ---- count ----

  @Nested
  class Count {

    private ViewApplier view;
    private Map<ViewKey, ViewValue> values;

    @BeforeEach
    void setUp() {
      view = countView();
      values = new HashMap<>();
    }

    @Test
    void createJoinsKey() {
      ProjectedEvent e = projected(action(WS, 1, "book", "Neuromancer", assoc(book("William Gibson", "SciFi"))), null);
      assertThat(view.reads(e)).containsExactly(key("SciFi"));
      Map<ViewKey, ViewValue> changed = view.apply(e, values);
      assertThat(changed).containsExactly(Map.entry(key("SciFi"), new ViewValue(count(1), 1)));

      changed = view.apply(projected(action(WS, 2, "book", "Count Zero", assoc(book("William Gibson", "SciFi"))), null), values);
      assertThat(changed).containsExactly(Map.entry(key("SciFi"), new ViewValue(count(2), 2)));
    }

    @Test
    void fieldChangeLeavesOldKeyAndJoinsNew() {
      view.apply(projected(action(WS, 1, "book", "A", assoc(book(null, "SciFi"))), null), values);
      view.apply(projected(action(WS, 2, "book", "B", assoc(book(null, "SciFi"))), null), values);

      ProjectedEvent move = projected(action(WS, 3, "book", "A", assoc(book(null, "Cyberpunk"))), book(null, "SciFi"));
      Map<ViewKey, ViewValue> changed = view.apply(move, values);

      assertThat(changed).containsOnly(
          Map.entry(key("SciFi"), new ViewValue(count(1), 3)),
          Map.entry(key("Cyberpunk"), new ViewValue(count(1), 3)));
    }

    @Test
    void dissocLeavesKeyWhichKeepsItsZeroCount() {
      view.apply(projected(action(WS, 1, "book", "A", assoc(book(null, "SciFi"))), null), values);
      Map<ViewKey, ViewValue> changed =
          view.apply(projected(action(WS, 2, "book", "A", dissoc("genre")), book(null, "SciFi")), values);
      assertThat(changed).containsExactly(Map.entry(key("SciFi"), new ViewValue(count(0), 2)));
      assertThat(values.get(key("SciFi")).value()).isEqualTo(new JsonObject().put("count", 0));
    }

    @Test
    void otherAggregateTypesAndEffectsAreIgnored() {
      ProjectedEvent magazine = projected(action(WS, 1, "magazine", "Wired", assoc(book(null, "SciFi"))), null);
      ProjectedEvent effect = new ProjectedEvent(effect(WS, 2), null, null);
      assertThat(view.reads(magazine)).isEmpty();
      assertThat(view.reads(effect)).isEmpty();
      assertThat(view.apply(magazine, values)).isEmpty();
      assertThat(view.apply(effect, values)).isEmpty();
      assertThat(values).isEmpty();
    }

    @Test
    void unchangedFieldEmitsNothing() {
      view.apply(projected(action(WS, 1, "book", "A", assoc(book("G", "SciFi"))), null), values);
      ProjectedEvent other = projected(action(WS, 2, "book", "A", assoc(book("H", "SciFi"))), book("G", "SciFi"));
      assertThat(view.reads(other)).isEmpty();
      assertThat(view.apply(other, values)).isEmpty();
      assertThat(values).containsExactly(Map.entry(key("SciFi"), new ViewValue(count(1), 1)));
    }

    @Test
    void numericFieldValueBecomesItsText() {
      ProjectedEvent e = projected(action(WS, 1, "book", "A", assoc(new JsonObject().put("genre", 1984))), null);
      assertThat(view.apply(e, values)).containsExactly(Map.entry(key("1984"), new ViewValue(count(1), 1)));
    }

    @Test
    void sameEventTwiceKeepsTheCount() {
      ProjectedEvent e = projected(action(WS, 1, "book", "A", assoc(book(null, "SciFi"))), null);
      view.apply(e, values);
      assertThat(view.apply(e, values)).isEmpty();
      assertThat(values).containsExactly(Map.entry(key("SciFi"), new ViewValue(count(1), 1)));

      ProjectedEvent drop = projected(action(WS, 2, "book", "A", dissoc("genre")), book(null, "SciFi"));
      view.apply(drop, values);
      assertThat(view.apply(drop, values)).isEmpty();
      assertThat(values).containsExactly(Map.entry(key("SciFi"), new ViewValue(count(0), 2)));
    }

    @Test
    void eventOlderThanTheKeysOffsIsSkipped() {
      values.put(key("SciFi"), new ViewValue(count(5), 9));
      ProjectedEvent old = projected(action(WS, 8, "book", "A", assoc(book(null, "SciFi"))), null);
      assertThat(view.apply(old, values)).isEmpty();
      assertThat(values).containsExactly(Map.entry(key("SciFi"), new ViewValue(count(5), 9)));
    }

    @Test
    void keysArePerWorkspace() {
      view.apply(projected(action("shop-1", 1, "book", "A", assoc(book(null, "SciFi"))), null), values);
      view.apply(projected(action("shop-1", 2, "book", "B", assoc(book(null, "SciFi"))), null), values);
      Map<ViewKey, ViewValue> changed =
          view.apply(projected(action("shop-2", 1, "book", "A", assoc(book(null, "SciFi"))), null), values);
      assertThat(changed).containsExactly(Map.entry(new ViewKey("shop-2", "SciFi"), new ViewValue(count(1), 1)));
      assertThat(values).containsOnly(
          Map.entry(new ViewKey("shop-1", "SciFi"), new ViewValue(count(2), 2)),
          Map.entry(new ViewKey("shop-2", "SciFi"), new ViewValue(count(1), 1)));
    }
  }

  // ---- property: random histories against a model of the final states ----

  @Nested
  class Property {

    private static final String[] AUTHORS = {"Gibson", "Le Guin", "Banks", "Butler"};
    private static final String[] GENRES = {"SciFi", "Fantasy", "Cyberpunk"};

    @Test
    void randomHistoriesMatchTheModelAndReapplyingChangesNothing() {
      Random random = new Random(20261124L);
      for (int run = 0; run < 200; run++) {
        checkOneHistory(random, run, false);
      }
    }

    @Test
    void randomHistoriesWithEffectsMatchTheModelAndReapplyingChangesNothing() {
      Random random = new Random(20261125L);
      for (int run = 0; run < 200; run++) {
        checkOneHistory(random, run, true);
      }
    }

    private void checkOneHistory(Random random, int run, boolean withEffects) {
      String ws = "ws-" + (run % 3);
      Map<String, RecordState> states = new TreeMap<>();
      List<ProjectedEvent> events = new ArrayList<>();
      int length = 1 + random.nextInt(60);
      for (long offset = 1; offset <= length; offset++) {
        if (withEffects && random.nextInt(10) == 0) {
          events.add(new ProjectedEvent(effect(ws, offset), null, null));
          continue;
        }
        if (random.nextInt(12) == 0) {
          // an aggregate of another type with the same fields: never in the views
          events.add(projected(action(ws, offset, "magazine", "m" + random.nextInt(3),
              assoc(book(pick(random, AUTHORS), pick(random, GENRES)))), null));
          continue;
        }
        String id = "book-" + random.nextInt(10);
        RecordState current = states.get(id);
        Patch patch;
        if (current == null) {
          patch = assoc(maybeField(random, maybeField(random, new JsonObject().put("title", id), "author", AUTHORS),
              "genre", GENRES));
        } else if (random.nextInt(3) == 0) {
          List<String> keys = new ArrayList<>();
          if (random.nextBoolean()) {
            keys.add("author");
          }
          if (random.nextBoolean()) {
            keys.add("genre");
          }
          if (keys.isEmpty()) {
            keys.add("title");
          }
          patch = new Patch(new JsonObject(), keys);
        } else {
          JsonObject assoc = new JsonObject();
          if (random.nextBoolean()) {
            assoc.put("author", pick(random, AUTHORS));
          }
          if (random.nextBoolean()) {
            assoc.put("genre", pick(random, GENRES));
          }
          if (random.nextInt(4) == 0) {
            assoc.put("pages", random.nextInt(500));
          }
          patch = assoc(assoc);
        }
        StoredEvent stored = action(ws, offset, "book", id, patch);
        RecordState next = RecordState.fold(current, patch, offset);
        events.add(new ProjectedEvent(stored, current == null ? null : current.state(), next.state()));
        states.put(id, next);
      }

      ViewApplier index = indexView();
      ViewApplier count = countView();
      Map<ViewKey, ViewValue> indexValues = new HashMap<>();
      Map<ViewKey, ViewValue> countValues = new HashMap<>();
      for (ProjectedEvent e : events) {
        applyChecked(index, e, indexValues);
        applyChecked(count, e, countValues);
      }

      // the model, from the final states
      Map<String, TreeSet<String>> byAuthor = new TreeMap<>();
      Map<String, Long> byGenre = new TreeMap<>();
      states.forEach((id, state) -> {
        Object author = state.state().getValue("author");
        if (author != null) {
          byAuthor.computeIfAbsent(author.toString(), k -> new TreeSet<>()).add(id);
        }
        Object genre = state.state().getValue("genre");
        if (genre != null) {
          byGenre.merge(genre.toString(), 1L, Long::sum);
        }
      });

      String where = "run " + run;
      for (Map.Entry<ViewKey, ViewValue> entry : indexValues.entrySet()) {
        assertThat(entry.getKey().ws()).as(where).isEqualTo(ws);
        TreeSet<String> ids = byAuthor.getOrDefault(entry.getKey().key(), new TreeSet<>());
        assertThat(entry.getValue().value()).as(where + " index " + entry.getKey())
            .isEqualTo(index(ids.toArray(String[]::new)));
      }
      assertThat(keysOf(indexValues)).as(where).containsAll(byAuthor.keySet());
      for (Map.Entry<ViewKey, ViewValue> entry : countValues.entrySet()) {
        assertThat(entry.getKey().ws()).as(where).isEqualTo(ws);
        assertThat(entry.getValue().value()).as(where + " count " + entry.getKey())
            .isEqualTo(count(byGenre.getOrDefault(entry.getKey().key(), 0L)));
      }
      assertThat(keysOf(countValues)).as(where).containsAll(byGenre.keySet());

      // re-applying the whole history changes nothing
      Map<ViewKey, ViewValue> indexSnapshot = new LinkedHashMap<>(indexValues);
      Map<ViewKey, ViewValue> countSnapshot = new LinkedHashMap<>(countValues);
      for (ProjectedEvent e : events) {
        assertThat(index.apply(e, indexValues)).as(where + " replay index @" + e.stored().offset()).isEmpty();
        assertThat(count.apply(e, countValues)).as(where + " replay count @" + e.stored().offset()).isEmpty();
      }
      assertThat(indexValues).as(where).isEqualTo(indexSnapshot);
      assertThat(countValues).as(where).isEqualTo(countSnapshot);
    }

    /** Applies, then checks that the applier returned exactly the keys it read and changed, at this offset. */
    private void applyChecked(ViewApplier view, ProjectedEvent e, Map<ViewKey, ViewValue> values) {
      var reads = view.reads(e);
      Map<ViewKey, ViewValue> changed = view.apply(e, values);
      assertThat(changed.keySet()).isEqualTo(reads);
      changed.forEach((k, v) -> {
        assertThat(v.offs()).isEqualTo(e.stored().offset());
        assertThat(values.get(k)).isEqualTo(v);
      });
    }

    private static List<String> keysOf(Map<ViewKey, ViewValue> values) {
      return values.keySet().stream().map(ViewKey::key).toList();
    }

    private static String pick(Random random, String[] from) {
      return from[random.nextInt(from.length)];
    }

    private static JsonObject maybeField(Random random, JsonObject state, String field, String[] from) {
      if (random.nextInt(4) != 0) {
        state.put(field, pick(random, from));
      }
      return state;
    }
  }
}
