package io.highwater.it;

import static io.highwater.it.TestNode.action;
import static io.highwater.it.TestNode.batch;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /v1/ws}: awaits, watches, cancels, bad messages and slow clients, against a real node. */
class WebSocketTest {

  private static final int PARTITIONS = 4;
  private static final long WAIT_SECONDS = 30;
  /** Small limits, so that a client that does not read is let go quickly. */
  private static final int MAX_QUEUED_BYTES = 64 * 1024;
  private static final int MAX_SUBSCRIPTIONS = 250;

  @TempDir
  static Path dataDir;
  @TempDir
  static Path confDir;
  static TestNode node;
  static WebSocketClient sockets;

  @BeforeAll
  static void start() throws IOException {
    writeConfig();
    node = TestNode.start(dataDir, TestDatabase.fresh(), Map.of(
        "HIGHWATER_RECORDS_FLUSH_INTERVAL_MS", "20",
        "HIGHWATER_CONF_DIR", confDir.toString()));
    sockets = node.clientVertx().createWebSocketClient();
  }

  @AfterAll
  static void stop() {
    if (sockets != null) {
      sockets.close().await();
    }
    if (node != null) {
      node.close();
    }
  }

  // ---- await ----

  @Test
  void an_await_already_covered_answers_at_once_at_both_levels() {
    String ws = "await-covered";
    long last = appendBook(ws, "Dune", "Frank Herbert", "SciFi");
    try (Client client = Client.connect()) {
      JsonObject cache = client.request(await("c1", ws, "records", last, "cache", 20_000));
      assertAwaited(cache, "consistent", "c1", ws, "records", last);
      assertThat(cache.getLong("cache")).isGreaterThanOrEqualTo(last);

      // Storage needs the flush; once it is there, a second await for it answers at once.
      JsonObject storage = client.request(await("s1", ws, "records", last, "storage", 20_000));
      assertAwaited(storage, "consistent", "s1", ws, "records", last);
      assertThat(storage.getLong("storage")).isGreaterThanOrEqualTo(last);
      JsonObject again = client.request(await("s2", ws, "records", last, "storage", 20_000));
      assertAwaited(again, "consistent", "s2", ws, "records", last);
      assertThat(again.getLong("storage")).isGreaterThanOrEqualTo(last);

      JsonObject view = client.request(await("v1", ws, "view:books_by_author", last, "storage", 20_000));
      assertAwaited(view, "consistent", "v1", ws, "view:books_by_author", last);
      assertThat(view.getLong("storage")).isGreaterThanOrEqualTo(last);
    }
  }

  @Test
  void an_await_beyond_the_watermark_answers_once_an_append_reaches_it() {
    String ws = "await-ahead";
    long last = appendBook(ws, "Dune", "Frank Herbert", "SciFi");
    long target = last + 1;
    try (Client client = Client.connect()) {
      client.send(await("cache", ws, "records", target, "cache", 20_000));
      client.send(await("storage", ws, "records", target, "storage", 20_000));
      client.send(await("view", ws, "view:books_by_author", target, "cache", 20_000));
      // A full round trip on the same socket while the partition is still at `last`: nothing answered.
      JsonObject probe = client.request(new JsonObject().put("op", "cancel").put("id", "probe"));
      assertThat(probe.getString("type")).isEqualTo("error");
      assertThat(client.received()).as("frames before the append").hasSize(1);

      assertThat(appendBook(ws, "Emma", "Jane Austen", "Classic")).isEqualTo(target);

      Map<String, JsonObject> answers = new HashMap<>();
      while (answers.size() < 3) {
        JsonObject frame = client.next();
        assertThat(answers.put(frame.getString("id"), frame)).as("a second answer: %s", frame.encode()).isNull();
      }
      JsonObject cache = answers.get("cache");
      assertAwaited(cache, "consistent", "cache", ws, "records", target);
      assertThat(cache.getLong("cache")).isGreaterThanOrEqualTo(target);
      JsonObject storage = answers.get("storage");
      assertAwaited(storage, "consistent", "storage", ws, "records", target);
      assertThat(storage.getLong("storage")).isGreaterThanOrEqualTo(target);
      JsonObject view = answers.get("view");
      assertAwaited(view, "consistent", "view", ws, "view:books_by_author", target);
      assertThat(view.getLong("cache")).isGreaterThanOrEqualTo(target);
    }
  }

  @Test
  void an_await_that_is_not_reached_in_time_answers_timeout_with_the_watermarks() {
    String ws = "await-timeout";
    long last = appendBook(ws, "Dune", "Frank Herbert", "SciFi");
    try (Client client = Client.connect()) {
      long started = System.nanoTime();
      JsonObject timeout = client.request(await("t1", ws, "records", last + 1000, "cache", 300));
      long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

      assertAwaited(timeout, "timeout", "t1", ws, "records", last + 1000);
      assertThat(timeout.getLong("cache")).isEqualTo(last);
      assertThat(timeout.getLong("storage")).isLessThanOrEqualTo(last);
      assertThat(elapsedMs).isGreaterThanOrEqualTo(300).isLessThan(5_000);
      // Exactly one reply: the socket answers the next request, and nothing else came.
      JsonObject next = client.request(await("t2", ws, "records", 0, "cache", 300));
      assertThat(next.getString("type")).isEqualTo("consistent");
      assertThat(client.received()).extracting(f -> f.getString("id")).containsExactly("t1", "t2");
    }
  }

  // ---- watch ----

  @Test
  void a_watch_never_goes_backwards_and_ends_at_the_final_watermark() {
    String ws = "watch-order";
    int partition = partitionOf(ws);
    try (Client client = Client.connect()) {
      JsonObject cacheStart = client.request(watch("c", ws, "records", "cache"));
      JsonObject storageStart = client.request(watch("s", ws, "records", "storage"));
      assertThat(cacheStart.getString("type")).isEqualTo("advanced");
      assertThat(storageStart.getString("type")).isEqualTo("advanced");

      // A stream of concurrent appends, each on its own aggregate so none conflicts.
      List<Future<HttpResponse<Buffer>>> appends = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        appends.add(node.client().post("/v1/apps/bookstore/ws/" + ws + "/events")
            .sendJsonObject(batch(0, action("alice", "book", "b-" + i, new JsonObject().put("n", i)))));
      }
      Future.all(appends).await();
      long last = 0;
      for (Future<HttpResponse<Buffer>> append : appends) {
        HttpResponse<Buffer> response = append.result();
        assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
        last = Math.max(last, lastOffset(response.bodyAsJsonObject()));
      }
      long last_ = last;

      client.next(f -> "c".equals(f.getString("id")) && f.getLong("cache") == last_);
      client.next(f -> "s".equals(f.getString("id")) && f.getLong("storage") == last_);
      for (String id : List.of("c", "s")) {
        List<JsonObject> frames = client.received().stream().filter(f -> id.equals(f.getString("id"))).toList();
        String level = id.equals("c") ? "cache" : "storage";
        for (int i = 0; i < frames.size(); i++) {
          JsonObject f = frames.get(i);
          assertThat(f.getString("type")).isEqualTo("advanced");
          assertThat(f.getString("entity")).isEqualTo("records");
          assertThat(f.getInteger("partition")).isEqualTo(partition);
          assertThat(f.getLong("cache")).as(f.encode()).isGreaterThanOrEqualTo(f.getLong("storage"));
          if (i > 0) {
            JsonObject before = frames.get(i - 1);
            // The watched level strictly moves; the other never goes back.
            assertThat(f.getLong(level)).as("%s after %s", f.encode(), before.encode()).isGreaterThan(before.getLong(level));
            assertThat(f.getLong("cache")).as(f.encode()).isGreaterThanOrEqualTo(before.getLong("cache"));
            assertThat(f.getLong("storage")).as(f.encode()).isGreaterThanOrEqualTo(before.getLong("storage"));
          }
        }
        assertThat(frames.get(frames.size() - 1).getLong(level)).isEqualTo(last);
      }
      assertThat(records(node.consistency(ws)).getLong("cache")).isEqualTo(last);
    }
  }

  @Test
  void a_star_watch_follows_records_and_every_view() {
    String ws = "watch-all";
    Set<String> entities = Set.of("records", "view:books_by_author", "view:genre_counts");
    try (Client client = Client.connect()) {
      client.send(watch("all", ws, "*", "cache"));
      Map<String, JsonObject> initial = new HashMap<>();
      while (initial.size() < entities.size()) {
        JsonObject frame = client.next(id("all"));
        initial.put(frame.getString("entity"), frame);
      }
      assertThat(initial.keySet()).isEqualTo(entities);

      long offset = appendBook(ws, "Dune", "Frank Herbert", "SciFi");
      Map<String, Long> reached = new HashMap<>();
      while (reached.size() < entities.size()) {
        JsonObject frame = client.next(id("all"));
        assertThat(frame.getString("type")).isEqualTo("advanced");
        assertThat(frame.getInteger("partition")).isEqualTo(partitionOf(ws));
        if (frame.getLong("cache") >= offset) {
          reached.put(frame.getString("entity"), frame.getLong("cache"));
        }
      }
      assertThat(reached.keySet()).isEqualTo(entities);
    }
  }

  @Test
  void a_cancelled_watch_or_await_sends_nothing_more() {
    String ws = "cancel";
    try (Client client = Client.connect()) {
      client.request(watch("w", ws, "records", "cache"));
      client.send(await("a", ws, "records", 1_000_000, "cache", 60_000));
      JsonObject cancelled = client.request(new JsonObject().put("op", "cancel").put("id", "w"));
      assertThat(cancelled).isEqualTo(new JsonObject().put("id", "w").put("type", "cancelled"));
      assertThat(client.request(new JsonObject().put("op", "cancel").put("id", "a")))
          .isEqualTo(new JsonObject().put("id", "a").put("type", "cancelled"));

      long offset = appendBook(ws, "Dune", "Frank Herbert", "SciFi");
      // An await of that offset answers in the same fan-out the cancelled watch would have used.
      JsonObject reached = client.request(await("after", ws, "records", offset, "cache", 20_000));
      assertThat(reached.getString("type")).isEqualTo("consistent");
      assertThat(client.received()).extracting(f -> f.getString("id")).containsExactly("w", "w", "a", "after");

      // The ids are free again, and cancelling one twice is an error.
      assertThat(client.request(watch("w", ws, "records", "cache")).getString("type")).isEqualTo("advanced");
      JsonObject unknown = client.request(new JsonObject().put("op", "cancel").put("id", "a"));
      assertError(unknown, "a", "id");
    }
  }

  // ---- bad messages ----

  @Test
  void a_plain_get_of_the_websocket_path_is_400() {
    HttpResponse<Buffer> response = node.get("/v1/ws");
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(400);
    assertThat(response.bodyAsJsonObject().getJsonObject("error").getString("code")).isEqualTo("bad_request");
  }

  @Test
  void every_bad_message_gets_an_error_frame_and_the_connection_stays_open() {
    String ws = "bad-frames";
    JsonObject good = await("ok", ws, "records", 0, "cache", 1000);
    try (Client client = Client.connect()) {
      assertError(client.requestText("this is not JSON"), null, "JSON");
      assertError(client.requestText("[1, 2]"), null, "JSON object");
      assertError(client.request(new JsonObject().put("op", "launch").put("id", "x1")), "x1", "op");
      assertError(client.request(good.copy().put("id", "x2").put("op", null)), "x2", "op");
      assertError(client.request(good.copy().put("id", null)), null, "id");
      assertError(client.request(good.copy().put("id", 7)), null, "id");
      assertError(client.request(good.copy().put("id", "x3").put("app", null)), "x3", "app");
      assertError(client.request(good.copy().put("id", "x4").put("app", "no-such-app")), "x4", "unknown app");
      assertError(client.request(good.copy().put("id", "x5").put("app", "Not An App")), "x5", "app");
      assertError(client.request(good.copy().put("id", "x6").put("ws", null)), "x6", "ws");
      assertError(client.request(good.copy().put("id", "x7").put("ws", "no spaces!")), "x7", "ws");
      assertError(client.request(good.copy().put("id", "x8").put("entity", null)), "x8", "entity");
      assertError(client.request(good.copy().put("id", "x9").put("entity", "view:nope")), "x9", "entity");
      assertError(client.request(good.copy().put("id", "x10").put("entity", "*")), "x10", "entity");
      assertError(client.request(good.copy().put("id", "x11").put("offset", null)), "x11", "offset");
      assertError(client.request(good.copy().put("id", "x12").put("offset", -1)), "x12", "offset");
      assertError(client.request(good.copy().put("id", "x13").put("offset", "7")), "x13", "offset");
      assertError(client.request(good.copy().put("id", "x14").put("level", "disk")), "x14", "level");
      assertError(client.request(good.copy().put("id", "x15").put("timeoutMs", 999_999)), "x15", "timeoutMs");
      assertError(client.request(watch("x16", ws, "view:nope", "cache")), "x16", "entity");
      assertError(client.request(new JsonObject().put("op", "cancel").put("id", "x17")), "x17", "x17");
      assertError(client.requestText(new JsonObject().put("op", "cancel").put("id", "big")
          .put("padding", "x".repeat(20_000)).encode()), null, "larger");
      client.ws.writeBinaryMessage(Buffer.buffer("{}")).await();
      assertError(client.next(), null, "binary");

      assertThat(client.request(watch("dup", ws, "records", "cache")).getString("type")).isEqualTo("advanced");
      assertError(client.request(good.copy().put("id", "dup")), "dup", "already in use");
      assertError(client.request(watch("dup", ws, "*", "storage")), "dup", "already in use");

      JsonObject answer = client.request(good);
      assertThat(answer.getString("type")).as(answer.encode()).isEqualTo("consistent");
    }
  }

  @Test
  void a_connection_holds_a_bounded_number_of_subscriptions() {
    String ws = "many";
    try (Client client = Client.connect()) {
      for (int i = 0; i < MAX_SUBSCRIPTIONS; i++) {
        client.send(watch("w" + i, ws, "records", "cache"));
      }
      for (int i = 0; i < MAX_SUBSCRIPTIONS; i++) {
        assertThat(client.next().getString("type")).isEqualTo("advanced");
      }
      assertError(client.request(await("one-more", ws, "records", 0, "cache", 1000)), "one-more", "too many");
      assertThat(client.request(new JsonObject().put("op", "cancel").put("id", "w0")).getString("type")).isEqualTo("cancelled");
      assertThat(client.request(await("one-more", ws, "records", 0, "cache", 1000)).getString("type")).isEqualTo("consistent");
    }
  }

  // ---- slow clients ----

  @Test
  void a_client_that_does_not_read_is_closed_while_another_keeps_receiving() {
    String ws = "slow";
    int watches = 200;
    // Long ids make every frame a couple of hundred bytes, so that the kernel's buffers fill sooner.
    String prefix = "slow-watch-" + "x".repeat(100) + "-";
    try (Client fast = Client.connect();
        Client slow = Client.connect(new WebSocketClientOptions().setReceiveBufferSize(4096))) {
      fast.request(watch("fast", ws, "records", "cache"));
      // Many watches of every entity: each watermark move is hundreds of frames for the slow client.
      // Each watch's three first frames are read before the next is sent, so that these replies never
      // build up past the allowance however slowly this thread is scheduled.
      for (int i = 0; i < watches; i++) {
        slow.send(watch(prefix + i, ws, "*", "cache"));
        for (int frame = 0; frame < 3; frame++) {
          slow.next();
        }
      }
      slow.ws.pause();

      // About 20 appends fill the kernel's buffers and the 64 KiB allowance here; 120 leave room for larger buffers.
      long last = 0;
      for (int i = 0; i < 120; i++) {
        last = appendBook(ws, "b-" + i, "author-" + (i % 7), "genre-" + (i % 5));
      }
      long last_ = last;
      fast.next(f -> f.getLong("cache") == last_);

      slow.ws.resume();
      Short status = slow.awaitClose();
      assertThat(status).as("close status").isEqualTo((short) 1008);
      assertThat(slow.ws.closeReason()).isEqualTo("client too slow");
      // What it did receive never went backwards, per subscription and entity.
      Map<String, JsonObject> latest = new HashMap<>();
      for (JsonObject f : slow.received()) {
        JsonObject before = latest.put(f.getString("id") + "/" + f.getString("entity"), f);
        if (before != null) {
          assertThat(f.getLong("cache")).as("%s after %s", f.encode(), before.encode()).isGreaterThan(before.getLong("cache"));
          assertThat(f.getLong("storage")).as("%s after %s", f.encode(), before.encode())
              .isGreaterThanOrEqualTo(before.getLong("storage"));
        }
      }

      // The fast client still works.
      fast.send(await("after", ws, "records", last, "storage", 20_000));
      assertThat(fast.next(id("after")).getString("type")).isEqualTo("consistent");
    }
  }

  // ---- helpers ----

  /** A WebSocket whose frames the test takes one at a time, keeping them all for later checks. */
  static final class Client implements AutoCloseable {

    final WebSocket ws;
    private final WebSocketClient owner;
    private final LinkedBlockingQueue<JsonObject> incoming = new LinkedBlockingQueue<>();
    private final List<JsonObject> taken = new ArrayList<>();
    private final CompletableFuture<Short> closed = new CompletableFuture<>();

    private Client(WebSocket ws, WebSocketClient owner) {
      this.ws = ws;
      this.owner = owner;
      ws.textMessageHandler(text -> incoming.add(new JsonObject(text)));
      ws.closeHandler(v -> closed.complete(ws.closeStatusCode()));
    }

    static Client connect() {
      return new Client(sockets.connect(node.httpPort(), "127.0.0.1", "/v1/ws").await(), null);
    }

    static Client connect(WebSocketClientOptions options) {
      WebSocketClient client = node.clientVertx().createWebSocketClient(options);
      return new Client(client.connect(node.httpPort(), "127.0.0.1", "/v1/ws").await(), client);
    }

    void send(JsonObject message) {
      ws.writeTextMessage(message.encode()).await();
    }

    /** Sends and returns the next frame: the answer when nothing else is in flight. */
    JsonObject request(JsonObject message) {
      send(message);
      return next();
    }

    JsonObject requestText(String text) {
      ws.writeTextMessage(text).await();
      return next();
    }

    JsonObject next() {
      try {
        JsonObject frame = incoming.poll(WAIT_SECONDS, TimeUnit.SECONDS);
        if (frame == null) {
          fail("no frame within %d s; received so far: %s", WAIT_SECONDS, taken);
        }
        taken.add(frame);
        return frame;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }

    /** The next frame that matches, taking (and keeping) the ones before it. */
    JsonObject next(Predicate<JsonObject> wanted) {
      while (true) {
        JsonObject frame = next();
        if (wanted.test(frame)) {
          return frame;
        }
      }
    }

    /** Every frame taken so far, in order. */
    List<JsonObject> received() {
      return List.copyOf(taken);
    }

    /** Takes every frame until the server closes the socket; its close status. */
    Short awaitClose() {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
      while (!closed.isDone() || !incoming.isEmpty()) {
        if (System.nanoTime() > deadline) {
          fail("the socket was not closed within %d s", WAIT_SECONDS);
        }
        try {
          JsonObject frame = incoming.poll(100, TimeUnit.MILLISECONDS);
          if (frame != null) {
            taken.add(frame);
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(e);
        }
      }
      return closed.join();
    }

    @Override
    public void close() {
      if (!ws.isClosed()) {
        ws.close().await();
      }
      if (owner != null) {
        owner.close().await();
      }
    }
  }

  private static JsonObject await(String id, String ws, String entity, long offset, String level, long timeoutMs) {
    return new JsonObject().put("op", "await").put("id", id).put("app", "bookstore").put("ws", ws)
        .put("entity", entity).put("offset", offset).put("level", level).put("timeoutMs", timeoutMs);
  }

  private static JsonObject watch(String id, String ws, String entity, String level) {
    return new JsonObject().put("op", "watch").put("id", id).put("app", "bookstore").put("ws", ws)
        .put("entity", entity).put("level", level);
  }

  private static Predicate<JsonObject> id(String id) {
    return f -> id.equals(f.getString("id"));
  }

  private static void assertAwaited(JsonObject frame, String type, String id, String ws, String entity, long offset) {
    assertThat(frame.fieldNames()).as(frame.encode())
        .containsExactlyInAnyOrder("id", "type", "app", "partition", "entity", "offset", "cache", "storage");
    assertThat(frame.getString("type")).as(frame.encode()).isEqualTo(type);
    assertThat(frame.getString("id")).isEqualTo(id);
    assertThat(frame.getString("app")).isEqualTo("bookstore");
    assertThat(frame.getInteger("partition")).isEqualTo(partitionOf(ws));
    assertThat(frame.getString("entity")).isEqualTo(entity);
    assertThat(frame.getLong("offset")).isEqualTo(offset);
    assertThat(frame.getLong("cache")).as(frame.encode()).isGreaterThanOrEqualTo(frame.getLong("storage"));
  }

  private static void assertError(JsonObject frame, String id, String messagePart) {
    assertThat(frame.getString("type")).as(frame.encode()).isEqualTo("error");
    assertThat(frame.getString("code")).as(frame.encode()).isEqualTo("bad_request");
    assertThat(frame.containsKey("id")).as(frame.encode()).isTrue();
    assertThat(frame.getValue("id")).as(frame.encode()).isEqualTo(id);
    assertThat(frame.getString("message")).as(frame.encode()).contains(messagePart);
  }

  /** Appends one book and returns its offset. */
  private static long appendBook(String ws, String id, String author, String genre) {
    HttpResponse<Buffer> response = node.append(ws, batch(0,
        action("alice", "book", id, new JsonObject().put("author", author).put("genre", genre))));
    assertThat(response.statusCode()).as("append to %s: %s", ws, response.bodyAsString()).isEqualTo(200);
    return lastOffset(response.bodyAsJsonObject());
  }

  private static long lastOffset(JsonObject appended) {
    JsonArray events = appended.getJsonArray("events");
    return events.getJsonObject(events.size() - 1).getLong("offset");
  }

  private static JsonObject records(JsonObject consistency) {
    return consistency.getJsonObject("entities").getJsonObject("records");
  }

  private static int partitionOf(String ws) {
    CRC32 crc = new CRC32();
    crc.update(ws.getBytes(StandardCharsets.UTF_8));
    return (int) (crc.getValue() % PARTITIONS);
  }

  /** The shipped configuration with small WebSocket limits, in a directory of its own. */
  private static void writeConfig() throws IOException {
    Path shipped = Path.of(System.getProperty("highwater.conf.dir", "../conf"));
    try (Stream<Path> files = Files.list(shipped)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        Files.copy(file, confDir.resolve(file.getFileName()));
      }
    }
    Path config = confDir.resolve("config.json");
    JsonObject json = new JsonObject(Files.readString(config));
    json.getJsonObject("webSocket")
        .put("maxQueuedBytes", MAX_QUEUED_BYTES)
        .put("maxSubscriptionsPerConnection", MAX_SUBSCRIPTIONS);
    Files.writeString(config, json.encodePrettily());
  }
}
