package io.highwater.health;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LagTrackerTest {

  @Test
  void the_lag_in_time_is_the_age_of_the_first_event_beyond_the_watermark() {
    LagTracker tracker = new LagTracker(10, 100);
    tracker.observe(5, 1_000);
    tracker.observe(9, 1_500);
    tracker.observe(12, 2_000);

    assertThat(tracker.lagEvents(4)).isEqualTo(8);
    assertThat(tracker.lagMs(4, 3_000)).as("offset 5 was durable at 1000").isEqualTo(2_000);
    assertThat(tracker.lagMs(5, 3_000)).as("offset 6 came with 9, at 1500").isEqualTo(1_500);
    assertThat(tracker.lagMs(11, 3_000)).isEqualTo(1_000);
    assertThat(tracker.lagMs(12, 3_000)).as("caught up").isZero();
    assertThat(tracker.lagEvents(12)).isZero();
    assertThat(tracker.lagEvents(20)).as("never negative").isZero();
  }

  @Test
  void offsets_within_the_resolution_keep_the_earlier_time_and_an_older_offset_changes_nothing() {
    LagTracker tracker = new LagTracker(100, 100);
    tracker.observe(3, 1_000);
    tracker.observe(7, 1_050);
    tracker.observe(6, 1_060);
    assertThat(tracker.cpOffset()).isEqualTo(7);
    assertThat(tracker.size()).isEqualTo(1);
    assertThat(tracker.lagMs(5, 2_000)).as("told within the resolution: from 1000").isEqualTo(1_000);
  }

  @Test
  void forgetting_what_every_entity_is_past_and_thinning_keep_the_oldest_lag_exact() {
    LagTracker tracker = new LagTracker(1, 8);
    for (int i = 1; i <= 100; i++) {
      tracker.observe(i, i * 10L);
    }
    assertThat(tracker.size()).isLessThanOrEqualTo(8);
    assertThat(tracker.lagMs(0, 2_000)).as("the oldest entry is kept").isEqualTo(1_990);
    long coarse = tracker.lagMs(50, 2_000);
    assertThat(coarse).as("under-told, never over-told").isLessThanOrEqualTo(2_000 - 510).isPositive();

    tracker.forgetUpTo(99);
    assertThat(tracker.lagMs(99, 2_000)).isEqualTo(1_000);
    assertThat(tracker.size()).isEqualTo(1);
  }
}
