package io.highwater.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.highwater.watermark.Level;
import java.util.List;
import org.junit.jupiter.api.Test;

class LagRuleTest {

  private static final LagRule.Bounds BOUNDS = new LagRule.Bounds(100, 5_000, 2_000, 10_000);

  private static EntityLag lag(String entity, long events, long ms) {
    return new EntityLag(entity, Level.STORAGE, 7, events, ms, "");
  }

  @Test
  void within_the_bounds_nothing_is_said() {
    LagRule rule = new LagRule(BOUNDS, "shop/0");
    assertThat(rule.assess(List.of(lag("view:v", 100, 5_000), lag("records", 0, 0)), 0)).isEmpty();
  }

  @Test
  void a_lag_over_a_bound_is_tolerated_until_it_has_stayed_over_it_long_enough() {
    LagRule rule = new LagRule(BOUNDS, "shop/0");
    assertThat(rule.assess(List.of(lag("view:v", 101, 0)), 1_000)).as("just over").isEmpty();
    assertThat(rule.assess(List.of(lag("view:v", 500, 0)), 2_999)).as("not yet long enough").isEmpty();
    List<String> reasons = rule.assess(List.of(lag("view:v", 500, 0)), 3_000);
    assertThat(reasons).singleElement().asString()
        .contains("view:v of shop/0", "500 events", "at storage", "watermark 7", "for 2000 ms");
  }

  @Test
  void the_bound_in_time_counts_as_well_and_a_recovery_starts_the_wait_over() {
    LagRule rule = new LagRule(BOUNDS, "shop/0");
    rule.assess(List.of(lag("view:v", 1, 6_000)), 0);
    assertThat(rule.assess(List.of(lag("view:v", 1, 8_000)), 2_000)).hasSize(1);
    assertThat(rule.assess(List.of(lag("view:v", 0, 0)), 2_100)).as("caught up").isEmpty();
    assertThat(rule.assess(List.of(lag("view:v", 1, 6_000)), 2_200)).as("over again: the wait starts over").isEmpty();
    assertThat(rule.assess(List.of(lag("view:v", 1, 8_000)), 4_200)).hasSize(1);
  }

  @Test
  void each_entity_and_level_is_judged_on_its_own_and_a_failed_view_says_why() {
    LagRule rule = new LagRule(new LagRule.Bounds(10, 60_000, 0, 10_000), "shop/1");
    List<String> reasons = rule.assess(List.of(
        new EntityLag("view:v", Level.CACHE, 3, 11, 10, "{\"status\":\"failed\",\"error\":\"boom\"}"),
        new EntityLag("view:v", Level.STORAGE, 3, 11, 10, ""),
        lag("records", 2, 10)), 0);
    assertThat(reasons).hasSize(2);
    assertThat(reasons.get(0)).contains("at cache", "boom");
    assertThat(reasons.get(1)).contains("at storage");
  }

  @Test
  void watermarks_not_assessed_for_too_long_are_a_reason_of_their_own() {
    assertThat(LagRule.silence("shop/2", 1_000, 11_000, 10_000)).isEmpty();
    assertThat(LagRule.silence("shop/2", 1_000, 11_001, 10_000)).singleElement().asString()
        .contains("shop/2", "not been reported for 10001 ms");
  }

  @Test
  void bounds_that_cannot_work_are_refused() {
    assertThatThrownBy(() -> new LagRule.Bounds(0, 1, 0, 1)).hasMessageContaining("maxViewLagEvents");
    assertThatThrownBy(() -> new LagRule.Bounds(1, 1, -1, 1)).hasMessageContaining("overForMs");
  }
}
