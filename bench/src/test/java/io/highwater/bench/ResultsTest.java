package io.highwater.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class ResultsTest {

  @Test
  void theCeilingOfRecordIsPgbenchsMedianElseTheInJvmRun() {
    Ceiling.Result jvmOneRow = run(1, 1_000);
    Ceiling.Result jvmBatches = run(100, 100);
    Results.Ceilings withPgbench = new Results.Ceilings("pgbench", List.of(run(1, 3_000), run(1, 2_000)),
        List.of(run(100, 400), run(100, 300), run(100, 900)), jvmOneRow, jvmBatches);
    assertThat(withPgbench.oneRow()).isEqualTo(2_500);
    assertThat(withPgbench.batchRows()).isEqualTo(40_000);
    assertThat(withPgbench.basis()).isEqualTo("pgbench");
    Results.Ceilings without = new Results.Ceilings(null, List.of(), List.of(), jvmOneRow, jvmBatches);
    assertThat(without.oneRow()).isEqualTo(1_000);
    assertThat(without.batchRows()).isEqualTo(10_000);
    assertThat(without.basis()).isEqualTo("in-JVM");
  }

  /** A run of so many commits in one second. */
  private static Ceiling.Result run(int rowsPerCommit, long commits) {
    return new Ceiling.Result("run", 4, rowsPerCommit, commits, Duration.ofSeconds(1), new Histogram(3));
  }
}
