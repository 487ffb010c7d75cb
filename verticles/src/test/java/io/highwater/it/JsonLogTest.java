package io.highwater.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code HIGHWATER_LOG_FORMAT=json} with conf/logback.xml: a node in a JVM of its own writes one
 * JSON object a line, and the lines its partitions' verticles write carry the app, partition,
 * epoch and offset in their MDC, while the node's other lines carry none.
 */
class JsonLogTest {

  @TempDir
  Path dir;

  @Test
  void json_lines_carry_the_partition_of_the_verticle_that_wrote_them() throws Exception {
    String logback = new File(System.getProperty("highwater.conf.dir", "../conf"), "logback.xml").getAbsolutePath();
    try (ServerProcess server = ServerProcess.start(dir, TestDatabase.fresh(), Map.of("HIGHWATER_LOG_FORMAT", "json"),
        List.of("-Dlogback.configurationFile=" + logback))) {
      HttpResponse<String> appended = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + server.httpPort() + "/v1/apps/bookstore/ws/logged/events"))
          .header("content-type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(TestNode.batch(0, TestNode.action("alice", "book", "a",
              new JsonObject().put("author", "Le Guin"))).encode()))
          .build(), HttpResponse.BodyHandlers.ofString());
      assertThat(appended.statusCode()).as(appended.body()).isEqualTo(200);
    }
    List<JsonObject> lines = new ArrayList<>();
    for (String line : Files.readAllLines(dir.resolve("server.log"))) {
      if (line.isBlank()) {
        continue;
      }
      try {
        lines.add(new JsonObject(line));
      } catch (DecodeException e) {
        throw new AssertionError("not a JSON line: " + line, e);
      }
    }
    SoftAssertions softly = new SoftAssertions();
    JsonObject recovered = lines.stream()
        .filter(l -> l.getString("loggerName", "").endsWith("CommandProcessorVerticle"))
        .filter(l -> l.getString("formattedMessage", "").startsWith("Command processor bookstore/0 recovered"))
        .findFirst().orElseThrow(() -> new AssertionError("no recovery line of bookstore/0's command processor in " + lines));
    JsonObject mdc = recovered.getJsonObject("mdc");
    softly.assertThat(recovered.getString("level")).isEqualTo("INFO");
    softly.assertThat(mdc.getString("app")).isEqualTo("bookstore");
    softly.assertThat(mdc.getString("partition")).isEqualTo("0");
    softly.assertThat(Long.parseLong(mdc.getString("epoch"))).isPositive();
    softly.assertThat(mdc.getString("offset")).as("the offset it recovered at").isEqualTo("0");

    JsonObject view = lines.stream()
        .filter(l -> l.getString("loggerName", "").endsWith("ViewActualizerVerticle"))
        .filter(l -> l.getString("formattedMessage", "").startsWith("View books_by_author of bookstore/3 at offset"))
        .findFirst().orElseThrow(() -> new AssertionError("no start line of bookstore/3's books_by_author in " + lines));
    softly.assertThat(view.getJsonObject("mdc").getString("partition")).isEqualTo("3");
    softly.assertThat(view.getJsonObject("mdc").getString("offset")).isEqualTo("0");

    JsonObject listening = lines.stream().filter(l -> l.getString("formattedMessage", "").startsWith("Highwater listening"))
        .findFirst().orElseThrow(() -> new AssertionError("no start line in " + lines));
    JsonObject nodeMdc = listening.getJsonObject("mdc", new JsonObject());
    softly.assertThat(nodeMdc.containsKey("app")).as("a line of no partition: %s", listening).isFalse();
    softly.assertAll();
  }
}
