package io.highwater.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The value of a per-member view key: its wire form, and which changes a flush still has to write. */
class MembersTest {

  @Test
  void reads_as_sorted_ids_and_their_count() {
    Members members = Members.EMPTY.join("b", 1).join("10", 2).join("9", 3).join("A", 4);
    assertThat(members.toJson().encode()).isEqualTo("{\"ids\":[\"10\",\"9\",\"A\",\"b\"],\"count\":4}");
  }

  @Test
  void a_key_whose_members_all_left_reads_empty_and_keeps_the_leaves_pending() {
    Members members = Members.stored(List.of("N")).leave("N", 5);
    assertThat(members.toJson()).isEqualTo(new JsonObject().put("ids", new JsonArray()).put("count", 0));
    assertThat(members.pending()).containsExactly(java.util.Map.entry("N", new Members.Change(false, 5)));
  }

  @Test
  void a_change_leaves_the_value_it_was_made_from_as_it_was() {
    Members before = Members.stored(List.of("a", "b"));
    Members after = before.join("c", 3).leave("a", 4);
    assertThat(before.present()).containsExactly("a", "b");
    assertThat(before.pending()).isEmpty();
    assertThat(after.present()).containsExactly("b", "c");
  }

  @Test
  void only_the_members_changed_since_the_load_are_pending_whatever_the_size() {
    Members big = Members.stored(IntStream.range(0, 20_000).mapToObj(i -> "book-" + i).toList());
    Members one = big.join("book-new", 20_001);
    assertThat(one.present()).hasSize(20_001);
    assertThat(one.pending()).containsOnlyKeys("book-new");
  }

  @Test
  void a_flush_removes_what_it_wrote_and_keeps_what_changed_since() {
    Members flushed = Members.EMPTY.join("a", 1).join("b", 2);
    Members since = flushed.leave("a", 3).join("c", 4);
    Members left = since.without(flushed);
    // "a" changed again after the flush took it, "b" was written, "c" is new.
    assertThat(left.pending()).containsOnlyKeys("a", "c");
    assertThat(left.present()).isEqualTo(since.present());
    assertThat(flushed.without(flushed).pending()).isEmpty();
  }
}
