package io.highwater.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole pipeline for a few seconds: ceilings (pgbench where the machine has it, else without), server
 * from its jar (packaged by the verticles module, which the reactor builds first), closed and open loop, hot
 * key, long-lived aggregates, soak, a growth step, time to consistency, table and plot.
 */
class BenchmarkSmokeTest {

  /** Events in the log for the growth step: more than the phases before it write on a slow machine, so it fills. */
  private static final long GROWTH = 5_000;

  private static final Path ROOT = Path.of(System.getProperty("highwater.root", "..")).toAbsolutePath().normalize();

  @Test
  @Timeout(180)
  void producesTheTableAndThePlotWithSaneNumbers(@TempDir Path results) throws Exception {
    Path jar = ROOT.resolve("verticles/target/highwater.jar");
    assertThat(jar).as("the server jar, packaged by the verticles module before this one").exists();

    Benchmark.Written written = Benchmark.run(Options.parse(new String[] {
        "--server-jar", jar.toString(),
        "--conf-dir", ROOT.resolve("conf").toString(),
        "--work-dir", "target/smoke",
        "--results-dir", results.toString(),
        "--duration-seconds", "1",
        "--warmup-seconds", "0.5",
        "--server-warmup-seconds", "1",
        "--clients", "8",
        "--workspaces", "20",
        "--ceiling-connections", "8",
        "--ceiling-batch-connections", "2",
        "--ttc-sample-every", "2",
        "--open-loop", "0.5",
        "--soak-minutes", "0.02",
        "--pgbench-seconds", "1",
        "--hot-workspaces", "4",
        "--aggregates", "8",
        "--aggregate-history", "5",
        "--growth", Long.toString(GROWTH),
        "--growth-batch-size", "100",
        "--growth-connections", "4",
        "--server-java-opts", "-Xmx512m"}));

    Results r = written.results();
    Results.Ceilings c = r.ceilings();
    assertThat(c.jvmOneRow().commitsPerSecond()).isPositive();
    assertThat(c.jvmBatches().rowsPerSecond()).isGreaterThan(c.jvmBatches().commitsPerSecond());
    assertThat(c.hasPgbench()).as("pgbench runs where the machine has it").isEqualTo(Pgbench.find(null).isPresent());
    if (c.hasPgbench()) {
      assertThat(c.pgbenchOneRow()).extracting(Ceiling.Result::name).containsExactly("before", "after");
      assertThat(c.pgbenchOneRow()).allSatisfy(run -> assertThat(run.latencyMicros().getTotalCount()).isEqualTo(run.commits()));
      assertThat(c.pgbenchBatches()).allSatisfy(run -> assertThat(run.rowsPerSecond()).isEqualTo(100 * run.commitsPerSecond()));
      assertThat(c.oneRow()).as("the median of two runs").isEqualTo((c.pgbenchOneRow().get(0).commitsPerSecond() + c.pgbenchOneRow().get(1).commitsPerSecond()) / 2);
    } else {
      assertThat(c.oneRow()).isEqualTo(c.jvmOneRow().commitsPerSecond());
    }
    assertThat(r.phases()).extracting(p -> p.name).containsExactly(
        "closed loop, 1 event/append", "closed loop, 10 events/append", "open loop, 50 % of max",
        "hot key: 1 event/append, one author per workspace (4)", "long-lived: 1 event/append, updates of 8 aggregates of 5+ events",
        "soak, 50 % of max", r.growth().get(1).phase().name);
    assertThat(r.aggregates().creation().events()).isEqualTo(8 * 5);
    assertThat(r.aggregates().meanEventsAtEnd()).isGreaterThan(5);
    assertThat(r.growth()).hasSize(2);
    assertThat(r.growth().get(0).phase()).isSameAs(r.phases().get(0));
    assertThat(r.growth().get(1).logEvents()).isGreaterThanOrEqualTo(GROWTH);
    r.growth().get(1).fill().ifPresent(fill -> assertThat(r.growth().get(1).logEvents()).as("filled to the target").isEqualTo(GROWTH));
    for (Phase phase : r.phases()) {
      assertThat(phase.appendsPerSecond()).as(phase.name).isPositive();
      assertThat(phase.errors.sum()).as(phase.name + " errors, first: " + phase.firstError()).isZero();
      assertThat(phase.ttcFailures.sum()).as(phase.name + " consistency timeouts").isZero();
      assertThat(phase.ack.getValueAtPercentile(50)).as(phase.name).isPositive();
      assertThat(phase.ttcCache.getTotalCount()).as(phase.name).isPositive();
      assertThat(phase.ttcStorage.getTotalCount()).as(phase.name).isPositive();
      assertThat(phase.serverMsPerAppend()).as(phase.name).isPositive();
    }
    assertThat(r.phases().get(1).eventsPerSecond()).isEqualTo(10 * r.phases().get(1).appendsPerSecond());
    assertThat(r.memory().startKib()).isPositive();
    assertThat(r.memory().soakEndKib()).isPositive();

    String table = Files.readString(written.markdown());
    assertThat(table).contains("(a) one-row INSERT transactions", "| closed loop, 1 event/append | 8 | max |",
        "## Growth: single-event appends as the log grows", "## Targets", "Time to consistency: the Java client's `await`",
        c.hasPgbench() ? "of pgbench ceiling" : "**No pgbench** (none found");
    assertThat(Files.readString(results.resolve("latest.md"))).contains("![Ack latency against offered load](latest.png)");
    BufferedImage plot = ImageIO.read(written.plot().toFile());
    assertThat(plot.getWidth()).isEqualTo(900);
    assertThat(results.resolve("latest.png")).exists();
    // Kept for a look at what the plotting library drew.
    Files.copy(written.plot(), Path.of("target", "smoke-plot.png"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
  }
}
