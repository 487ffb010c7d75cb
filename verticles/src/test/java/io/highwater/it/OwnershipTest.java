package io.highwater.it;

import static io.highwater.it.TestNode.action;
import static io.highwater.it.TestNode.batch;
import static org.assertj.core.api.Assertions.assertThat;

import io.highwater.cluster.Partitioner;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node whose partition was claimed behind its back (its epoch raised in PostgreSQL, as a node that
 * took it while this one was paused would have) stops serving it at its next heartbeat, and, the
 * claimer having no lease, takes it back under a newer epoch from PostgreSQL: the log goes on
 * gaplessly and reads see everything acknowledged.
 */
class OwnershipTest {

  @TempDir Path dir;
  private TestNode node;

  @BeforeEach
  void start() {
    node = TestNode.start(dir, TestDatabase.fresh(), Map.of());
  }

  @AfterEach
  void stop() {
    node.close();
  }

  @Test
  void aPartitionClaimedBehindTheNodesBackIsStoppedAndTakenBackUnderANewerEpoch() throws InterruptedException {
    String ws = "shop-1";
    int p = Partitioner.partitionOf(ws, 4);
    long first = lastOffset(node.append(ws, batch(0, action("alice", "book", "dune", new JsonObject().put("author", "Frank Herbert")))));
    JsonObject before = partition(p);
    String self = before.getString("owner");
    long epoch = before.getLong("epoch");

    TestDatabase.execute(node.pgUrl(), "UPDATE partition_owners SET owner = 'a-node-without-a-lease', epoch = epoch + 1"
        + " WHERE app = 'bookstore' AND partition = " + p);

    JsonObject after = awaitOwner(p, self, epoch + 2, Duration.ofSeconds(20));
    assertThat(after.getLong("epoch")).as("claimed again after the foreign epoch %d", epoch + 1).isEqualTo(epoch + 2);

    long second = lastOffset(node.append(ws, batch(first, action("alice", "book", "dune", new JsonObject().put("genre", "SciFi")))));
    assertThat(second).as("the log goes on where it was").isEqualTo(first + 1);
    JsonObject read = node.get("/v1/apps/bookstore/ws/" + ws + "/aggregates/book/dune?consistentAt=" + second + "&level=cache")
        .bodyAsJsonObject();
    assertThat(read.getJsonObject("state")).isEqualTo(new JsonObject().put("author", "Frank Herbert").put("genre", "SciFi"));
    assertThat(read.getLong("version")).isEqualTo(second);
    JsonObject consistency = node.consistency(ws);
    assertThat(consistency.getLong("cpOffset")).isEqualTo(second);
    assertThat(consistency.getLong("epoch")).as("the coordinator's entry is of the new ownership").isEqualTo(epoch + 2);
  }

  private JsonObject partition(int p) {
    JsonArray partitions = node.get("/v1/cluster").bodyAsJsonObject().getJsonArray("partitions");
    for (int i = 0; i < partitions.size(); i++) {
      if (partitions.getJsonObject(i).getInteger("partition") == p) {
        return partitions.getJsonObject(i);
      }
    }
    throw new AssertionError("partition " + p + " not in /v1/cluster: " + partitions);
  }

  private JsonObject awaitOwner(int p, String owner, long epoch, Duration limit) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    JsonObject last = partition(p);
    while (System.nanoTime() < deadline) {
      last = partition(p);
      if (owner.equals(last.getString("owner")) && last.getLong("epoch") >= epoch) {
        return last;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("partition " + p + " not owned by " + owner + " under epoch " + epoch + " within " + limit + ": " + last);
  }

  private static long lastOffset(HttpResponse<Buffer> response) {
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    JsonArray events = response.bodyAsJsonObject().getJsonArray("events");
    return events.getJsonObject(events.size() - 1).getLong("offset");
  }
}
