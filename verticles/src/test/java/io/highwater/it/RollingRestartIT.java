package io.highwater.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.highwater.it.ClusterNodes.ClusterState;
import io.highwater.it.ClusterNodes.Node;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * A rolling restart of a StatefulSet, on one machine: three nodes from the packaged jar behind a
 * client-side round robin (the client Service), replaced one at a time the way Kubernetes replaces
 * pods: the node keeps being sent requests through its preStop pause and its drain, gets SIGTERM,
 * and once its process has ended a replacement starts; the next node is stopped only once the
 * replacement is ready and has stayed so a moment (minReadySeconds). Under load throughout, with
 * appends that fail (503, a reset or refused connection, a time-out) sent again with the same event
 * ids: none may fail for good, no acknowledged event may be lost or stored twice, and every
 * partition must end owned by one of the replacements.
 */
class RollingRestartIT {

  /** k8s/base/statefulset.yaml's terminationGracePeriodSeconds, which the pause and the drain must fit in. */
  private static final Duration GRACE_PERIOD = Duration.ofSeconds(60);
  /** Its preStop pause and minReadySeconds, shortened: the round robin here learns of a change at once. */
  private static final Duration PRE_STOP = Duration.ofSeconds(1);
  private static final Duration MIN_READY = Duration.ofSeconds(2);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(4);
  private static final Duration EVENT_DEADLINE = Duration.ofSeconds(30);
  private static final int CLIENT_THREADS = 6;

  private ClusterNodes cluster;
  private ClusterLoad load;
  private final long seed = System.nanoTime();

  @RegisterExtension
  final TestWatcher postMortem = new TestWatcher() {
    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
      if (cluster != null) {
        System.out.println("[rolling-it] failed (seed " + seed + "); the nodes' last log lines:\n" + cluster.postMortem(25));
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
        System.out.println("[rolling-it] " + test.getDisplayName() + ": node logs under " + cluster.dir());
      }
    }
  }

  @Test
  void replacingEveryNodeOneAtATimeUnderLoadFailsNoRequestAndLosesNoAcknowledgedEvent() {
    cluster = ClusterNodes.create("rolling", TestDatabase.fresh());
    cluster.startNodes(3);
    load = new ClusterLoad(cluster, ClusterLoad.workspaces("roll", 3), REQUEST_TIMEOUT, EVENT_DEADLINE, 10, seed);
    load.start(CLIENT_THREADS);
    ClusterNodes.sleep(3_000);

    List<Node> replacements = new ArrayList<>();
    List<String> exits = new ArrayList<>();
    // A StatefulSet replaces its pods from the highest ordinal down.
    List<Node> originals = new ArrayList<>(cluster.nodes());
    Collections.reverse(originals);
    for (Node old : originals) {
      log("stopping node %d (%s); load so far: %s", old.index(), cluster.cluster(old).ownedBy(old), load.summary());
      ClusterNodes.sleep(PRE_STOP.toMillis());
      long terminatedAt = System.nanoTime();
      old.process().onExit().thenRun(() -> load.removeTarget(old));
      old.terminate();
      Optional<Integer> exit = old.awaitExit(GRACE_PERIOD.minus(PRE_STOP));
      double seconds = (System.nanoTime() - terminatedAt) / 1e9;
      exits.add(exit.map(status -> String.format("node %d exited (status %d) %.2f s after SIGTERM", old.index(), status, seconds))
          .orElse("node " + old.index() + " still running " + GRACE_PERIOD.minus(PRE_STOP) + " after SIGTERM"));
      log("%s; load so far: %s", exits.get(exits.size() - 1), load.summary());
      assertThat(exit).as("node %d drains and exits within the grace period after SIGTERM (log %s)", old.index(), old.log()).isPresent();
      load.removeTarget(old);

      Node replacement = cluster.addNode();
      load.addTarget(replacement);
      replacements.add(replacement);
      ClusterNodes.sleep(MIN_READY.toMillis());
      log("node %d ready in its place; load so far: %s", replacement.index(), load.summary());
    }
    ClusterNodes.sleep(3_000);
    load.stop();

    ClusterState settled = cluster.awaitBalanced(replacements, Duration.ofSeconds(60));
    log("after the rolling restart: %s; load: %s; %s", settled.describe(), load.summary(), exits);
    SoftAssertions softly = new SoftAssertions();
    softly.assertThat(load.errors()).as("requests that failed even when sent again with the same ids").isEmpty();
    softly.assertThat(settled.allOwnedByMembers()).as("every partition owned by a replacement: %s", settled.describe()).isTrue();
    softly.assertThat(settled.members()).as("members after the restart: %s", settled.describe()).hasSize(3)
        .allMatch(m -> replacements.stream().anyMatch(m::isNode));
    softly.check(() -> log("%s", load.verifyLogs(load.readLogs(replacements.get(0)))));
    softly.check(() -> {
      var logs = load.readLogs(replacements.get(0));
      load.verifyViews(replacements, load.model(logs), ClusterLoad.lastOffsets(logs), List.of("storage"));
    });
    softly.assertAll();
  }

  private static void log(String format, Object... args) {
    System.out.println("[rolling-it] " + String.format(format, args));
  }
}
