package com.example.projector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The example projector against the projector API alone: events in, view values out, no server. */
class SumProjectorTest {

  private final Projector sum = new SumProjector.Factory().create("pages_by_author",
      new JsonObject().put("type", "book").put("group", "author").put("field", "pages"));
  /** The view as the runtime would keep it: one value per key, changed only through intents. */
  private final Map<String, JsonObject> view = new HashMap<>();
  private final Map<String, JsonObject> books = new HashMap<>();
  private long offset;

  @Test
  void sumsTheFieldPerGroup() {
    change("Neuromancer", new JsonObject().put("author", "Gibson").put("pages", 271));
    change("Count Zero", new JsonObject().put("author", "Gibson").put("pages", 256));
    change("Dune", new JsonObject().put("author", "Herbert").put("pages", 412));
    assertThat(view).containsOnly(
        Map.entry("Gibson", new JsonObject().put("sum", 527L).put("count", 2L)),
        Map.entry("Herbert", new JsonObject().put("sum", 412L).put("count", 1L)));
  }

  @Test
  void aChangedAmountReplacesItsContribution() {
    change("Neuromancer", new JsonObject().put("author", "Gibson").put("pages", 271));
    change("Neuromancer", new JsonObject().put("pages", 300));
    assertThat(view.get("Gibson")).isEqualTo(new JsonObject().put("sum", 300L).put("count", 1L));
  }

  @Test
  void aChangedGroupMovesTheContribution() {
    change("Neuromancer", new JsonObject().put("author", "Gibson").put("pages", 271));
    change("Neuromancer", new JsonObject().put("author", "W. Gibson"));
    assertThat(view.get("Gibson")).isEqualTo(new JsonObject().put("sum", 0L).put("count", 0L));
    assertThat(view.get("W. Gibson")).isEqualTo(new JsonObject().put("sum", 271L).put("count", 1L));
  }

  @Test
  void aRemovedOrNonNumericAmountCountsNoMore() {
    change("Neuromancer", new JsonObject().put("author", "Gibson").put("pages", 271));
    change("Count Zero", new JsonObject().put("author", "Gibson").put("pages", 256));
    remove("Neuromancer", "pages");
    change("Count Zero", new JsonObject().put("pages", "many"));
    assertThat(view.get("Gibson")).isEqualTo(new JsonObject().put("sum", 0L).put("count", 0L));
  }

  @Test
  void fractionsStayExact() {
    change("a", new JsonObject().put("author", "X").put("pages", 0.1));
    change("b", new JsonObject().put("author", "X").put("pages", 0.2));
    assertThat(view.get("X").getDouble("sum")).isEqualTo(0.3);
  }

  @Test
  void otherTypesAndLoneEffectsAreIgnored() {
    StoredEvent magazine = action("magazine", "Wired", new Patch(new JsonObject().put("author", "Gibson").put("pages", 90), List.of()));
    project(new ProjectedEvent(magazine, null, new JsonObject().put("author", "Gibson").put("pages", 90)));
    project(new ProjectedEvent(effect(), null, null));
    assertThat(view).isEmpty();
  }

  @Test
  void aReplayRecomputesTheContributionWithoutCountingItTwice() {
    change("Neuromancer", new JsonObject().put("author", "Gibson").put("pages", 271));
    JsonObject before = books.get("Neuromancer");
    // A replay after a key expired: the recomputed state lacks the forgotten field.
    project(ProjectedEvent.replay(effect(), new AggregateKey("shop-1", new Aggregate("book", "Neuromancer")),
        before, new JsonObject().put("author", "Gibson")));
    assertThat(view.get("Gibson")).isEqualTo(new JsonObject().put("sum", 0L).put("count", 0L));
    // The same replay again changes nothing: the contribution is computed from the states alone.
    project(ProjectedEvent.replay(effect(), new AggregateKey("shop-1", new Aggregate("book", "Neuromancer")),
        new JsonObject().put("author", "Gibson"), new JsonObject().put("author", "Gibson")));
    assertThat(view.get("Gibson")).isEqualTo(new JsonObject().put("sum", 0L).put("count", 0L));
  }

  @Test
  void readsOnlyTheKeysItChanges() {
    StoredEvent stored = action("book", "N", new Patch(new JsonObject().put("title", "N"), List.of()));
    JsonObject state = new JsonObject().put("author", "Gibson").put("pages", 1);
    assertThat(sum.reads(new ProjectedEvent(stored, state, state.copy().put("title", "N")))).isEmpty();
    assertThat(sum.reads(new ProjectedEvent(stored, state, state.copy().put("author", "H")))).containsExactly("Gibson", "H");
  }

  @Test
  void missingOptionsAreNamed() {
    assertThatThrownBy(() -> new SumProjector.Factory().create("v", new JsonObject().put("type", "book")))
        .hasMessageContaining("view v").hasMessageContaining("\"group\"").hasMessageContaining("\"field\"");
  }

  private void change(String id, JsonObject assoc) {
    Patch patch = new Patch(assoc, List.of());
    JsonObject before = books.get(id);
    JsonObject after = patch.applyTo(before == null ? new JsonObject() : before);
    books.put(id, after);
    project(new ProjectedEvent(action("book", id, patch), before, after));
  }

  private void remove(String id, String field) {
    Patch patch = new Patch(new JsonObject(), List.of(field));
    JsonObject before = books.get(id);
    JsonObject after = patch.applyTo(before);
    books.put(id, after);
    project(new ProjectedEvent(action("book", id, patch), before, after));
  }

  private void project(ProjectedEvent event) {
    Set<String> reads = sum.reads(event);
    sum.project(event, key -> {
      assertThat(reads).as("a key the projector did not ask for").contains(key);
      return Optional.ofNullable(view.get(key));
    }, new Intents() {
      @Override
      public void put(String key, JsonObject value) {
        view.put(key, value);
      }

      @Override
      public void delete(String key) {
        view.remove(key);
      }

      @Override
      public void join(String key, String member) {
        throw new AssertionError("a whole-value projector joins nothing");
      }

      @Override
      public void leave(String key, String member) {
        throw new AssertionError("a whole-value projector leaves nothing");
      }
    });
  }

  private StoredEvent action(String type, String id, Patch patch) {
    Event event = new Event(null, Instant.EPOCH, "test",
        new Action("create", new Actor("user", "alice"), new Aggregate(type, id), patch), null, List.of(), List.of());
    return new StoredEvent(++offset, 0, "shop-1", event);
  }

  private StoredEvent effect() {
    Event event = new Event(null, Instant.EPOCH, "test", null, new Effect("key-expired", new Trigger("encryption-key", "k")),
        List.of(), List.of());
    return new StoredEvent(++offset, 0, "shop-1", event);
  }
}
