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
 * The whole pipeline for a few seconds: ceiling, server from its jar (packaged by the verticles module,
 * which the reactor builds first), closed and open loop, time to consistency, soak, table and plot.
 */
class BenchmarkSmokeTest {

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
        "--server-java-opts", "-Xmx512m"}));

    Results r = written.results();
    assertThat(r.oneRow().commitsPerSecond()).isPositive();
    assertThat(r.batches().rowsPerSecond()).isGreaterThan(r.batches().commitsPerSecond());
    assertThat(r.phases()).extracting(p -> p.name).containsExactly(
        "closed loop, 1 event/append", "closed loop, 10 events/append", "open loop, 50 % of max", "soak, 50 % of max");
    for (Phase phase : r.phases()) {
      assertThat(phase.appendsPerSecond()).as(phase.name).isPositive();
      assertThat(phase.errors.sum()).as(phase.name + " errors, first: " + phase.firstError()).isZero();
      assertThat(phase.ttcFailures.sum()).as(phase.name + " consistency timeouts").isZero();
      assertThat(phase.ack.getValueAtPercentile(50)).as(phase.name).isPositive();
      assertThat(phase.ttcCache.getTotalCount()).as(phase.name).isPositive();
      assertThat(phase.ttcStorage.getTotalCount()).as(phase.name).isPositive();
    }
    assertThat(r.phases().get(1).eventsPerSecond()).isEqualTo(10 * r.phases().get(1).appendsPerSecond());
    assertThat(r.memory().startKib()).isPositive();
    assertThat(r.memory().soakEndKib()).isPositive();

    String table = Files.readString(written.markdown());
    assertThat(table).contains("(a) one-row INSERT transactions", "| closed loop, 1 event/append | 8 | max |",
        "## Targets", "Time to consistency: the Java client's `await`");
    assertThat(Files.readString(results.resolve("latest.md"))).contains("![Ack latency against offered load](latest.png)");
    BufferedImage plot = ImageIO.read(written.plot().toFile());
    assertThat(plot.getWidth()).isEqualTo(900);
    assertThat(results.resolve("latest.png")).exists();
  }
}
