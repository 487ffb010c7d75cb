package io.highwater.projector.builtin;

import static org.assertj.core.api.Assertions.assertThat;

import io.highwater.actualizer.ViewApplier;
import io.highwater.event.Actor;
import io.highwater.event.Aggregate;
import io.highwater.event.AggregateKey;
import io.highwater.event.Effect;
import io.highwater.event.Event;
import io.highwater.event.Patch;
import io.highwater.event.StoredEvent;
import io.highwater.event.Trigger;
import io.highwater.event.Action;
import io.highwater.projector.ProjectedEvent;
import io.highwater.partition.ViewKey;
import io.highwater.storage.ViewValue;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Replays reach projectors as one event per aggregate, with its state before and as replayed. */
class ReplayTest {

  private static final AggregateKey BOOK = new AggregateKey("ws", new Aggregate("book", "b1"));

  private static StoredEvent create(long offset, String author) {
    Event event = new Event(null, Instant.EPOCH, "api",
        new Action("create", new Actor("user", "a"), BOOK.aggregate(), new Patch(new JsonObject().put("author", author), List.of())),
        null, List.of(new Trigger("shelf", "1")), List.of());
    return new StoredEvent(offset, 0, "ws", event);
  }

  private static StoredEvent effect(long offset) {
    return new StoredEvent(offset, 0, "ws",
        new Event(null, Instant.EPOCH, "api", null, new Effect("refresh", new Trigger("shelf", "1")), List.of(), List.of()));
  }

  @Test
  void a_replay_with_nothing_changed_changes_no_view() {
    ViewApplier index = new ViewApplier(new IndexProjector.Factory().create("by_author", new JsonObject().put("type", "book").put("field", "author")));
    ViewApplier count = new ViewApplier(new CountProjector.Factory().create("by_author", new JsonObject().put("type", "book").put("field", "author")));
    Map<ViewKey, ViewValue> indexed = new HashMap<>();
    Map<ViewKey, ViewValue> counted = new HashMap<>();
    JsonObject state = new JsonObject().put("author", "Gibson");
    index.apply(new ProjectedEvent(create(1, "Gibson"), null, state), indexed);
    count.apply(new ProjectedEvent(create(1, "Gibson"), null, state), counted);
    Map<ViewKey, ViewValue> indexedBefore = Map.copyOf(indexed);
    Map<ViewKey, ViewValue> countedBefore = Map.copyOf(counted);

    ProjectedEvent replay = ProjectedEvent.replay(effect(2), BOOK, state, state.copy());
    assertThat(index.reads(replay)).isEmpty();
    assertThat(index.apply(replay, indexed)).isEmpty();
    assertThat(count.apply(replay, counted)).isEmpty();
    assertThat(indexed).isEqualTo(indexedBefore);
    assertThat(counted).isEqualTo(countedBefore);
  }

  @Test
  void a_replay_that_lost_a_field_recomputes_the_aggregates_contribution() {
    ViewApplier index = new ViewApplier(new IndexProjector.Factory().create("by_author", new JsonObject().put("type", "book").put("field", "author")));
    Map<ViewKey, ViewValue> values = new HashMap<>();
    JsonObject state = new JsonObject().put("author", "Gibson");
    index.apply(new ProjectedEvent(create(1, "Gibson"), null, state), values);

    ProjectedEvent replay = ProjectedEvent.replay(effect(2), BOOK, state, new JsonObject());
    Map<ViewKey, ViewValue> changed = index.apply(replay, values);
    assertThat(changed).containsOnlyKeys(new ViewKey("ws", "Gibson"));
    ViewValue gibson = changed.get(new ViewKey("ws", "Gibson"));
    assertThat(gibson.value()).isEqualTo(new JsonObject().put("ids", new JsonArray()).put("count", 0));
    assertThat(gibson.offs()).isEqualTo(2);
    // Replaying the same effect again changes nothing: its offset is already applied.
    assertThat(index.apply(replay, values)).isEmpty();
  }

  @Test
  void an_effect_that_replays_nothing_reaches_projectors_without_an_aggregate() {
    ProjectedEvent lone = new ProjectedEvent(effect(3), null, null);
    assertThat(lone.isAction()).isFalse();
    assertThat(lone.replay()).isFalse();
    ViewApplier count = new ViewApplier(new CountProjector.Factory().create("g", new JsonObject().put("type", "book").put("field", "genre")));
    assertThat(count.apply(lone, new HashMap<>())).isEmpty();
  }
}
