package io.highwater.cp;

import static org.assertj.core.api.Assertions.assertThat;

import io.highwater.event.Action;
import io.highwater.event.Actor;
import io.highwater.event.Aggregate;
import io.highwater.event.AggregateKey;
import io.highwater.event.Effect;
import io.highwater.event.Event;
import io.highwater.event.Patch;
import io.highwater.event.StoredEvent;
import io.highwater.event.Trigger;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TouchIndexTest {

  private static final String WS = "ws";
  private static final Trigger ORDER = new Trigger("order", "o1");

  private static AggregateKey book(String id) {
    return new AggregateKey(WS, new Aggregate("book", id));
  }

  private static StoredEvent action(long offset, String id, Trigger... triggers) {
    return new StoredEvent(offset, 0, WS, new Event(null, Instant.EPOCH, "shop",
        new Action("update", new Actor("user", "u"), new Aggregate("book", id), new Patch(new JsonObject(), List.of())),
        null, List.of(triggers), List.of()));
  }

  private static StoredEvent effect(long offset, Trigger trigger) {
    return new StoredEvent(offset, 0, WS, new Event(null, Instant.EPOCH, "shop", null, new Effect("shipped", trigger), List.of(), List.of()));
  }

  @Test
  void an_aggregate_is_held_only_once_its_stored_links_are_known() {
    TouchIndex index = new TouchIndex(10);
    index.committed(List.of(action(1, "a")), Map.of());
    assertThat(index.holds(book("a"))).isFalse();
    index.committed(List.of(action(2, "a")), Map.of(book("a"), List.of(ORDER)));
    assertThat(index.holds(book("a"))).isTrue();
    assertThat(index.untouchedAfter(book("a"), 2)).isTrue();
    assertThat(index.untouchedAfter(book("a"), 1)).isFalse();
    assertThat(index.links(book("a"))).containsExactly(ORDER);
  }

  @Test
  void an_effect_touches_every_held_aggregate_linked_to_its_trigger() {
    TouchIndex index = new TouchIndex(10);
    index.committed(List.of(action(1, "a", ORDER), action(2, "b"), effect(3, ORDER)),
        Map.of(book("a"), List.of(), book("b"), List.of()));
    assertThat(index.untouchedAfter(book("a"), 2)).isFalse();
    assertThat(index.untouchedAfter(book("a"), 3)).isTrue();
    assertThat(index.untouchedAfter(book("b"), 2)).isTrue();
  }

  @Test
  void the_least_recently_used_aggregate_leaves_with_its_links() {
    TouchIndex index = new TouchIndex(2);
    index.committed(List.of(action(1, "a", ORDER), action(2, "b", ORDER)), Map.of(book("a"), List.of(), book("b"), List.of()));
    assertThat(index.untouchedAfter(book("a"), 2)).isTrue();
    index.committed(List.of(action(3, "c")), Map.of(book("c"), List.of()));
    assertThat(index.holds(book("a"))).isTrue();
    assertThat(index.holds(book("b"))).isFalse();
    assertThat(index.size()).isEqualTo(2);
    // The effect still reaches a, and nothing breaks on b, which left.
    index.committed(List.of(effect(4, ORDER)), Map.of());
    assertThat(index.untouchedAfter(book("a"), 3)).isFalse();
    index.clear();
    assertThat(index.size()).isZero();
  }
}
