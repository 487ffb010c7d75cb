package io.highwater.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.highwater.it.ClusterLoad.Ack;
import io.highwater.it.ClusterNodes.ClusterState;
import io.highwater.it.ClusterNodes.Node;
import io.highwater.client.Consistent;
import io.highwater.client.HighwaterClient;
import io.highwater.client.Level;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Partition ownership across a real cluster: three nodes, each a JVM of its own started from the
 * shaded jar, one Hazelcast cluster over TCP-IP on 127.0.0.1 and one PostgreSQL. Client threads
 * append through every node while a node is killed (SIGKILL), leaves (SIGTERM) or freezes
 * (SIGSTOP, later SIGCONT); afterwards every partition's log must be gapless, hold every
 * acknowledged event exactly once at its acknowledged offset, and the views must equal a model
 * computed from the acknowledged events. Fail-over times are printed ({@code [cluster-it]} lines).
 *
 * <p>Runs in {@code mvn verify} (failsafe, after the package phase built {@code target/highwater.jar});
 * alone: {@code mvn -B verify -pl verticles -am -Dtest=NoSuchTest -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=ClusterIT}.
 * The nodes' logs stay under {@code verticles/target/cluster-it/}.
 */
class ClusterIT {

  /** How long a dead or departed owner's partitions may go without an acknowledged append. */
  private static final Duration FAILOVER_LIMIT = Duration.ofSeconds(10);
  /** How long a paused owner's partitions may take to get new owners (Hazelcast notices in ~5 s, then its lease must run out). */
  private static final Duration PAUSE_MOVE_LIMIT = Duration.ofSeconds(20);
  /** How long the client threads keep appending after the kill, the SIGTERM or the SIGCONT. */
  private static final Duration LOAD_AFTER = Duration.ofSeconds(12);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(4);
  private static final Duration EVENT_DEADLINE = Duration.ofSeconds(30);
  private static final int CLIENT_THREADS = 6;

  private ClusterNodes cluster;
  private ClusterLoad load;
  private final long seed = System.nanoTime();
  private final Random random = new Random(seed);

  @RegisterExtension
  final TestWatcher postMortem = new TestWatcher() {
    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
      if (cluster != null) {
        System.out.println("[cluster-it] " + context.getDisplayName() + " failed (seed " + seed + "); the nodes' last log lines:\n"
            + cluster.postMortem(25));
      }
    }
  };

  @AfterEach
  void cleanUp(TestInfo test) {
    try {
      if (load != null) {
        load.close();
        if (cluster != null) {
          load.writeJournal(cluster.dir().resolve("acks.tsv"));
        }
      }
    } finally {
      if (cluster != null) {
        cluster.close();
        cluster.errorLines(3).forEach((node, lines) -> {
          if (!lines.isEmpty()) {
            System.out.println("[cluster-it] " + test.getDisplayName() + ": node " + node + " logged ERROR lines, the first ones:\n  "
                + String.join("\n  ", lines));
          }
        });
        System.out.println("[cluster-it] " + test.getDisplayName() + ": node logs under " + cluster.dir());
      }
    }
  }

  // -----------------------------------------------------------------------------------------------

  @Test
  void three_nodes_balance_the_partitions_and_answer_consistent_reads_on_every_node() {
    cluster = ClusterNodes.create("balanced", TestDatabase.fresh());
    ClusterState state = cluster.startNodes(3);
    log("three nodes agree: %s", state.describe());

    SoftAssertions first = new SoftAssertions();
    first.assertThat(state.members()).as("members of /v1/cluster: %s", state.describe()).hasSize(3);
    for (Node node : cluster.nodes()) {
      first.assertThat(node.memberId(state)).as("node %d (%s) among the members of %s", node.index(), node.http(), state.describe()).isNotNull();
      first.assertThat(state.ownedBy(node)).as("partitions node %d owns in %s", node.index(), state.describe()).isNotEmpty();
    }
    first.assertThat(state.owners().keySet()).as("partitions listed in %s", state.describe()).containsExactly(0, 1, 2, 3);
    first.assertThat(state.ownedCounts().values().stream().sorted().toList()).as("partitions per node in %s", state.describe())
        .containsExactly(1, 1, 2);
    state.owners().values().forEach(o ->
        first.assertThat(o.epoch()).as("epoch of partition %d in %s", o.partition(), state.describe()).isGreaterThanOrEqualTo(1));
    first.assertAll();

    load = new ClusterLoad(cluster, ClusterLoad.workspaces("bal", 3), REQUEST_TIMEOUT, EVENT_DEADLINE, 5, seed);
    load.start(4);
    // At least 8 s, and until every partition and every node has acknowledged a few (a slow machine), at most 30 s.
    long loadStart = System.nanoTime();
    do {
      ClusterNodes.sleep(500);
    } while (System.nanoTime() - loadStart < Duration.ofSeconds(30).toNanos()
        && (System.nanoTime() - loadStart < Duration.ofSeconds(8).toNanos()
            || load.acksByPartition().size() < ClusterNodes.PARTITIONS || load.acksByPartition().values().stream().anyMatch(n -> n < 10)
            || load.acksByNode().size() < 3 || load.acksByNode().values().stream().anyMatch(n -> n < 5)));
    load.stop();
    log("load: %s", load.summary());

    assertThat(load.errors()).as("failures of the load (refused or never acknowledged appends)").isEmpty();
    assertThat(load.acksByPartition().keySet()).as("partitions that acknowledged appends: %s", load.summary()).containsExactly(0, 1, 2, 3);
    assertThat(load.acksByNode().keySet()).as("nodes that acknowledged appends: %s", load.summary()).containsExactly(0, 1, 2);

    // Every node places each workspace as CRC32 does.
    SoftAssertions softly = new SoftAssertions();
    for (Node node : cluster.nodes()) {
      for (String ws : load.workspaces()) {
        HttpResponse<String> r = cluster.get(node, "/v1/apps/bookstore/ws/" + ws + "/consistency", Duration.ofSeconds(10));
        softly.assertThat(r.statusCode()).as("node %d: GET consistency of ws %s: %s", node.index(), ws, r.body()).isEqualTo(200);
        if (r.statusCode() == 200) {
          softly.assertThat(new JsonObject(r.body()).getInteger("partition")).as("node %d: partition of ws %s", node.index(), ws)
              .isEqualTo(ClusterLoad.partitionOf(ws));
        }
      }
    }
    // Every node's command-processor offset reached every acknowledged offset.
    Map<Integer, Long> lastAcked = new TreeMap<>();
    load.acks().values().forEach(a -> lastAcked.merge(a.partition(), a.offset(), Math::max));
    for (Node node : cluster.nodes()) {
      for (Map.Entry<Integer, Long> e : lastAcked.entrySet()) {
        HttpResponse<String> r = cluster.get(node, "/v1/apps/bookstore/partitions/" + e.getKey() + "/consistency", Duration.ofSeconds(10));
        softly.assertThat(r.statusCode()).as("node %d: GET consistency of partition %d: %s", node.index(), e.getKey(), r.body()).isEqualTo(200);
        if (r.statusCode() == 200) {
          softly.assertThat(new JsonObject(r.body()).getLong("cpOffset", -1L))
              .as("node %d: cpOffset of partition %d vs its last acknowledged offset; %s", node.index(), e.getKey(), r.body())
              .isGreaterThanOrEqualTo(e.getValue());
        }
      }
    }
    softly.assertAll();

    // Reads at acknowledged offsets, on every node, at both levels: a sample of each partition's acks.
    List<Ack> sample = new ArrayList<>();
    load.acks().values().stream().collect(Collectors.groupingBy(Ack::partition)).values().forEach(acks -> {
      List<Ack> shuffled = new ArrayList<>(acks);
      Collections.shuffle(shuffled, random);
      sample.addAll(shuffled.subList(0, Math.min(12, shuffled.size())));
    });
    load.verifyReadsAtAcknowledgedOffsets(cluster.nodes(), sample);

    Map<Integer, List<JsonObject>> logs = load.readLogs(cluster.node(0));
    log("%s", load.verifyLogs(logs));
    load.verifyViews(cluster.nodes(), load.model(logs), ClusterLoad.lastOffsets(logs), List.of("cache", "storage"));

    awaitsOnEveryNodeHearAppendsThroughAnother(new TreeMap<>(ClusterLoad.lastOffsets(logs)));

    ClusterState after = cluster.awaitStable(cluster.nodes(), Duration.ofSeconds(10));
    assertThat(after.ownersAndEpochs()).as("owners and epochs after the load (%s) vs before it (%s): nothing should move while the members stay",
        after.describe(), state.describe()).isEqualTo(state.ownersAndEpochs());
  }

  /**
   * WebSocket subscribers on any node hear every partition: on each node, for each partition, an
   * await for the partition's next offset, answered once an append sent through another node (to
   * the owner, wherever it is) has made {@code view:books_by_author} consistent there in storage.
   */
  private void awaitsOnEveryNodeHearAppendsThroughAnother(Map<Integer, Long> ends) {
    Vertx clientVertx = Vertx.vertx();
    try {
      for (Node node : cluster.nodes()) {
        HighwaterClient client = HighwaterClient.create(clientVertx, "127.0.0.1", node.httpPort());
        for (int p = 0; p < ClusterNodes.PARTITIONS; p++) {
          int partition = p;
          String ws = load.workspaces().stream().filter(w -> ClusterLoad.partitionOf(w) == partition).findFirst().orElseThrow();
          long next = ends.getOrDefault(p, 0L) + 1;
          Future<Consistent> awaited = client.await("bookstore", ws, "view:books_by_author", next, Level.STORAGE, 20_000);
          Node writer = cluster.node((node.index() + 1) % cluster.nodes().size());
          JsonObject batch = new JsonObject().put("baseOffset", 0).put("events", new JsonArray().add(new JsonObject()
              .put("id", "ws-check-" + node.index() + "-" + p)
              .put("action", new JsonObject().put("reason", "create").put("actor", new JsonArray().add("user").add("ws-check"))
                  .put("aggregate", new JsonArray().add("book").add("ws-check-" + node.index() + "-" + p))
                  .put("patch", new JsonObject().put("assoc", new JsonObject().put("author", "WebSocket Checker"))))));
          HttpResponse<String> r = cluster.post(writer, "/v1/apps/bookstore/ws/" + ws + "/events", batch, Duration.ofSeconds(20));
          assertThat(r.statusCode()).as("append through node %d to partition %d: %s", writer.index(), p, r.body()).isEqualTo(200);
          assertThat(new JsonObject(r.body()).getJsonArray("events").getJsonObject(0).getLong("offset"))
              .as("offset of the append through node %d to partition %d", writer.index(), p).isEqualTo(next);
          Consistent consistent = awaited.await();
          assertThat(consistent.storage()).as("await on node %d for partition %d at offset %d: %s", node.index(), p, next, consistent)
              .isGreaterThanOrEqualTo(next);
          ends.put(p, next);
        }
        client.close().await();
      }
    } finally {
      clientVertx.close().await();
    }
  }

  @Test
  void a_killed_owner_s_partitions_move_to_the_survivors_and_nothing_acknowledged_is_lost() {
    Scene scene = busiestOwnerUnderLoad("kill");
    ClusterState before = scene.before();
    Node victim = scene.victim();
    Set<Integer> moved = scene.moved();
    String victimId = scene.victimId();
    log("kill -9 node %d (owns partitions %s) in %s; load so far: %s", victim.index(), moved, before.describe(), load.summary());
    long killedAt = System.nanoTime();
    victim.kill();
    load.removeTarget(victim);
    List<Node> survivors = cluster.running();

    Failover failover = awaitMove(survivors.get(0), victimId, moved, before, Duration.ofSeconds(30), killedAt);
    sleepUntil(killedAt + LOAD_AFTER.toNanos());
    load.stop();
    long stoppedAt = System.nanoTime();
    ClusterState settled = cluster.awaitStable(survivors, Duration.ofSeconds(30));
    log("after the kill: %s; load: %s", settled.describe(), load.summary());
    Map<Integer, Double> gaps = reportGaps("kill -9", moved, killedAt, stoppedAt);

    verifyEverything(failover, moved, gaps, survivors, "the kill");
  }

  @Test
  void a_gracefully_leaving_node_hands_its_partitions_over_and_nothing_acknowledged_is_lost() {
    Scene scene = busiestOwnerUnderLoad("leave");
    ClusterState before = scene.before();
    Node victim = scene.victim();
    Set<Integer> moved = scene.moved();
    String victimId = scene.victimId();
    log("SIGTERM node %d (owns partitions %s) in %s; load so far: %s", victim.index(), moved, before.describe(), load.summary());
    long terminatedAt = System.nanoTime();
    // Clients keep sending to the leaving node until its process ends: a drain answers them (200 or 503).
    victim.process().onExit().thenRun(() -> load.removeTarget(victim));
    victim.terminate();
    List<Node> survivors = cluster.nodes().stream().filter(n -> n != victim && n.alive()).toList();

    Failover failover = awaitMove(survivors.get(0), victimId, moved, before, Duration.ofSeconds(30), terminatedAt);
    Optional<Integer> exit = victim.awaitExit(Duration.ofSeconds(40));
    double exitSeconds = (System.nanoTime() - terminatedAt) / 1e9;
    log("SIGTERM: node %d %s", victim.index(), exit.map(s -> String.format("exited with status %d %.2f s after SIGTERM", s, exitSeconds))
        .orElse("still running 40 s after SIGTERM"));
    load.removeTarget(victim);
    sleepUntil(terminatedAt + LOAD_AFTER.toNanos());
    load.stop();
    long stoppedAt = System.nanoTime();
    ClusterState settled = cluster.awaitStable(survivors, Duration.ofSeconds(30));
    log("after the leave: %s; load: %s", settled.describe(), load.summary());
    Map<Integer, Double> gaps = reportGaps("SIGTERM", moved, terminatedAt, stoppedAt);

    assertThat(exit).as("node %d exits after SIGTERM (graceful leave) within 40 s", victim.index()).isPresent();
    verifyEverything(failover, moved, gaps, survivors, "the graceful leave");
  }

  @Test
  void a_paused_owner_loses_its_partitions_and_cannot_write_after_it_resumes() {
    Scene scene = busiestOwnerUnderLoad("pause");
    ClusterState before = scene.before();
    Node victim = scene.victim();
    Set<Integer> moved = scene.moved();
    String victimId = scene.victimId();
    log("SIGSTOP node %d (owns partitions %s) in %s; load so far: %s", victim.index(), moved, before.describe(), load.summary());
    long pausedAt = System.nanoTime();
    victim.pause();
    load.removeTarget(victim);
    Node other = cluster.running().get(0);

    Failover failover = awaitMove(other, victimId, moved, before, PAUSE_MOVE_LIMIT.plusSeconds(20), pausedAt);
    ClusterNodes.sleep(4_000);

    long resumedAt = System.nanoTime();
    victim.resume();
    // The resumed node's first requests, straight to it, on the partitions it owned: a stale owner must
    // not write them (the fence refuses its epoch); a 200 is only right if it was stored by the new owner,
    // which the log checks below verify like every other acknowledgement.
    Map<String, String> probes = new LinkedHashMap<>();
    for (int p : moved) {
      String ws = load.workspaces().stream().filter(w -> ClusterLoad.partitionOf(w) == p).findFirst().orElseThrow();
      probes.put("partition " + p + " (ws " + ws + ")", load.probe(victim, ws, Duration.ofSeconds(10)));
    }
    log("SIGCONT node %d; its first answers on its former partitions: %s", victim.index(), probes);
    load.addTarget(victim);
    ClusterNodes.sleep(8_000);
    load.stop();

    ClusterState settled = cluster.awaitSettled(other, Duration.ofSeconds(60));
    log("after SIGCONT, settled: %s; node %d %s; load: %s", settled.describe(), victim.index(),
        victim.alive() ? "runs, its own view: " + cluster.tryCluster(victim).map(ClusterState::describe).orElse("(no answer)") : "has exited",
        load.summary());
    Map<Integer, Double> gaps = reportGaps("SIGSTOP", moved, pausedAt, resumedAt);

    List<Node> members = cluster.running().stream().filter(n -> n.memberId(settled) != null).toList();
    SoftAssertions softly = new SoftAssertions();
    softly.assertThat(failover.movedSeconds()).as("seconds until the paused node's partitions %s had new owners with higher epochs "
        + "(asked on node %d): %s", moved, other.index(), failover.state().describe()).isLessThan(PAUSE_MOVE_LIMIT.toSeconds());
    for (int p : moved) {
      softly.assertThat(gaps.get(p)).as("seconds from SIGSTOP until partition %d acknowledged an append again", p)
          .isLessThan(PAUSE_MOVE_LIMIT.toSeconds());
    }
    softly.assertThat(settled.allOwnedByMembers()).as("every partition owned by a running member once settled: %s", settled.describe()).isTrue();
    softly.check(() -> verifyStoredAndViews(members));
    softly.assertThat(load.errors()).as("failures of the load (refused, or not acknowledged within %s)", EVENT_DEADLINE).isEmpty();
    softly.assertAll();
  }

  // -----------------------------------------------------------------------------------------------

  /** Where the paused, killed or stopped node's partitions were, and which it was. */
  private record Scene(ClusterState before, Node victim, Set<Integer> moved, String victimId) {}

  /** Three nodes under load for a few seconds; the node owning the most partitions. */
  private Scene busiestOwnerUnderLoad(String name) {
    cluster = ClusterNodes.create(name, TestDatabase.fresh());
    cluster.startNodes(3);
    load = new ClusterLoad(cluster, ClusterLoad.workspaces(name, 3), REQUEST_TIMEOUT, EVENT_DEADLINE, 10, seed);
    load.start(CLIENT_THREADS);
    ClusterNodes.sleep(4_000 + random.nextInt(4_000));
    ClusterState before = cluster.awaitStable(cluster.running(), Duration.ofSeconds(10));
    Node victim = mostLoaded(before);
    return new Scene(before, victim, before.ownedBy(victim), victim.memberId(before));
  }

  /** When a departed owner's partitions showed new owners: the state that showed it and the seconds it took. */
  private record Failover(ClusterState state, double movedSeconds) {}

  /**
   * Asks {@code via} until its {@code /v1/cluster} shows every partition in {@code moved} owned by
   * another member than the departed one, a running node, under a higher epoch than in {@code before},
   * and every partition owned by a listed member.
   */
  private Failover awaitMove(Node via, String departedId, Set<Integer> moved, ClusterState before, Duration limit, long since) {
    ClusterState state = cluster.awaitCluster(via,
        "partitions " + moved + " of member " + departedId + " owned by running members under higher epochs than in " + before.describe(),
        s -> s.allOwnedByMembers()
            && moved.stream().allMatch(p -> {
              String owner = s.ownerOf(p);
              return owner != null && !owner.equals(departedId) && s.epochOf(p) > before.epochOf(p)
                  && s.nodeOf(owner).map(n -> n.alive() && !n.paused()).orElse(false);
            }),
        limit);
    double seconds = (System.nanoTime() - since) / 1e9;
    log("partitions %s moved %.2f s after the signal: %s", moved, seconds, state.describe());
    return new Failover(state, seconds);
  }

  /**
   * Prints, per partition, the time from {@code from} until it first acknowledged a request sent
   * after {@code from}, and the longest gap without such an acknowledgement until {@code to}; returns
   * the former for the partitions in {@code moved}.
   */
  private Map<Integer, Double> reportGaps(String what, Set<Integer> moved, long from, long to) {
    Map<Integer, Double> firstAck = new TreeMap<>();
    StringBuilder b = new StringBuilder();
    for (int p = 0; p < ClusterNodes.PARTITIONS; p++) {
      OptionalLong first = load.firstAckSentAfter(p, from);
      double seconds = first.isPresent() ? (first.getAsLong() - from) / 1e9 : Double.POSITIVE_INFINITY;
      if (moved.contains(p)) {
        firstAck.put(p, seconds);
      }
      b.append(String.format("%n  partition %d%s: first ack of a request sent after %s %s, longest gap without one %.2f s (over %.1f s)", p,
          moved.contains(p) ? " (moved)" : "", what, first.isPresent() ? String.format("after %.2f s", seconds) : "never",
          load.longestAckGapSeconds(p, from, to), (to - from) / 1e9));
    }
    log("fail-over after %s:%s", what, b);
    return firstAck;
  }

  private void verifyEverything(Failover failover, Set<Integer> moved, Map<Integer, Double> gaps, List<Node> survivors, String event) {
    SoftAssertions softly = new SoftAssertions();
    softly.assertThat(failover.movedSeconds()).as("seconds from %s until /v1/cluster showed partitions %s with new owners: %s", event, moved,
        failover.state().describe()).isLessThan(FAILOVER_LIMIT.toSeconds());
    for (int p : moved) {
      softly.assertThat(gaps.get(p)).as("seconds from %s until partition %d acknowledged an append again", event, p)
          .isLessThan(FAILOVER_LIMIT.toSeconds());
    }
    softly.check(() -> verifyStoredAndViews(survivors));
    softly.assertThat(load.errors()).as("failures of the load (refused, or not acknowledged within %s)", EVENT_DEADLINE).isEmpty();
    softly.assertAll();
  }

  /** The log invariants, read on the first node, and the views against the model at level storage on every node given. */
  private void verifyStoredAndViews(List<Node> nodes) {
    Map<Integer, List<JsonObject>> logs = load.readLogs(nodes.get(0));
    log("%s", load.verifyLogs(logs));
    load.verifyViews(nodes, load.model(logs), ClusterLoad.lastOffsets(logs), List.of("storage"));
  }

  /** The node owning the most partitions (the lowest index among equals). */
  private Node mostLoaded(ClusterState state) {
    return cluster.running().stream().max(Comparator.<Node>comparingInt(n -> state.ownedBy(n).size()).thenComparing(n -> -n.index()))
        .orElseThrow();
  }

  private static void sleepUntil(long nanos) {
    long ms = (nanos - System.nanoTime()) / 1_000_000;
    if (ms > 0) {
      ClusterNodes.sleep(ms);
    }
  }

  private static void log(String format, Object... args) {
    System.out.println("[cluster-it] " + String.format(format, args));
  }
}
