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
    partition = partitionOf(WS);
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

  /**
   * The fault: something resumes the processor while a sync view's rebuild holds it. The swap finds
   * out before it replaces the view and fails visibly; the live view keeps every acknowledged append,
   * and a rebuild without the fault then succeeds with the same value.
   */
  @Test
  void aRebuildWhoseHoldEndsEarlyFailsVisiblyAndLosesNoAppend() throws Exception {
    Vertx vertx = node.highwater().vertx();
    String ws = "hold-rebuild";
    long last = 0;
    for (int i = 0; i < 20; i++) {
      last = offsetOf(node.append(ws, batch(0, genre("r-" + i))));
    }
    String address = Addresses.commandProcessorHold(partitionOf(ws));
    long spam = vertx.setPeriodic(2, t -> vertx.eventBus().request(address, Hold.RESUME));
    int acknowledged = 20;
    try {
      assertThat(node.post("/v1/apps/bookstore/views/genre_counts/rebuild", new JsonObject()).statusCode()).isEqualTo(202);
      JsonObject failed = null;
      long deadline = System.nanoTime() + 30_000_000_000L;
      while (failed == null && System.nanoTime() < deadline) {
        last = offsetOf(node.append(ws, batch(0, genre("r-" + acknowledged++))));
        JsonObject rebuild = genreCounts(ws).getJsonObject("rebuild");
        failed = rebuild != null && "failed".equals(rebuild.getString("status")) ? rebuild : null;
      }
      assertThat(failed).as("the rebuild failed visibly").isNotNull();
      assertThat(failed.getString("error")).contains("expired");
    } finally {
      vertx.cancelTimer(spam);
    }
    assertThat(sfCount(ws, last)).as("every acknowledged append counted").isEqualTo(acknowledged);

    assertThat(node.post("/v1/apps/bookstore/views/genre_counts/rebuild", new JsonObject()).statusCode()).isEqualTo(202);
    long more = offsetOf(node.append(ws, batch(0, genre("r-" + acknowledged++))));
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (genreCounts(ws).containsKey("rebuild") && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(genreCounts(ws).containsKey("rebuild")).as("the rebuild without the fault is done: %s", genreCounts(ws)).isFalse();
    assertThat(sfCount(ws, more)).isEqualTo(acknowledged);
  }

  private static JsonObject genre(String id) {
    return action("alice", "book", id, new JsonObject().put("genre", "sf"));
  }

  private static long offsetOf(HttpResponse<Buffer> appended) {
    assertThat(appended.statusCode()).as(appended.bodyAsString()).isEqualTo(200);
    return appended.bodyAsJsonObject().getJsonArray("events").getJsonObject(0).getLong("offset");
  }

  private static JsonObject genreCounts(String ws) {
    return node.get("/v1/apps/bookstore/partitions/" + partitionOf(ws).partition() + "/consistency").bodyAsJsonObject()
        .getJsonObject("entities").getJsonObject("view:genre_counts");
  }

  private static int sfCount(String ws, long at) {
    HttpResponse<Buffer> read = node.get("/v1/apps/bookstore/ws/" + ws + "/views/genre_counts/sf?consistentAt=" + at + "&level=storage");
    assertThat(read.statusCode()).as(read.bodyAsString()).isEqualTo(200);
    return read.bodyAsJsonObject().getJsonObject("value").getInteger("count");
  }

  private static PartitionId partitionOf(String ws) {
    CRC32 crc = new CRC32();
    crc.update(ws.getBytes(StandardCharsets.UTF_8));
    return new PartitionId("bookstore", (int) (crc.getValue() % 4));
  }

  private static JsonObject book(String id) {
    return action("alice", "book", id, new JsonObject().put("author", "A"));
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
