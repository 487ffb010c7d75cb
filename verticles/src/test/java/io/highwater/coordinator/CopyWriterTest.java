package io.highwater.coordinator;

import io.highwater.watermark.PartitionConsistency;
import io.highwater.watermark.Watermark;
import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.highwater.cluster.HazelcastSetup;
import io.highwater.partition.PartitionId;
import io.highwater.config.ConfigLoader;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An owner's copies reach a real Hazelcast member's map coalesced, the latest one last; a copy of a
 * deposed owner lowers nothing; a stop waits for the latest copy, and gives up on a map that does not
 * answer instead of holding the stop.
 */
class CopyWriterTest {

  private static HazelcastInstance member;
  private static Vertx vertx;

  @BeforeAll
  static void start() throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    member = Hazelcast.newHazelcastInstance(HazelcastSetup.config(ConfigLoader.load(Map.of(
        "HIGHWATER_CLUSTER_NAME", "copies-" + System.nanoTime(),
        "HIGHWATER_CLUSTER_PORT", String.valueOf(port)))));
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
    member.shutdown();
  }

  private static PartitionConsistency state(long epoch, long offset) {
    return new PartitionConsistency(offset, Map.of(PartitionConsistency.RECORDS, new Watermark(offset, offset / 2)), Map.of(), epoch);
  }

  /** Runs {@code body} on a context of its own, as a verticle would, and waits for what it completes. */
  private static <T> T onContext(java.util.function.Function<ConsistencyMap, Future<T>> body) throws Exception {
    Promise<T> result = Promise.promise();
    vertx.getOrCreateContext().runOnContext(v -> body.apply(new ConsistencyMap(vertx, member)).onComplete(result));
    return result.future().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  @Test
  void manyCopiesOfferedAtOnceEndWithTheLatestInTheMap() throws Exception {
    PartitionId partition = new PartitionId("bookstore", 0);
    PartitionConsistency inMap = onContext(map -> {
      CopyWriter writer = new CopyWriter(vertx, map::publish, partition);
      for (long offset = 1; offset <= 500; offset++) {
        writer.offer(state(2, offset));
      }
      return writer.stop(5_000).compose(v -> map.current(partition));
    });
    assertThat(inMap).isEqualTo(state(2, 500));
  }

  @Test
  void aDeposedOwnersCopyLowersNothing() throws Exception {
    PartitionId partition = new PartitionId("bookstore", 1);
    PartitionConsistency inMap = onContext(map -> {
      CopyWriter newer = new CopyWriter(vertx, map::publish, partition);
      newer.offer(state(3, 40));
      return newer.stop(5_000).compose(v -> {
        CopyWriter deposed = new CopyWriter(vertx, map::publish, partition);
        deposed.offer(state(2, 90));
        return deposed.stop(5_000);
      }).compose(v -> map.current(partition));
    });
    assertThat(inMap.epoch()).isEqualTo(3);
    assertThat(inMap.cpOffset()).as("the offset of the older epoch is in PostgreSQL too").isEqualTo(90);
    assertThat(inMap.entity(PartitionConsistency.RECORDS)).isEqualTo(new Watermark(45, 45));
  }

  @Test
  void aStopGivesUpOnAMapThatDoesNotAnswer() throws Exception {
    PartitionId partition = new PartitionId("bookstore", 2);
    List<PartitionConsistency> written = new ArrayList<>();
    CopyWriter.Target silent = (id, copy) -> {
      written.add(copy);
      return Promise.<PartitionConsistency>promise().future();
    };
    long started = System.nanoTime();
    onContext(map -> {
      CopyWriter writer = new CopyWriter(vertx, silent, partition);
      writer.offer(state(1, 1));
      writer.offer(state(1, 2));
      writer.offer(state(1, 3));
      return writer.stop(300);
    });
    assertThat((System.nanoTime() - started) / 1_000_000).as("ms the stop took").isLessThan(5_000);
    assertThat(written).as("one write in flight at a time").containsExactly(state(1, 1));
  }
}
