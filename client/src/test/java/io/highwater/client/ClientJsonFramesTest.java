package io.highwater.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;

/**
 * The WebSocket frames' JSON routing of the client, against a scripted stand-in for {@code /v1/ws}
 * (no Highwater server): replies routed by id, frames for unknown ids ignored, timeouts and errors
 * as typed exceptions, watch coalescing while paused, cancel, and socket closes.
 */
@Timeout(value = 30, threadMode = ThreadMode.SEPARATE_THREAD)
class ClientJsonFramesTest {

  private Vertx vertx;
  private HttpServer server;
  private final List<ServerWebSocket> sockets = new CopyOnWriteArrayList<>();
  private final List<JsonObject> received = new CopyOnWriteArrayList<>();
  private HighwaterClient client;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    server = vertx.createHttpServer().webSocketHandler(ws -> {
      if (!ws.path().equals("/v1/ws")) {
        ws.close((short) 1003, "wrong path");
        return;
      }
      sockets.add(ws);
      ws.textMessageHandler(text -> answer(ws, new JsonObject(text)));
    }).listen(0, "127.0.0.1").await();
    client = HighwaterClient.create(vertx, "127.0.0.1", server.actualPort());
  }

  @AfterEach
  void stop() {
    client.close().await();
    server.close().await();
    vertx.close().await();
  }

  /** The script: noise for other ids first, then the answer the request's fields ask for. */
  private void answer(ServerWebSocket ws, JsonObject request) {
    received.add(request);
    String id = request.getString("id");
    ws.writeTextMessage(new JsonObject().put("id", "nobody").put("type", "consistent").encode());
    ws.writeTextMessage(new JsonObject().putNull("id").put("type", "error").put("code", "bad_request").put("message", "?").encode());
    switch (request.getString("op")) {
      case "await" -> {
        long offset = request.getLong("offset");
        JsonObject frame = new JsonObject().put("id", id).put("app", request.getString("app")).put("partition", 1)
            .put("entity", request.getString("entity")).put("offset", offset).put("cache", 5).put("storage", 4);
        if (request.getString("entity").equals("view:nope")) {
          ws.writeTextMessage(new JsonObject().put("id", id).put("type", "error").put("code", "bad_request")
              .put("message", "entity: unknown entity 'view:nope'").encode());
        } else if (offset <= 5) {
          ws.writeTextMessage(frame.put("type", "consistent").encode());
        } else if (offset == 999) {
          ws.writeTextMessage(frame.put("type", "timeout").encode());
        } // else: never answered
      }
      case "watch" -> {
        for (int cache = 1; cache <= 3; cache++) {
          ws.writeTextMessage(new JsonObject().put("id", id).put("type", "advanced").put("entity", "records")
              .put("partition", 1).put("cache", cache).put("storage", 0).encode());
        }
        ws.writeTextMessage(new JsonObject().put("id", id).put("type", "advanced").put("entity", "view:v")
            .put("partition", 1).put("cache", 1).put("storage", 1).encode());
      }
      case "cancel" -> ws.writeTextMessage(new JsonObject().put("id", id).put("type", "cancelled").encode());
      default -> { }
    }
  }

  @Test
  void awaits_are_answered_by_id_with_typed_failures() {
    Consistent consistent = client.await("bookstore", "w", "records", 5, Level.STORAGE, 1000).await();
    assertThat(consistent).isEqualTo(new Consistent(consistent.id(), "bookstore", 1, "records", 5, 5, 4));
    JsonObject sent = received.get(0);
    assertThat(sent).isEqualTo(new JsonObject().put("app", "bookstore").put("ws", "w").put("entity", "records")
        .put("level", "storage").put("offset", 5L).put("timeoutMs", 1000L).put("op", "await").put("id", consistent.id()));

    assertThatThrownBy(() -> client.await("bookstore", "w", "records", 999, Level.CACHE, 10).await())
        .isInstanceOfSatisfying(ConsistencyTimeoutException.class, e -> {
          assertThat(e.cache()).isEqualTo(5);
          assertThat(e.storage()).isEqualTo(4);
        });
    assertThatThrownBy(() -> client.await("bookstore", "w", "view:nope", 1, Level.CACHE).await())
        .isInstanceOfSatisfying(HighwaterException.class, e -> {
          assertThat(e.status()).isEqualTo(400);
          assertThat(e.code()).isEqualTo("bad_request");
          assertThat(e.getMessage()).contains("view:nope");
        });
    // Concurrent awaits on the one socket, each answered under its own id.
    List<Future<Consistent>> many = new java.util.ArrayList<>();
    for (int i = 0; i <= 5; i++) {
      many.add(client.await("bookstore", "w", "records", i, Level.CACHE, 1000));
    }
    Future.all(many).await();
    assertThat(many).extracting(f -> f.result().offset()).containsExactly(0L, 1L, 2L, 3L, 4L, 5L);
    assertThat(many.stream().map(f -> f.result().id()).distinct()).hasSize(6);
    assertThat(sockets).hasSize(1);
    assertThat(client.activeSubscriptions().await()).isZero();
    // The stand-in's two frames for no active id per request were ignored, and counted.
    assertThat(client.unroutedFrames()).isEqualTo(2L * received.size());
  }

  @Test
  void a_watch_keeps_the_latest_per_entity_until_it_flows_and_ends_on_cancel() throws Exception {
    WatchStream watch = client.watch("bookstore", "w", Entity.ALL, Level.CACHE);
    watch.ready().await();
    // A reply on the same socket after the watch's frames: by then they all arrived, with no handler.
    client.await("bookstore", "w", "records", 0, Level.CACHE, 1000).await();

    List<Advanced> seen = new CopyOnWriteArrayList<>();
    CompletableFuture<Void> ended = new CompletableFuture<>();
    watch.endHandler(v -> ended.complete(null)).handler(seen::add);
    waitUntil(() -> seen.size() >= 2);
    assertThat(seen).containsExactly(new Advanced(watch.id(), "records", 1, 3, 0), new Advanced(watch.id(), "view:v", 1, 1, 1));
    assertThat(received.get(0).getString("entity")).isEqualTo("*");

    watch.cancel().await();
    ended.get(5, TimeUnit.SECONDS);
    assertThat(received).extracting(f -> f.getString("op")).containsExactly("watch", "await", "cancel");
    assertThat(client.activeSubscriptions().await()).isZero();
  }

  @Test
  void fetch_delivers_on_demand() throws Exception {
    WatchStream watch = client.watch("bookstore", "w", Entity.RECORDS);
    List<Advanced> seen = new CopyOnWriteArrayList<>();
    watch.pause().handler(seen::add);
    watch.ready().await();
    client.await("bookstore", "w", "records", 0, Level.CACHE, 1000).await();
    Thread.sleep(50);
    assertThat(seen).isEmpty();
    watch.fetch(1);
    waitUntil(() -> seen.size() == 1);
    assertThat(seen.get(0).entity()).isEqualTo("records");
    watch.fetch(5);
    waitUntil(() -> seen.size() == 2);
  }

  @Test
  void a_socket_closed_by_the_server_fails_awaits_ends_watches_and_is_reopened() throws Exception {
    Future<Consistent> pending = client.await("bookstore", "w", "records", 100, Level.CACHE, 60_000);
    WatchStream watch = client.watch("bookstore", "w", Entity.RECORDS);
    CompletableFuture<Throwable> failed = new CompletableFuture<>();
    CompletableFuture<Void> ended = new CompletableFuture<>();
    watch.exceptionHandler(failed::complete).endHandler(v -> ended.complete(null)).handler(a -> { });
    watch.ready().await();

    sockets.get(0).close((short) 1008, "client too slow").await();

    assertThatThrownBy(pending::await).isInstanceOfSatisfying(ConnectionClosedException.class, e -> {
      assertThat(e.closeStatus()).isEqualTo((short) 1008);
      assertThat(e.closeReason()).isEqualTo("client too slow");
    });
    assertThat(failed.get(5, TimeUnit.SECONDS)).isInstanceOf(ConnectionClosedException.class);
    ended.get(5, TimeUnit.SECONDS);
    assertThat(watch.cancel().await()).isNull();

    assertThat(client.await("bookstore", "w", "records", 1, Level.CACHE, 1000).await().offset()).isEqualTo(1);
    assertThat(sockets).hasSize(2);
  }

  @Test
  void closing_the_client_fails_awaits_and_ends_watches() throws Exception {
    Future<Consistent> pending = client.await("bookstore", "w", "records", 100, Level.CACHE, 60_000);
    WatchStream watch = client.watch("bookstore", "w", Entity.RECORDS);
    CompletableFuture<Void> ended = new CompletableFuture<>();
    List<Throwable> failures = new CopyOnWriteArrayList<>();
    watch.exceptionHandler(failures::add).endHandler(v -> ended.complete(null)).handler(a -> { });
    watch.ready().await();

    client.close().await();

    assertThatThrownBy(pending::await).isInstanceOf(ConnectionClosedException.class);
    ended.get(5, TimeUnit.SECONDS);
    assertThat(failures).isEmpty();
    assertThatThrownBy(() -> client.await("bookstore", "w", "records", 1, Level.CACHE, 1000).await())
        .isInstanceOf(ConnectionClosedException.class);
  }

  private static void waitUntil(java.util.function.BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met in 5 s");
      }
      Thread.sleep(5);
    }
  }

}
