package io.highwater.it;

import static io.highwater.it.TestNode.action;
import static io.highwater.it.TestNode.batch;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reads consistent at an offset, their errors, and the consistency and operations endpoints. */
class ConsistentReadTest {

  private static final int PARTITIONS = 4;

  @TempDir
  static Path dataDir;
  static TestNode node;

  @BeforeAll
  static void start() {
    node = TestNode.start(dataDir, 20);
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @Test
  void a_read_beyond_the_current_offset_waits_for_the_append_that_reaches_it() throws Exception {
    String ws = "wait-for-append";
    long last = appendOk(ws, batch(cpOffset(ws), action("alice", "book", "Dune", new JsonObject().put("stock", 3))));
    long target = last + 1;
    String path = "/v1/apps/bookstore/ws/" + ws + "/aggregates/book/Dune?consistentAt=" + target + "&timeoutMs=20000";

    Future<HttpResponse<Buffer>> pending = node.client().get(path).send();
    // A full round trip while the partition is still at `last`: the read cannot have been answered.
    assertThat(cpOffset(ws)).isEqualTo(last);
    assertThat(pending.isComplete()).as("a read consistent at %d answered while the partition was at %d", target, last).isFalse();

    long appended = appendOk(ws, batch(last, action("bob", "book", "Dune", new JsonObject().put("stock", 2))));
    assertThat(appended).isEqualTo(target);

    HttpResponse<Buffer> read = pending.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    assertThat(read.statusCode()).as(read.bodyAsString()).isEqualTo(200);
    JsonObject body = read.bodyAsJsonObject();
    assertThat(body.getLong("consistentAt")).isGreaterThanOrEqualTo(target);
    assertThat(body.getString("level")).isEqualTo("cache");
    assertThat(body.getLong("version")).isEqualTo(target);
    assertThat(body.getJsonObject("state")).isEqualTo(new JsonObject().put("stock", 2));
  }

  @Test
  void a_read_that_does_not_catch_up_in_time_is_504_with_the_watermarks() {
    String ws = "times-out";
    long last = appendOk(ws, batch(cpOffset(ws),
        action("alice", "book", "Dune", new JsonObject().put("stock", 3)),
        action("alice", "book", "Emma", new JsonObject().put("stock", 1))));
    assertThat(last).isLessThan(1000);

    long started = System.nanoTime();
    HttpResponse<Buffer> read = node.get("/v1/apps/bookstore/ws/" + ws + "/aggregates/book/Dune?consistentAt=1000&timeoutMs=300");
    long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

    assertThat(read.statusCode()).as(read.bodyAsString()).isEqualTo(504);
    JsonObject body = read.bodyAsJsonObject();
    assertThat(body.getJsonObject("error").getString("code")).isEqualTo("timeout");
    assertThat(body.getJsonObject("error").getString("message")).isNotBlank();
    assertThat(body.getValue("cache")).as(body.encode()).isInstanceOf(Number.class);
    assertThat(body.getValue("storage")).as(body.encode()).isInstanceOf(Number.class);
    JsonObject records = records(node.consistency(ws));
    assertThat(body.getLong("cache")).isEqualTo(records.getLong("cache")).isEqualTo(last);
    assertThat(body.getLong("storage")).isLessThanOrEqualTo(body.getLong("cache"));
    assertThat(elapsedMs).isGreaterThanOrEqualTo(300).isLessThan(5_000);
  }

  @Test
  void a_storage_level_read_answers_once_flushed() {
    String ws = "storage-level";
    long last = appendOk(ws, batch(cpOffset(ws),
        action("alice", "book", "Dune", new JsonObject().put("author", "Frank Herbert").put("stock", 3)),
        action("alice", "book", "Dune", new JsonObject().put("genre", "SciFi"), "stock")));

    HttpResponse<Buffer> read = node.get("/v1/apps/bookstore/ws/" + ws + "/aggregates/book/Dune?consistentAt=" + last
        + "&level=storage&timeoutMs=20000");
    assertThat(read.statusCode()).as(read.bodyAsString()).isEqualTo(200);
    JsonObject body = read.bodyAsJsonObject();
    assertThat(body.getString("level")).isEqualTo("storage");
    assertThat(body.getLong("consistentAt")).isGreaterThanOrEqualTo(last);
    assertThat(body.getLong("version")).isEqualTo(last);
    assertThat(body.getJsonObject("state")).isEqualTo(new JsonObject().put("author", "Frank Herbert").put("genre", "SciFi"));
    assertThat(records(node.consistency(ws)).getLong("storage")).isGreaterThanOrEqualTo(last);
  }

  @Test
  void bad_read_parameters_are_400_naming_the_parameter() {
    String ws = "bad-params";
    appendOk(ws, batch(cpOffset(ws), action("alice", "book", "Dune", new JsonObject().put("stock", 3))));
    String path = "/v1/apps/bookstore/ws/" + ws + "/aggregates/book/Dune";
    Map<String, String> cases = Map.of(
        "consistentAt=abc", "consistentAt",
        "level=disk", "level",
        "timeoutMs=999999", "timeoutMs");
    cases.forEach((query, param) -> {
      HttpResponse<Buffer> read = node.get(path + "?" + query);
      assertThat(read.statusCode()).as("%s: %s", query, read.bodyAsString()).isEqualTo(400);
      JsonObject error = read.bodyAsJsonObject().getJsonObject("error");
      assertThat(error.getString("code")).as(query).isEqualTo("bad_request");
      assertThat(error.getString("message")).as(query).contains(param);
    });
    // And the aggregate is still there, untouched.
    assertThat(node.get(path).bodyAsJsonObject().getJsonObject("state")).isEqualTo(new JsonObject().put("stock", 3));
  }

  @Test
  void an_aggregate_never_written_and_an_unknown_app_are_404() {
    String ws = "not-found";
    long last = appendOk(ws, batch(cpOffset(ws), action("alice", "book", "Dune", new JsonObject().put("stock", 3))));

    for (String path : List.of(
        "/v1/apps/bookstore/ws/" + ws + "/aggregates/book/Never-Written",
        "/v1/apps/bookstore/ws/" + ws + "/aggregates/book/Never-Written?consistentAt=" + last,
        "/v1/apps/bookstore/ws/" + ws + "/aggregates/book/Never-Written?consistentAt=" + last + "&level=storage&timeoutMs=20000",
        "/v1/apps/bookstore/ws/" + ws + "/aggregates/magazine/Dune",
        "/v1/apps/bookstore/ws/other-" + ws + "/aggregates/book/Dune",
        "/v1/apps/no-such-app/ws/" + ws + "/aggregates/book/Dune",
        "/v1/apps/no-such-app/ws/" + ws + "/consistency",
        "/v1/apps/no-such-app/partitions/0/consistency")) {
      HttpResponse<Buffer> read = node.get(path);
      assertThat(read.statusCode()).as("%s: %s", path, read.bodyAsString()).isEqualTo(404);
      assertThat(read.bodyAsJsonObject().getJsonObject("error").getString("code")).as(path).isEqualTo("not_found");
    }
  }

  @Test
  void an_integer_aggregate_id_is_the_same_aggregate_as_its_decimal_string() {
    String ws = "integer-id";
    long first = appendOk(ws, batch(cpOffset(ws), action("alice", "book", 7, new JsonObject().put("title", "Seven").put("stock", 1))));

    // The string "7" conflicts with the integer 7: it is the same aggregate.
    HttpResponse<Buffer> conflict = node.append(ws, batch(first - 1, action("bob", "book", "7", new JsonObject().put("stock", 0))));
    assertThat(conflict.statusCode()).as(conflict.bodyAsString()).isEqualTo(409);
    assertThat(conflict.bodyAsJsonObject().getJsonObject("conflict").getJsonObject("theirs").getLong("offset")).isEqualTo(first);

    long second = appendOk(ws, batch(first, action("bob", "book", "7", new JsonObject().put("stock", 0))));

    for (String query : List.of("", "?consistentAt=" + second, "?consistentAt=" + second + "&level=storage&timeoutMs=20000")) {
      HttpResponse<Buffer> read = node.get("/v1/apps/bookstore/ws/" + ws + "/aggregates/book/7" + query);
      assertThat(read.statusCode()).as("%s: %s", query, read.bodyAsString()).isEqualTo(200);
      JsonObject body = read.bodyAsJsonObject();
      assertThat(body.getJsonArray("aggregate")).as(query).isEqualTo(new JsonArray().add("book").add("7"));
      assertThat(body.getJsonArray("aggregate").getValue(1)).as(query).isInstanceOf(String.class);
      assertThat(body.getJsonObject("state")).as(query).isEqualTo(new JsonObject().put("title", "Seven").put("stock", 0));
      assertThat(body.getLong("version")).as(query).isEqualTo(second);
    }
  }

  @Test
  void the_consistency_endpoints_by_workspace_and_by_partition_agree() {
    String ws = "consistency-agree";
    long last = appendOk(ws, batch(cpOffset(ws),
        action("alice", "book", "Dune", new JsonObject().put("stock", 3)),
        action("alice", "book", "Emma", new JsonObject().put("stock", 1))));
    int p = partitionOf(ws);

    JsonObject byWs = node.consistency(ws);
    HttpResponse<Buffer> byPartitionResponse = node.get("/v1/apps/bookstore/partitions/" + p + "/consistency");
    assertThat(byPartitionResponse.statusCode()).as(byPartitionResponse.bodyAsString()).isEqualTo(200);
    JsonObject byPartition = byPartitionResponse.bodyAsJsonObject();

    assertThat(byWs.getString("app")).isEqualTo("bookstore");
    assertThat(byWs.getInteger("partition")).isEqualTo(p);
    assertThat(byWs.getLong("cpOffset")).isEqualTo(last);
    JsonObject records = records(byWs);
    assertThat(records.getLong("cache")).isEqualTo(last).isGreaterThanOrEqualTo(records.getLong("storage"));
    assertThat(byPartition.getString("app")).isEqualTo("bookstore");
    assertThat(byPartition.getInteger("partition")).isEqualTo(p);
    assertThat(byPartition.getLong("cpOffset")).isEqualTo(last);
    assertThat(records(byPartition).getLong("cache")).isEqualTo(last);
    // The same entities; background work (flushes, async views) may only have moved them forward.
    JsonObject wsEntities = byWs.getJsonObject("entities");
    JsonObject partitionEntities = byPartition.getJsonObject("entities");
    assertThat(partitionEntities.fieldNames()).isEqualTo(wsEntities.fieldNames());
    for (String entity : wsEntities.fieldNames()) {
      JsonObject before = wsEntities.getJsonObject(entity);
      JsonObject after = partitionEntities.getJsonObject(entity);
      assertThat(after.getLong("cache")).as(entity).isGreaterThanOrEqualTo(before.getLong("cache"));
      assertThat(after.getLong("storage")).as(entity).isGreaterThanOrEqualTo(before.getLong("storage"));
      assertThat(after.getLong("cache")).as(entity).isGreaterThanOrEqualTo(after.getLong("storage"));
    }

    for (int q = 0; q < PARTITIONS; q++) {
      HttpResponse<Buffer> response = node.get("/v1/apps/bookstore/partitions/" + q + "/consistency");
      assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
      JsonObject r = records(response.bodyAsJsonObject());
      assertThat(r.getLong("cache")).as("partition %d", q).isGreaterThanOrEqualTo(r.getLong("storage"));
    }
    assertThat(node.get("/v1/apps/bookstore/partitions/" + PARTITIONS + "/consistency").statusCode()).isEqualTo(404);
  }

  @Test
  void health_live_answers_200_up() {
    assertHealthUp("/health/live");
  }

  @Test
  void health_ready_answers_200_up() {
    assertHealthUp("/health/ready");
  }

  private static void assertHealthUp(String path) {
    HttpResponse<Buffer> response = node.get(path);
    assertThat(response.statusCode()).as("%s: %s", path, response.bodyAsString()).isEqualTo(200);
    assertThat(response.bodyAsJsonObject().getString("status")).as(response.bodyAsString()).isEqualTo("UP");
  }

  @Test
  void metrics_have_the_cp_offset_of_every_partition() {
    String ws = "metrics";
    long last = appendOk(ws, batch(cpOffset(ws), action("alice", "book", "Dune", new JsonObject().put("stock", 3))));

    HttpResponse<Buffer> response = node.get("/metrics");
    assertThat(response.statusCode()).isEqualTo(200);
    Pattern line = Pattern.compile("^highwater_cp_offset\\{app=\"bookstore\",partition=\"(\\d+)\"} (\\d+)(?:\\.0)?$", Pattern.MULTILINE);
    Matcher m = line.matcher(response.bodyAsString());
    Map<Integer, Long> cpOffsets = new HashMap<>();
    while (m.find()) {
      cpOffsets.put(Integer.parseInt(m.group(1)), Long.parseLong(m.group(2)));
    }
    assertThat(cpOffsets).as(response.bodyAsString()).containsOnlyKeys(0, 1, 2, 3);
    assertThat(cpOffsets.get(partitionOf(ws))).isEqualTo(last);
  }

  @Test
  void the_cluster_has_one_member_owning_the_four_partitions() {
    HttpResponse<Buffer> response = node.get("/v1/cluster");
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    JsonObject cluster = response.bodyAsJsonObject();
    JsonArray members = cluster.getJsonArray("members");
    assertThat(members).as(cluster.encode()).hasSize(1);
    String member = members.getJsonObject(0).getString("id");
    assertThat(member).isNotBlank();
    assertThat(members.getJsonObject(0).getString("address")).contains(":");

    List<JsonObject> partitions = cluster.getJsonArray("partitions").stream()
        .map(JsonObject.class::cast)
        .filter(p -> "bookstore".equals(p.getString("app")))
        .toList();
    assertThat(partitions).as(cluster.encode()).extracting(p -> p.getInteger("partition")).containsExactlyInAnyOrder(0, 1, 2, 3);
    assertThat(partitions).allSatisfy(p -> {
      assertThat(p.getString("owner")).isEqualTo(member);
      assertThat(p.getLong("epoch")).isGreaterThanOrEqualTo(1L);
    });
  }

  // ---- helpers ----

  /** Appends and returns the last offset, after checking the answer. */
  private static long appendOk(String ws, JsonObject batch) {
    HttpResponse<Buffer> response = node.append(ws, batch);
    assertThat(response.statusCode()).as("append to %s: %s", ws, response.bodyAsString()).isEqualTo(200);
    JsonObject body = response.bodyAsJsonObject();
    assertThat(body.getInteger("partition")).isEqualTo(partitionOf(ws));
    List<Long> offsets = WalkthroughTest.offsets(body.getJsonArray("events"));
    return offsets.get(offsets.size() - 1);
  }

  private static long cpOffset(String ws) {
    return node.consistency(ws).getLong("cpOffset");
  }

  private static JsonObject records(JsonObject consistency) {
    JsonObject records = consistency.getJsonObject("entities").getJsonObject("records");
    assertThat(records).as(consistency.encode()).isNotNull();
    return records;
  }

  private static int partitionOf(String ws) {
    CRC32 crc = new CRC32();
    crc.update(ws.getBytes(StandardCharsets.UTF_8));
    return (int) (crc.getValue() % PARTITIONS);
  }
}
