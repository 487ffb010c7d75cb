package io.highwater.actualizer;

import static io.highwater.it.TestNode.action;
import static io.highwater.it.TestNode.batch;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.highwater.cluster.Addresses;
import io.highwater.it.TestDatabase;
import io.highwater.it.TestNode;
import io.highwater.partition.Hold;
import io.highwater.partition.PartitionId;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real node whose command processor's hold expires after 1 s unrenewed: a holder at work keeps it
 * for as long as it needs, one that died loses it, and a holder whose hold ended meanwhile finds out
 * before it counts on the processor having stood still.
 */
class ProcessorHoldTest {

  private static final long EXPIRY_MS = 1_000;
  private static final String WS = "hold-ws";

  @TempDir
  static Path dir;
  static TestNode node;
  static PartitionId partition;

  @BeforeAll
  static void start() {
    node = TestNode.start(dir, TestDatabase.fresh(), Map.of("HIGHWATER_COMMAND_PROCESSOR_REQUEST_TIMEOUT_MS", String.valueOf(EXPIRY_MS)));
    CRC32 crc = new CRC32();
    crc.update(WS.getBytes(StandardCharsets.UTF_8));
    partition = new PartitionId("bookstore", (int) (crc.getValue() % 4));
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @Test
  void aRenewedHoldOutlastsTheExpiryAndHoldsAppendsUntilReleased() throws Exception {
    Vertx vertx = node.highwater().vertx();
    ProcessorHold hold = await(ProcessorHold.take(vertx, partition));
    Thread.sleep(3 * EXPIRY_MS);
    Future<HttpResponse<Buffer>> append = node.client().post("/v1/apps/bookstore/ws/" + WS + "/events")
        .sendJsonObject(batch(0, book("held-1")));
    Thread.sleep(EXPIRY_MS / 2);
    assertThat(append.isComplete()).as("no group starts while the hold lasts").isFalse();
    await(hold.confirm());
    await(hold.release());
    assertThat(await(append).statusCode()).isEqualTo(200);
  }

  @Test
  void anUnrenewedHoldExpiresAndAnEndedOneFailsItsConfirmation() throws Exception {
    Vertx vertx = node.highwater().vertx();
    String address = Addresses.commandProcessorHold(partition);
    await(vertx.eventBus().request(address, Hold.HOLD));
    Thread.sleep(2 * EXPIRY_MS);
    assertThat(await(vertx.eventBus().<Hold.State>request(address, Hold.RENEW)).body()).isEqualTo(Hold.State.RELEASED);
    assertThat(node.append(WS, batch(0, book("after-expiry"))).statusCode()).isEqualTo(200);

    // The fault: the processor lets go of a hold whose holder is still at work.
    ProcessorHold hold = await(ProcessorHold.take(vertx, partition));
    await(vertx.eventBus().request(address, Hold.RESUME));
    assertThatThrownBy(() -> await(hold.confirm())).hasCauseInstanceOf(ProcessorHold.HoldLost.class);
    await(hold.release());
  }

  private static JsonObject book(String id) {
    return action("alice", "book", id, new JsonObject().put("author", "A"));
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
