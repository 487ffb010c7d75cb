package com.example.projector;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the README's "Your own view" tells a user to do, done by the build: the packaged example in
 * the {@code plugins/} directory of a server started with {@code java -jar}, a view of kind {@code sum}
 * added to {@code config.json}, and the view read through the HTTP API. The server's jar has no
 * {@code sum} kind of its own, so the view can only work if the plug-in was loaded.
 */
class PluginIT {

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private Path work;
  private Process server;
  private int port;

  @BeforeEach
  void startServerWithThePlugin() throws Exception {
    work = Path.of(System.getProperty("example.it.dir", "target/plugin-it")).resolve(UUID.randomUUID().toString());
    Path conf = Files.createDirectories(work.resolve("conf"));
    try (Stream<Path> files = Files.list(Path.of(System.getProperty("highwater.conf.dir", "../../conf")))) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        Files.copy(file, conf.resolve(file.getFileName()));
      }
    }
    JsonObject config = new JsonObject(Files.readString(conf.resolve("config.json")));
    config.getJsonObject("apps").getJsonObject("bookstore").getJsonObject("views").put("pages_by_author", new JsonObject()
        .put("projector", "sum").put("mode", "async")
        .put("options", new JsonObject().put("type", "book").put("group", "author").put("field", "pages")));
    Files.writeString(conf.resolve("config.json"), config.encodePrettily());
    Path jar = Path.of(System.getProperty("example.jar"));
    Files.copy(jar, Files.createDirectories(work.resolve("plugins")).resolve(jar.getFileName()));

    port = freePort();
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx384m", "-XX:+UseSerialGC", "-jar", Path.of(System.getProperty("highwater.jar")).toAbsolutePath().toString()));
    ProcessBuilder builder = new ProcessBuilder(command).directory(work.toFile())
        .redirectErrorStream(true).redirectOutput(work.resolve("server.log").toFile());
    builder.environment().keySet().removeIf(name -> name.startsWith("HIGHWATER_"));
    builder.environment().put("HIGHWATER_CONF_DIR", conf.toAbsolutePath().toString());
    builder.environment().put("HIGHWATER_HTTP_HOST", "127.0.0.1");
    builder.environment().put("HIGHWATER_HTTP_PORT", Integer.toString(port));
    builder.environment().put("HIGHWATER_CLUSTER_PORT", Integer.toString(freePort()));
    builder.environment().put("HIGHWATER_CLUSTER_NAME", "plugin-it-" + UUID.randomUUID());
    server = builder.start();
    awaitReady();
  }

  @AfterEach
  void stopServer() throws Exception {
    if (server != null) {
      server.destroy();
      if (!server.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
        server.destroyForcibly().waitFor();
      }
    }
  }

  @Test
  void theExampleViewIsKeptByThePluginAndReadThroughTheApi() throws Exception {
    String ws = "plugin-" + UUID.randomUUID();
    send("POST", "/v1/apps/bookstore/ws/" + ws + "/events", book("Neuromancer", 271, 0), 200);
    JsonObject second = send("POST", "/v1/apps/bookstore/ws/" + ws + "/events", book("Count Zero", 256, 0), 200);
    io.vertx.core.json.JsonArray stored = second.getJsonArray("events");
    long offset = stored.getJsonObject(stored.size() - 1).getLong("offset");

    JsonObject read = send("GET", "/v1/apps/bookstore/ws/" + ws + "/views/pages_by_author/William%20Gibson?consistentAt="
        + offset + "&level=storage&timeoutMs=20000", null, 200);
    assertThat(read.getJsonObject("value")).isEqualTo(new JsonObject().put("sum", 527).put("count", 2));
    assertThat(Files.readString(work.resolve("server.log"))).contains("Plug-ins from").contains("highwater-projector-example");
  }

  private static String book(String title, int pages, long base) {
    return new JsonObject().put("baseOffset", base).put("events", new io.vertx.core.json.JsonArray().add(new JsonObject()
        .put("action", new JsonObject().put("reason", "create")
            .put("actor", new io.vertx.core.json.JsonArray().add("user").add("alice"))
            .put("aggregate", new io.vertx.core.json.JsonArray().add("book").add(title))
            .put("patch", new JsonObject().put("assoc", new JsonObject().put("author", "William Gibson").put("pages", pages)))))).encode();
  }

  private JsonObject send(String method, String path, String body, int expected) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/json")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    // Once the server requires a token, it writes a development one beside its data.
    Path token = work.resolve("data").resolve("dev-token");
    if (Files.exists(token)) {
      request.header("Authorization", "Bearer " + Files.readString(token).trim());
    }
    HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(method + " " + path + ": " + response.body()).isEqualTo(expected);
    return new JsonObject(response.body());
  }

  private void awaitReady() throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    while (System.nanoTime() < deadline) {
      if (!server.isAlive()) {
        throw new AssertionError("the server exited with " + server.exitValue() + ":\n" + Files.readString(work.resolve("server.log")));
      }
      try {
        HttpResponse<String> ready = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready"))
            .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        if (ready.statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(250);
    }
    throw new AssertionError("the server was not ready in 3 minutes:\n" + Files.readString(work.resolve("server.log")));
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
