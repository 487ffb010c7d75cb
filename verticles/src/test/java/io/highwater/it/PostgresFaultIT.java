package io.highwater.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.highwater.config.FaultHook;
import io.highwater.it.ClusterNodes.Node;
import io.highwater.storage.EmbeddedPostgres;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * PostgreSQL failing under a node that takes load: restarted, unreachable for 30 s, or a failure
 * injected after a group's commit. The node is a process of its own started from the jar; it reaches
 * its PostgreSQL (one this class owns, so that it may restart it) through a {@link PgProxy} that
 * can cut every connection and refuse new ones. Clients append through it all along, resending the
 * same event ids on 503 or a time-out ({@link ClusterLoad}); afterwards the {@link Invariants} must
 * hold: the log gapless, every acknowledged event in it once at its acknowledged offset, records and
 * views equal to a model of the log, no watermark ever over the log.
 */
class PostgresFaultIT {

  /** The node's command-processor request timeout here: an append answers within it (plus the margin below) or is a hang. */
  private static final Duration APPEND_TIMEOUT = Duration.ofSeconds(4);
  private static final Duration ANSWER_MARGIN = Duration.ofSeconds(3);
  private static final Duration EVENT_DEADLINE = Duration.ofSeconds(90);
  private static final Duration OUTAGE = Duration.ofSeconds(30);
  private static final Duration RECOVERY_LIMIT = Duration.ofSeconds(30);
  private static final int CLIENT_THREADS = 3;
  private static final AtomicInteger DATABASES = new AtomicInteger();

  private static Path pgDir;
  private static EmbeddedPostgres postgres;

  private ClusterNodes cluster;
  private ClusterLoad load;
  private Invariants invariants;
  private PgProxy proxy;
  private final long seed = System.nanoTime();

  @BeforeAll
  static void startPostgres() throws IOException {
    pgDir = Files.createTempDirectory("highwater-pg-fault");
    postgres = EmbeddedPostgres.start(pgDir, 0);
  }

  @AfterAll
  static void stopPostgres() {
    if (postgres != null) {
      postgres.close();
    }
  }

  @AfterEach
  void cleanUp(TestInfo test) {
    if (invariants != null) {
      invariants.close();
    }
    if (load != null) {
      load.close();
      if (cluster != null) {
        load.writeJournal(cluster.dir().resolve("acks.tsv"));
      }
    }
    if (cluster != null) {
      cluster.close();
      log("%s: node log under %s", test.getDisplayName(), cluster.dir());
    }
    if (proxy != null) {
      proxy.close();
    }
  }

  @Test
  void postgres_restarted_under_load_the_node_recovers_by_itself_and_readiness_drops_and_returns() throws IOException {
    Node node = nodeUnderLoad("pg-restart", Map.of());
    ClusterNodes.sleep(4_000);

    log("restarting PostgreSQL; load so far: %s", load.summary());
    proxy.refuse();
    postgres.close();
    long downAt = System.nanoTime();
    int readyWhileDown = awaitReadiness(node, 503, Duration.ofSeconds(15));
    postgres = EmbeddedPostgres.start(pgDir, 0);
    proxy.upstream(postgres.port());
    proxy.accept();
    long upAt = System.nanoTime();
    int readyAfter = awaitReadiness(node, 200, RECOVERY_LIMIT);
    log("PostgreSQL back %.1f s after it stopped; ready again %.1f s later", (upAt - downAt) / 1e9, (System.nanoTime() - upAt) / 1e9);

    ClusterNodes.sleep(5_000);
    load.stop();
    SoftAssertions softly = new SoftAssertions();
    readiness(softly, readyWhileDown, readyAfter);
    verify(softly, upAt);
  }

  @Test
  void postgres_unreachable_for_30_s_appends_answer_503_in_time_and_the_partitions_take_appends_again() {
    Node node = nodeUnderLoad("pg-outage", Map.of());
    ClusterNodes.sleep(4_000);

    log("cutting PostgreSQL off for %s; load so far: %s", OUTAGE, load.summary());
    Map<String, Long> before = load.outcomes();
    proxy.refuse();
    proxy.cut();
    long downAt = System.nanoTime();
    int readyWhileDown = awaitReadiness(node, 503, Duration.ofSeconds(15));
    ClusterNodes.sleep(Math.max(0, OUTAGE.toMillis() - (System.nanoTime() - downAt) / 1_000_000));
    proxy.accept();
    long upAt = System.nanoTime();
    Map<String, Long> during = load.outcomes();
    int readyAfter = awaitReadiness(node, 200, RECOVERY_LIMIT);
    log("reachable again after %.1f s; ready %.1f s later; answers so far %s", (upAt - downAt) / 1e9, (System.nanoTime() - upAt) / 1e9, during);

    ClusterNodes.sleep(5_000);
    load.stop();
    SoftAssertions softly = new SoftAssertions();
    softly.assertThat(during.getOrDefault("503 unavailable", 0L)).as("503 answers while PostgreSQL was unreachable: %s", during)
        .isGreaterThan(before.getOrDefault("503 unavailable", 0L));
    softly.assertThat(load.outcomes()).as("no append left without an answer past %s + %s", APPEND_TIMEOUT, ANSWER_MARGIN)
        .doesNotContainKey("timeout");
    softly.assertThat(load.longestAnswerSeconds()).as("the longest wait for an answer, in seconds")
        .isLessThan(APPEND_TIMEOUT.plus(ANSWER_MARGIN).toMillis() / 1000.0);
    readiness(softly, readyWhileDown, readyAfter);
    verify(softly, upAt);
  }

  @ParameterizedTest
  @ValueSource(strings = {"group-committed", "cache-applied"})
  void a_failure_after_the_commit_under_load_leaves_the_invariants_intact(String point) {
    Node node = nodeUnderLoad("post-commit-" + point, Map.of(FaultHook.VARIABLE, point + "@records@40@fail"));
    long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
    while (node.logLines().stream().noneMatch(l -> l.contains("Fault hook: failing")) && System.nanoTime() < deadline) {
      ClusterNodes.sleep(200);
    }
    assertThat(node.logLines()).as("the injected failure happened").anyMatch(l -> l.contains("Fault hook: failing"));
    long failedAt = System.nanoTime();
    ClusterNodes.sleep(4_000);
    load.stop();
    verify(new SoftAssertions(), failedAt);
  }

  // -----------------------------------------------------------------------------------------------

  /** One node on a fresh database reached through a new proxy, with the load and the invariant sampler running. */
  private Node nodeUnderLoad(String name, Map<String, String> env) {
    String database = "pg_fault_" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet();
    TestDatabase.execute(postgres.url(), "CREATE DATABASE " + database);
    String direct = "postgresql://" + postgres.user() + "@127.0.0.1:" + postgres.port() + "/" + database;
    proxy = PgProxy.to(postgres.port());
    Map<String, String> nodeEnv = new TreeMap<>(env);
    nodeEnv.put("HIGHWATER_CONF_DIR", confWithAppendTimeout(name).toString());
    cluster = ClusterNodes.create(name, proxy.through(direct), nodeEnv);
    cluster.startNodes(1);
    load = new ClusterLoad(cluster, ClusterLoad.workspaces(name, 2), APPEND_TIMEOUT.plus(ANSWER_MARGIN), EVENT_DEADLINE, 10, seed);
    load.start(CLIENT_THREADS);
    invariants = Invariants.watch(cluster, load, direct);
    return cluster.node(0);
  }

  /** A copy of the real configuration with the command processor's request timeout set to {@link #APPEND_TIMEOUT}. */
  private static Path confWithAppendTimeout(String name) {
    try {
      Path conf = Files.createDirectories(Path.of(System.getProperty("highwater.it.dir", "target/cluster-it")).toAbsolutePath()
          .resolve("conf-" + name + "-" + System.nanoTime()));
      Path real = ClusterNodes.confDir();
      Files.copy(real.resolve("hazelcast.xml"), conf.resolve("hazelcast.xml"));
      Files.copy(real.resolve("logback.xml"), conf.resolve("logback.xml"));
      JsonObject config = new JsonObject(Files.readString(real.resolve("config.json")));
      config.getJsonObject("commandProcessor").put("requestTimeoutMs", APPEND_TIMEOUT.toMillis());
      Files.writeString(conf.resolve("config.json"), config.encodePrettily());
      return conf;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Asks {@code /health/ready} until it answers {@code status}; the status it last answered. */
  private int awaitReadiness(Node node, int status, Duration limit) {
    long deadline = System.nanoTime() + limit.toNanos();
    int last = -1;
    while (System.nanoTime() < deadline) {
      try {
        HttpResponse<String> r = cluster.get(node, "/health/ready", Duration.ofSeconds(3));
        last = r.statusCode();
        if (last == status) {
          return last;
        }
      } catch (RuntimeException e) {
        last = -1;
      }
      ClusterNodes.sleep(100);
    }
    return last;
  }

  private static void readiness(SoftAssertions softly, int whileDown, int after) {
    softly.assertThat(whileDown).as("/health/ready while PostgreSQL could not be reached").isEqualTo(503);
    softly.assertThat(after).as("/health/ready once PostgreSQL was back").isEqualTo(200);
  }

  /**
   * Besides what {@code softly} holds already: every partition acknowledged an append sent after
   * {@code since}; every event was acknowledged within its deadline; and the invariants hold.
   */
  private void verify(SoftAssertions softly, long since) {
    log("load: %s", load.summary());
    for (int p = 0; p < ClusterNodes.PARTITIONS; p++) {
      OptionalLong first = load.firstAckSentAfter(p, since);
      softly.assertThat(first).as("partition %d acknowledged an append sent after the fault (no restart of the node)", p).isPresent();
    }
    softly.assertThat(load.errors()).as("appends refused, or not acknowledged within %s", EVENT_DEADLINE).isEmpty();
    softly.check(() -> log("%s", invariants.verify(cluster.nodes(), RECOVERY_LIMIT)));
    softly.assertAll();
  }

  private static void log(String format, Object... args) {
    System.out.println("[pg-fault-it] " + String.format(format, args));
  }
}
