package io.highwater.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A node that stops (SIGTERM's drain) answers the requests it is serving before it closes their connections. */
class GracefulStopTest {

  @TempDir
  Path dataDir;

  @Test
  void aRequestInFlightWhenTheNodeStopsIsAnsweredNotCutOff() throws Exception {
    TestNode node = TestNode.start(dataDir, 50);
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    // A read waiting for an offset nothing will reach: in flight until its own timeout, then 504.
    HttpRequest waiting = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpPort()
        + "/v1/apps/bookstore/ws/shop-1/aggregates/book/Dune?consistentAt=5&level=storage&timeoutMs=4000")).build();
    CompletableFuture<HttpResponse<String>> read = http.sendAsync(waiting, HttpResponse.BodyHandlers.ofString());
    // Long enough for the request to reach the node; it then waits there for 4 s.
    Thread.sleep(1_000);
    assertThat(read).isNotDone();
    node.close();
    HttpResponse<String> answer = read.get(30, TimeUnit.SECONDS);
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(504);
  }
}
