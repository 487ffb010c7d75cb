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
  void theTokenIsTheServersDevelopmentOneUnlessGiven() {
    assertThat(Options.defaults().token()).isNull();
    assertThat(Options.parse(new String[] {"--token", "a.b.c"}).token()).isEqualTo("a.b.c");
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

  @Test
  void helpIsGeneratedFromTheDefinitionsAndNamesEveryFlagWithItsDefault() {
    assertThatThrownBy(() -> Options.parse(new String[] {"--help"}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Usage: java -jar bench/target/highwater-bench.jar")
        .hasMessageContaining("--duration-seconds=S")
        .hasMessageContaining("each measured phase (default 20)")
        .hasMessageContaining("--server-env=KEY=VALUE")
        .hasMessageContaining("--growth-connections=N");
    assertThatThrownBy(() -> Options.parse(new String[] {"--no-such-flag", "1"}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--no-such-flag").hasMessageContaining("Usage:");
  }

  @Test
  void everyFlagKeepsItsMeaning() {
    Options o = Options.parse(new String[] {"--server-java-opts", "-Xmx512m -Dx=y", "--server-env", "A=1", "--server-env", "B=x=y",
        "--warmup-seconds", "0.5", "--open-loop", "0.5,0.9", "--pgbench", "none", "--clients", "8", "--aggregates", "8"});
    assertThat(o.serverJavaOpts()).containsExactly("-Xmx512m", "-Dx=y");
    assertThat(o.serverEnv()).containsEntry("A", "1").containsEntry("B", "x=y");
    assertThat(o.warmup()).hasMillis(500);
    assertThat(o.openLoopFractions()).containsExactly(0.5, 0.9);
    assertThat(o.pgbench()).isEqualTo("none");
    assertThat(o.pgUrl()).isNull();
    Options d = Options.defaults();
    assertThat(d.serverJar()).hasToString("verticles/target/highwater.jar");
    assertThat(d.duration()).hasSeconds(20);
    assertThat(d.serverWarmup()).hasSeconds(60);
    assertThat(d.clients()).isEqualTo(64);
    assertThat(d.openLoopFractions()).containsExactly(0.25, 0.5, 0.75);
    assertThat(d.soakMinutes()).isZero();
    assertThat(d.serverJavaOpts()).isEmpty();
    assertThatThrownBy(() -> Options.parse(new String[] {"--clients", "0"})).hasMessageContaining("--clients");
    assertThatThrownBy(() -> Options.parse(new String[] {"--server-env", "novalue"})).hasMessageContaining("--server-env");
  }
}
