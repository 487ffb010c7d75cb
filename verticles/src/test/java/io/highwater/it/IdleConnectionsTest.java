package io.highwater.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A connection that sends nothing is closed after {@code limits.idleTimeoutSeconds}, so idle sockets
 * cannot pile up; a WebSocket whose subscription is quiet stays open, kept alive by the server's pings.
 */
class IdleConnectionsTest {

  private static final int IDLE_SECONDS = 3;

  @TempDir
  static Path dataDir;
  static TestNode node;

  @BeforeAll
  static void start() {
    Path conf = TestNode.confWith(dataDir.resolve("c"), config -> {
      config.getJsonObject("limits").put("idleTimeoutSeconds", IDLE_SECONDS);
      config.getJsonObject("reads").put("maxTimeoutMs", 1000).put("ownerMarginMs", 500);
      config.getJsonObject("webSocket").put("pingIntervalSeconds", 1);
    });
    node = TestNode.start(dataDir, TestDatabase.fresh(), Map.of("HIGHWATER_CONF_DIR", conf.toString()));
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @Test
  void a_silent_connection_is_closed_after_the_idle_timeout() throws Exception {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", node.httpPort()));
      socket.setSoTimeout((IDLE_SECONDS + 10) * 1000);
      long start = System.nanoTime();
      InputStream in = socket.getInputStream();
      assertThat(in.read()).as("the server closes the connection").isEqualTo(-1);
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isGreaterThanOrEqualTo((IDLE_SECONDS - 1) * 1000L);
    }
  }

  @Test
  void a_quiet_websocket_outlives_the_idle_timeout() throws Exception {
    WebSocketClient client = node.clientVertx().createWebSocketClient();
    try {
      WebSocket ws = client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(node.httpPort()).setURI("/v1/ws"))
          .await();
      LinkedBlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();
      LinkedBlockingQueue<String> closed = new LinkedBlockingQueue<>();
      ws.textMessageHandler(text -> frames.add(new JsonObject(text)));
      ws.closeHandler(v -> closed.add("closed"));
      ws.writeTextMessage(new JsonObject().put("op", "watch").put("id", "w1").put("app", "bookstore").put("ws", "quiet")
          .put("entity", "records").put("level", "cache").encode()).await();
      Thread.sleep((IDLE_SECONDS * 3) * 1000L);
      assertThat(closed).as("the socket is still open").isEmpty();
      ws.writeTextMessage(new JsonObject().put("op", "cancel").put("id", "w1").encode()).await();
      JsonObject reply;
      do {
        reply = frames.poll(10, TimeUnit.SECONDS);
        assertThat(reply).as("an answer to the cancel").isNotNull();
      } while (!"cancelled".equals(reply.getString("type")));
      ws.close().await();
    } finally {
      client.close().await();
    }
  }
}
