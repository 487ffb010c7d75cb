package io.highwater.actualizer;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Which flushed per-member values a view lets go: the least recently flushed, once over its budget of members. */
class KeptMembersTest {

  @Test
  void keeps_values_within_the_budget_and_lets_the_least_recently_flushed_go() {
    KeptMembers<String> kept = new KeptMembers<>(100);
    assertThat(kept.flushed("a", 40)).isEmpty();
    assertThat(kept.flushed("b", 40)).isEmpty();
    // Flushed again, "a" is the newest: "b" goes first.
    assertThat(kept.flushed("a", 41)).isEmpty();
    assertThat(kept.flushed("c", 30)).containsExactly("b");
    assertThat(kept.flushed("d", 60)).containsExactly("a");
  }

  @Test
  void a_value_counts_at_its_latest_size() {
    KeptMembers<String> kept = new KeptMembers<>(100);
    kept.flushed("a", 90);
    kept.flushed("a", 10);
    assertThat(kept.flushed("b", 90)).isEmpty();
  }

  @Test
  void the_value_just_flushed_stays_even_beyond_the_budget() {
    KeptMembers<String> kept = new KeptMembers<>(100);
    kept.flushed("a", 10);
    assertThat(kept.flushed("big", 500)).containsExactly("a");
    assertThat(kept.flushed("big", 501)).isEmpty();
  }
}
