package com.example.projector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.highwater.event.Action;
import io.highwater.event.Actor;
import io.highwater.event.Aggregate;
import io.highwater.event.Event;
import io.highwater.event.Patch;
import io.highwater.event.StoredEvent;
import io.highwater.event.Trigger;
import io.highwater.projector.ProjectedEvent;
import io.highwater.projector.Projector;
import io.highwater.testkit.ProjectorTestKit;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The example projector against the projector API and its testkit: events in, view values out, no
 * server; the kit also holds the projector to the runtime's rules (it reads and writes only keys it
 * named, and answers the same when an event is projected again).
 */
class SumProjectorTest {

  private final Projector sum = new SumProjector.Factory().create("pages_by_author",
      new JsonObject().put("type", "book").put("group", "author").put("field", "pages"));
  private final ProjectorTestKit kit = ProjectorTestKit.of(sum, "shop-1");

  @Test
  void sumsTheFieldPerGroup() {
    kit.assoc("book", "Neuromancer", new JsonObject().put("author", "Gibson").put("pages", 271));
    kit.assoc("book", "Count Zero", new JsonObject().put("author", "Gibson").put("pages", 256));
    kit.assoc("book", "Dune", new JsonObject().put("author", "Herbert").put("pages", 412));
    assertThat(kit.view()).containsOnly(
        Map.entry("Gibson", new JsonObject().put("sum", 527L).put("count", 2L)),
        Map.entry("Herbert", new JsonObject().put("sum", 412L).put("count", 1L)));
  }

  @Test
  void aChangedAmountReplacesItsContribution() {
    kit.assoc("book", "Neuromancer", new JsonObject().put("author", "Gibson").put("pages", 271));
    kit.assoc("book", "Neuromancer", new JsonObject().put("pages", 300));
    assertThat(kit.value("Gibson")).contains(new JsonObject().put("sum", 300L).put("count", 1L));
  }

  @Test
  void aChangedGroupMovesTheContribution() {
    kit.assoc("book", "Neuromancer", new JsonObject().put("author", "Gibson").put("pages", 271));
    kit.assoc("book", "Neuromancer", new JsonObject().put("author", "W. Gibson"));
    assertThat(kit.value("Gibson")).contains(new JsonObject().put("sum", 0L).put("count", 0L));
    assertThat(kit.value("W. Gibson")).contains(new JsonObject().put("sum", 271L).put("count", 1L));
  }

  @Test
  void aRemovedOrNonNumericAmountCountsNoMore() {
    kit.assoc("book", "Neuromancer", new JsonObject().put("author", "Gibson").put("pages", 271));
    kit.assoc("book", "Count Zero", new JsonObject().put("author", "Gibson").put("pages", 256));
    kit.dissoc("book", "Neuromancer", "pages");
    kit.assoc("book", "Count Zero", new JsonObject().put("pages", "many"));
    assertThat(kit.value("Gibson")).contains(new JsonObject().put("sum", 0L).put("count", 0L));
  }

  @Test
  void fractionsStayExact() {
    kit.assoc("book", "a", new JsonObject().put("author", "X").put("pages", 0.1));
    kit.assoc("book", "b", new JsonObject().put("author", "X").put("pages", 0.2));
    assertThat(kit.value("X").orElseThrow().getDouble("sum")).isEqualTo(0.3);
  }

  @Test
  void otherTypesAndLoneEffectsAreIgnored() {
    kit.assoc("magazine", "Wired", new JsonObject().put("author", "Gibson").put("pages", 90));
    kit.expire(new Trigger("encryption-key", "k"));
    assertThat(kit.view()).isEmpty();
  }

  @Test
  void aReplayRecomputesTheContributionWithoutCountingItTwice() {
    Trigger key = new Trigger("encryption-key", "k1");
    kit.sealed("book", "Neuromancer", new JsonObject().put("author", "Gibson").put("pages", 271), key, "pages");
    assertThat(kit.value("Gibson")).contains(new JsonObject().put("sum", 271L).put("count", 1L));
    // The key expires: the replayed state lacks the forgotten field.
    kit.expire(key);
    assertThat(kit.state("book", "Neuromancer")).isEqualTo(new JsonObject().put("author", "Gibson"));
    assertThat(kit.value("Gibson")).contains(new JsonObject().put("sum", 0L).put("count", 0L));
    // The same effect again changes nothing: the contribution is computed from the states alone.
    kit.expire(key);
    assertThat(kit.value("Gibson")).contains(new JsonObject().put("sum", 0L).put("count", 0L));
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

  private static StoredEvent action(String type, String id, Patch patch) {
    Event event = new Event(null, Instant.EPOCH, "test",
        new Action("create", new Actor("user", "alice"), new Aggregate(type, id), patch), null, List.of(), List.of());
    return new StoredEvent(1, 0, "shop-1", event);
  }
}
