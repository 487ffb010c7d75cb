package io.highwater.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.ServerSocket;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A server that cannot be reached is a {@link HighwaterException} naming where, the transport's error as its cause. */
class ConnectionFailureTest {

  private Vertx vertx;
  private HighwaterClient client;
  private int port;

  @BeforeEach
  void start() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort(); // closed again: nothing listens there
    }
    vertx = Vertx.vertx();
    client = HighwaterClient.create(vertx, "127.0.0.1", port);
  }

  @AfterEach
  void stop() throws Exception {
    client.close().await(10, TimeUnit.SECONDS);
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private Throwable failureOf(Future<?> call) {
    return catchThrowable(() -> call.await(10, TimeUnit.SECONDS));
  }

  @Test
  void every_kind_of_call_fails_with_connection_failed() {
    List<Future<?>> calls = List.of(
        client.append("bookstore", "shop-1", AppendRequest.of(0, List.of())),
        client.record("bookstore", "shop-1", "book", "Dune"),
        client.consistency("bookstore", "shop-1"),
        client.cluster(),
        client.await("bookstore", "shop-1", Entity.RECORDS, 1, Level.CACHE));
    for (Future<?> call : calls) {
      Throwable failure = failureOf(call);
      assertThat(failure).isInstanceOf(ConnectionFailedException.class);
      HighwaterException error = (HighwaterException) failure;
      assertThat(error.code()).isEqualTo("connection_failed");
      assertThat(error.status()).isZero();
      assertThat(error.getMessage()).contains("127.0.0.1:" + port);
      assertThat(error.getCause()).isNotNull().isNotInstanceOf(HighwaterException.class);
    }
  }
}
