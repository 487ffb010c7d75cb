package io.highwater.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class OptionsTest {

  @Test
  void growthIsOffByDefaultAndTakesAscendingCounts() {
    assertThat(Options.defaults().growth()).isEmpty();
    assertThat(Options.parse(new String[] {"--growth", "1000000,5000000"}).growth()).containsExactly(1_000_000L, 5_000_000L);
    assertThatThrownBy(() -> Options.parse(new String[] {"--growth", "5000000,1000000"}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--growth");
    assertThatThrownBy(() -> Options.parse(new String[] {"--growth", "1e6"}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--growth");
  }

  @Test
  void appendsStayWithinTheServersEventsPerAppend() {
    assertThat(Options.parse(new String[] {"--growth-batch-size", "1000", "--aggregate-history", "1000"}).growthBatchSize()).isEqualTo(1000);
    assertThatThrownBy(() -> Options.parse(new String[] {"--growth-batch-size", "1001"}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--growth-batch-size");
    assertThatThrownBy(() -> Options.parse(new String[] {"--aggregate-history", "1001"}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--aggregate-history");
  }

  @Test
  void theLongLivedPoolHasABookForEveryClient() {
    assertThat(Options.parse(new String[] {"--clients", "8", "--aggregates", "8"}).aggregates()).isEqualTo(8);
    assertThatThrownBy(() -> Options.parse(new String[] {"--clients", "64", "--aggregates", "63"}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--aggregates");
  }
}
