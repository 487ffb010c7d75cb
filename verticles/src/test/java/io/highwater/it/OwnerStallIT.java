package io.highwater.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.highwater.it.ClusterLoad.Ack;
import io.highwater.it.ClusterLoad.Latencies;
import io.highwater.it.ClusterNodes.ClusterState;
import io.highwater.it.ClusterNodes.Node;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * A member in trouble stalls only its own partitions (ADR 0013). Three nodes from the jar; client
 * threads append through the two healthy members, only to the partitions those members own, while
 * the third is paused (SIGSTOP for 8 s, then SIGCONT), killed (SIGKILL) or cut off from the others
 * (iptables on its loopback ports). Each member takes its turn; wherever Hazelcast placed the
 * consistency map's entries, the healthy members' appends keep their latency (p99 under
 * {@link #P99_LIMIT}) and none fails. (A healthy member's partition that the assignment moves to the
 * other healthy member as the membership changes waits for its move; it is reported apart.) Afterwards every acknowledged event is in the log exactly once
 * at its offset, and reads at acknowledged offsets on every running node answer no less.
 *
 * <p>Alone: {@code mvn -B -o -pl verticles -am verify -Dit.test=OwnerStallIT -Dtest=None -Dsurefire.failIfNoSpecifiedTests=false}.
 * Each window's figures are printed ({@code [owner-stall]} lines); the nodes' logs stay under
 * {@code verticles/target/cluster-it/}.
 */
class OwnerStallIT {

  private static final Duration TROUBLE = Duration.ofSeconds(8);
  /** Load through the two healthy members before the trouble: the last {@link #BASELINE} of it is the baseline. */
  private static final Duration BEFORE = Duration.ofSeconds(8);
  private static final Duration BASELINE = Duration.ofSeconds(6);
  private static final Duration WARM_UP = Duration.ofSeconds(15);
  /** How long the load may take to flow again after the previous round before a round starts. */
  private static final Duration RECOVERY = Duration.ofSeconds(60);
  /** On a quiet 2-core machine the healthy partitions' p99 stays far below this (README, A cluster). */
  private static final Duration P99_LIMIT = Duration.ofSeconds(1);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(4);
  private static final Duration EVENT_DEADLINE = Duration.ofSeconds(30);
  private static final int CLIENT_THREADS = 4;
  private static final long THINK_MS = 10;

  private ClusterNodes cluster;
  private ClusterLoad load;
  private final long seed = System.nanoTime();
  private final Random random = new Random(seed);
  private final List<String> figures = new ArrayList<>();

  @RegisterExtension
  final TestWatcher postMortem = new TestWatcher() {
    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
      if (cluster != null) {
        System.out.println("[owner-stall] " + context.getDisplayName() + " failed (seed " + seed + "); the nodes' last log lines:\n"
            + cluster.postMortem(25));
      }
    }
  };

  @AfterEach
  void cleanUp(TestInfo test) {
    figures.forEach(f -> System.out.println("[owner-stall] " + test.getDisplayName() + ": " + f));
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
        System.out.println("[owner-stall] " + test.getDisplayName() + ": node logs under " + cluster.dir());
      }
    }
  }

  @Test
  void a_paused_or_killed_member_stalls_only_its_own_partitions() {
    start("stall");
    SoftAssertions softly = new SoftAssertions();
    for (int round = 0; round < 3; round++) {
      troubleRound(softly, "SIGSTOP round " + (round + 1), round, false, victim -> {
        victim.pause();
        ClusterNodes.sleep(TROUBLE.toMillis());
        victim.resume();
      });
    }
    troubleRound(softly, "kill -9", 0, true, victim -> {
      victim.kill();
      ClusterNodes.sleep(TROUBLE.toMillis());
    });
    finish(softly);
  }

  @Test
  void a_member_cut_off_from_the_others_stalls_only_its_own_partitions() {
    String why = whyNoFirewall();
    Assumptions.assumeTrue(why == null, () -> "skipped: " + why);
    start("cut");
    SoftAssertions softly = new SoftAssertions();
    troubleRound(softly, "traffic cut", 1, true, victim -> {
      List<Node> others = cluster.running().stream().filter(n -> n != victim).toList();
      Cut cut = Cut.of(victim, others);
      try {
        ClusterNodes.sleep(TROUBLE.toMillis());
      } finally {
        cut.heal();
      }
    });
    finish(softly);
  }

  // -----------------------------------------------------------------------------------------------

  private void start(String name) {
    cluster = ClusterNodes.create(name, TestDatabase.fresh());
    cluster.startNodes(3);
    load = new ClusterLoad(cluster, ClusterLoad.workspaces(name, 3), REQUEST_TIMEOUT, EVENT_DEADLINE, THINK_MS, seed);
    load.start(CLIENT_THREADS);
    // A fresh JVM is slow for its first seconds (class loading, JIT): that is not what is measured.
    ClusterNodes.sleep(WARM_UP.toMillis());
  }

  /**
   * One member in trouble ({@code trouble} returns when it is over): the load goes through the other
   * two to the partitions they own; their appends first sent during the trouble are measured. Then
   * the cluster must settle with every partition owned by a running member, and, unless it is the
   * {@code last} round, three members again.
   */
  private void troubleRound(SoftAssertions softly, String what, int turn, boolean last, Consumer<Node> trouble) {
    List<Node> members = cluster.running().stream().sorted(Comparator.comparingInt(Node::index)).toList();
    ClusterState before = awaitQuiet(members);
    Node victim = members.get(turn % members.size());
    List<Node> healthy = members.stream().filter(n -> n != victim).toList();
    Set<Integer> healthyPartitions = new TreeSet<>();
    healthy.forEach(n -> healthyPartitions.addAll(before.ownedBy(n)));
    List<String> aimed = load.workspaces().stream().filter(ws -> healthyPartitions.contains(ClusterLoad.partitionOf(ws))).toList();
    load.targets(healthy);
    load.aim(aimed);
    ClusterNodes.sleep(BEFORE.toMillis());
    awaitFlowing(softly, healthyPartitions, what);

    long from = System.nanoTime();
    trouble.accept(victim);
    long to = System.nanoTime();
    // The member in trouble: its partitions moved, or it resumed them; a member that left is replaced.
    ClusterState settled = cluster.awaitSettled(healthy.get(0), Duration.ofSeconds(60));
    softly.assertThat(settled.allOwnedByMembers()).as("after %s every partition owned by a running member: %s", what, settled.describe())
        .isTrue();
    // Measured once the events sent during the trouble have been answered: any still unanswered
    // after a request's timeout was late anyway, and counts as not acknowledged.
    ClusterNodes.sleep(REQUEST_TIMEOUT.toMillis() + 1_000);
    // A partition the assignment moved from one healthy member to the other as the membership
    // changed waits for its move like the member's own; it is reported, not held to the limit.
    Set<Integer> stayed = healthyPartitions.stream()
        .filter(p -> before.epochOf(p) == settled.epochOf(p) && before.ownerOf(p).equals(settled.ownerOf(p)))
        .collect(Collectors.toCollection(TreeSet::new));
    Set<Integer> reassigned = new TreeSet<>(healthyPartitions);
    reassigned.removeAll(stayed);
    Latencies baseline = load.latenciesFirstSentBetween(stayed, from - BASELINE.toNanos(), from);
    Latencies during = load.latenciesFirstSentBetween(stayed, from, to);
    String figure = String.format("%s of node %d (owns %s): appends to partitions %s through nodes %s: during it %s; the %d s before it %s%s",
        what, victim.index(), before.ownedBy(victim), stayed, healthy.stream().map(Node::index).toList(), during.describe(),
        BASELINE.toSeconds(), baseline.describe(), reassigned.isEmpty() ? "" : String.format("; partitions %s, moved between the healthy"
            + " members meanwhile: %s", reassigned, load.latenciesFirstSentBetween(reassigned, from, to).describe()));
    figures.add(figure);
    System.out.println("[owner-stall] " + figure);
    softly.assertThat(stayed).as("healthy members' partitions that stayed where they were during %s: %s", what, figure).isNotEmpty();
    softly.assertThat(during.nanos()).as("acknowledged appends during %s: %s", what, figure).isNotEmpty();
    softly.assertThat(during.nanos().size()).as("appends first sent during %s all acknowledged: %s", what, figure).isEqualTo((int) during.sent());
    softly.assertThat(during.quantileSeconds(0.99)).as("p99 in seconds during %s: %s", what, figure)
        .isLessThan(P99_LIMIT.toMillis() / 1000.0);
    if (!last) {
      restoreThreeMembers(victim, what);
    }
    load.targets(cluster.running());
    load.aim(load.workspaces());
  }

  /**
   * The load to the healthy members' partitions flows before the trouble starts: every append first
   * sent in the last {@link #BASELINE} (that has had its request timeout to be answered) acknowledged,
   * with p99 under the limit. A member that rejoined in the previous round may still be settling
   * (Hazelcast merges it back, its event-bus registrations are published again); what is measured
   * is a member's trouble, not the previous one's aftermath. A cluster that does not recover within
   * {@link #RECOVERY} fails the round.
   */
  private void awaitFlowing(SoftAssertions softly, Set<Integer> partitions, String what) {
    long deadline = System.nanoTime() + RECOVERY.toNanos();
    while (true) {
      long to = System.nanoTime() - REQUEST_TIMEOUT.toNanos();
      Latencies recent = load.latenciesFirstSentBetween(partitions, to - BASELINE.toNanos(), to);
      boolean flowing = recent.sent() > 0 && recent.nanos().size() == recent.sent()
          && recent.quantileSeconds(0.99) < P99_LIMIT.toMillis() / 1000.0;
      if (flowing) {
        return;
      }
      if (System.nanoTime() > deadline) {
        softly.fail("before %s the load to partitions %s did not flow within %s: %s", what, partitions, RECOVERY, recent.describe());
        return;
      }
      System.out.println("[owner-stall] before " + what + ": the load to partitions " + partitions + " is not flowing yet: " + recent.describe());
      ClusterNodes.sleep(2_000);
    }
  }

  /**
   * The members balanced, and still with the same owners and epochs 5 s later: a member that just
   * rejoined may see partitions move back and forth for a while, which is not what is measured.
   */
  private ClusterState awaitQuiet(List<Node> members) {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    ClusterState state = cluster.awaitBalanced(members, Duration.ofSeconds(60));
    while (true) {
      ClusterNodes.sleep(5_000);
      ClusterState later = cluster.awaitBalanced(members, Duration.ofSeconds(60));
      if (later.ownersAndEpochs().equals(state.ownersAndEpochs()) || System.nanoTime() > deadline) {
        return later;
      }
      state = later;
    }
  }

  /** A resumed member rejoins (Hazelcast merges it back) and gets its share again; one that did not, or ended, is replaced. */
  private void restoreThreeMembers(Node victim, String what) {
    if (victim.alive()) {
      try {
        cluster.awaitBalanced(cluster.running(), Duration.ofSeconds(60));
        return;
      } catch (AssertionError e) {
        System.out.println("[owner-stall] node " + victim.index() + " did not rejoin after " + what + "; it is replaced");
        victim.kill();
      }
    }
    Node replacement = cluster.addNode();
    System.out.println("[owner-stall] node " + victim.index() + " has ended after " + what + "; node " + replacement.index() + " replaces it");
    cluster.awaitBalanced(cluster.running(), Duration.ofSeconds(90));
  }

  private void finish(SoftAssertions softly) {
    ClusterNodes.sleep(2_000);
    load.stop();
    System.out.println("[owner-stall] load: " + load.summary());
    List<Node> running = cluster.running();
    softly.assertThat(load.errors()).as("failures of the load (refused, or not acknowledged within %s)", EVENT_DEADLINE).isEmpty();
    softly.check(() -> {
      Map<Integer, List<io.vertx.core.json.JsonObject>> logs = load.readLogs(running.get(0));
      System.out.println("[owner-stall] " + load.verifyLogs(logs));
    });
    softly.check(() -> {
      List<Ack> sample = new ArrayList<>();
      load.acks().values().stream().collect(Collectors.groupingBy(Ack::partition)).values().forEach(acks -> {
        List<Ack> shuffled = new ArrayList<>(acks);
        Collections.shuffle(shuffled, random);
        sample.addAll(shuffled.subList(0, Math.min(8, shuffled.size())));
      });
      load.verifyReadsAtAcknowledgedOffsets(running, sample);
    });
    softly.assertAll();
  }

  // -----------------------------------------------------------------------------------------------
  // Cutting a member off: iptables rules on its loopback ports (Hazelcast and the clustered event bus)

  /** Why the cut cannot be made here, or null when it can. */
  private static String whyNoFirewall() {
    if (!"root".equals(System.getProperty("user.name"))) {
      return "cutting a member's traffic needs iptables rules and a cgroup of its own, and the test does not run as root";
    }
    try {
      Process p = new ProcessBuilder("iptables", "-m", "cgroup", "--help").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      Process list = new ProcessBuilder("iptables", "-S", "OUTPUT").redirectErrorStream(true).start();
      String listed = new String(list.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0 || !list.waitFor(10, TimeUnit.SECONDS) || list.exitValue() != 0) {
        return "iptables (with its cgroup match) cannot be used here: " + (out + listed).strip();
      }
    } catch (IOException e) {
      return "iptables is not installed: " + e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
    if (!java.nio.file.Files.isWritable(CGROUPS.resolve("cgroup.procs"))) {
      return "no writable cgroup v2 hierarchy at " + CGROUPS + " to tell the member's packets apart from the others' on loopback";
    }
    return null;
  }

  /** The cgroup v2 hierarchy: {@code /sys/fs/cgroup} on a unified host, {@code /sys/fs/cgroup/unified} on a hybrid one. */
  private static final java.nio.file.Path CGROUPS = cgroup2Mount();

  private static java.nio.file.Path cgroup2Mount() {
    try {
      return java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/mounts")).stream()
          .map(line -> line.split(" "))
          .filter(fields -> fields.length > 2 && fields[2].equals("cgroup2"))
          .map(fields -> java.nio.file.Path.of(fields[1]))
          .findFirst().orElse(java.nio.file.Path.of("/sys/fs/cgroup"));
    } catch (IOException e) {
      return java.nio.file.Path.of("/sys/fs/cgroup");
    }
  }

  /**
   * A member cut off from the others, its HTTP port and PostgreSQL still reachable: its process in a
   * cgroup of its own, whose packets to the others' Hazelcast and event-bus ports are dropped, and
   * every packet to its own such ports dropped too (connections either way stall, as on a network
   * that lost the route).
   */
  private record Cut(Node victim, java.nio.file.Path group, List<List<String>> rules) {

    static Cut of(Node victim, List<Node> others) {
      String ownPorts = ports(clusterPorts(victim));
      String theirPorts = ports(others.stream().flatMap(n -> clusterPorts(n).stream()).toList());
      java.nio.file.Path group = CGROUPS.resolve("highwater-cut-" + victim.pid());
      try {
        java.nio.file.Files.createDirectories(group);
        java.nio.file.Files.writeString(group.resolve("cgroup.procs"), String.valueOf(victim.pid()));
      } catch (IOException e) {
        throw new IllegalStateException("cannot put node " + victim.index() + " in a cgroup of its own: " + e, e);
      }
      List<List<String>> rules = List.of(
          List.of("OUTPUT", "-o", "lo", "-p", "tcp", "-m", "cgroup", "--path", group.getFileName().toString(), "-m", "multiport", "--dports",
              theirPorts, "-j", "DROP"),
          List.of("INPUT", "-i", "lo", "-p", "tcp", "-m", "multiport", "--dports", ownPorts, "-j", "DROP"));
      rules.forEach(rule -> run(concat("-I", rule)));
      System.out.println("[owner-stall] cut node " + victim.index() + " off: its ports " + ownPorts + ", the others' " + theirPorts);
      return new Cut(victim, group, rules);
    }

    void heal() {
      rules.forEach(rule -> run(concat("-D", rule)));
      try {
        if (victim.alive()) {
          java.nio.file.Files.writeString(CGROUPS.resolve("cgroup.procs"), String.valueOf(victim.pid()));
        }
        java.nio.file.Files.deleteIfExists(group);
      } catch (IOException e) {
        System.out.println("[owner-stall] cgroup " + group + " left behind: " + e);
      }
    }

    private static List<String> concat(String op, List<String> rule) {
      List<String> command = new ArrayList<>(List.of("iptables", op));
      command.addAll(rule);
      return command;
    }

    private static String ports(List<Integer> ports) {
      return ports.stream().map(String::valueOf).collect(Collectors.joining(","));
    }

    /** The TCP ports the node listens on ({@code ss -ltnpH}) but its HTTP one: Hazelcast and the clustered event bus. */
    private static List<Integer> clusterPorts(Node node) {
      String out = run(List.of("ss", "-ltnpH"));
      List<Integer> ports = new ArrayList<>();
      for (String line : out.split("\n")) {
        if (line.contains("pid=" + node.pid() + ",")) {
          String local = line.trim().split("\\s+")[3];
          int port = Integer.parseInt(local.substring(local.lastIndexOf(':') + 1));
          if (port != node.httpPort()) {
            ports.add(port);
          }
        }
      }
      if (ports.isEmpty()) {
        throw new IllegalStateException("node " + node.index() + " (pid " + node.pid() + ") listens on no cluster port ss shows:\n" + out);
      }
      return ports;
    }
  }

  private static String run(List<String> command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
      }
      return out;
    } catch (IOException e) {
      throw new IllegalStateException(String.join(" ", command) + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
