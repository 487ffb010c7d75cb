package io.highwater.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real server process on its embedded PostgreSQL, stopped as an operator stops it: SIGTERM (Ctrl-C)
 * idle and under load, kill -9, and a second server started on a directory in use.
 */
class EmbeddedStopTest {

  private static final List<String> WORKSPACES = List.of("stop-a", "stop-b", "stop-c", "stop-d");
  private static final Duration EXIT_LIMIT = Duration.ofSeconds(60);

  /** Answers other than 200, for the message of a failed assertion. */
  private static final Set<String> ANSWERS = ConcurrentHashMap.newKeySet();

  @TempDir
  Path dir;

  /** As root, PostgreSQL runs as nobody, which must pass through the test's directory to its data. */
  @BeforeEach
  void traversable() throws IOException {
    Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(dir);
    permissions.add(PosixFilePermission.OTHERS_EXECUTE);
    Files.setPosixFilePermissions(dir, permissions);
  }

  @Test
  void sigterm_under_load_answers_what_it_took_loses_nothing_and_stops_postgres_last() throws Exception {
    ServerProcess server = ServerProcess.startEmbedded(dir, Map.of());
    Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    AtomicBoolean refused = new AtomicBoolean();
    List<Thread> clients = new ArrayList<>();
    for (String ws : WORKSPACES) {
      Thread client = new Thread(() -> appendUntilRefused(server.httpPort(), ws, acknowledged, refused));
      client.start();
      clients.add(client);
    }
    Thread.sleep(3_000);
    assertThat(acknowledged).as("appends before the stop; other answers: " + ANSWERS).isNotEmpty();
    server.process().destroy(); // SIGTERM
    assertThat(server.awaitExit(EXIT_LIMIT)).as("exit status after SIGTERM").isIn(0, 143);
    for (Thread client : clients) {
      client.join(30_000);
    }
    String output = Files.readString(dir.resolve("server.log"));
    String stopping = output.substring(output.indexOf("Stopping"));
    assertThat(stopping).as("the stop's output").doesNotContain("\tat ").doesNotContain("Exception")
        .doesNotContain("failed").doesNotContain("not flushed").contains("Stopped");
    assertThat(stopping.lines().count()).as("lines logged by the stop").isLessThan(40);
    assertThat(postgresOn(dir.resolve("data"))).as("postgres processes left on the data directory").isEmpty();
    assertThat(output.lines().filter(l -> !l.isBlank()).findFirst().orElseThrow())
        .as("log lines start with an ISO 8601 date, as conf/logback.xml says").matches("^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}.*");

    try (ServerProcess restarted = ServerProcess.startEmbedded(dir, Map.of())) {
      Set<String> stored = ConcurrentHashMap.newKeySet();
      for (String ws : WORKSPACES) {
        String body = get(restarted.httpPort(), "/v1/apps/bookstore/ws/" + ws + "/events?limit=10000").body();
        body.lines().filter(l -> !l.isBlank()).forEach(l -> stored.add(new JsonObject(l).getString("id")));
      }
      assertThat(stored).as("every acknowledged event is in the log").containsAll(acknowledged);
      assertThat(Files.readString(dir.resolve("server.log"))).doesNotContain("Schema at version null");
    }
  }

  @Test
  void sigterm_idle_logs_no_failure() throws Exception {
    ServerProcess server = ServerProcess.startEmbedded(dir, Map.of());
    server.process().destroy();
    assertThat(server.awaitExit(EXIT_LIMIT)).isIn(0, 143);
    String output = Files.readString(dir.resolve("server.log"));
    String stopping = output.substring(output.indexOf("Stopping"));
    assertThat(stopping).doesNotContain("Releasing partition").doesNotContain("failed").doesNotContain("\tat ")
        .contains("Stopped");
    assertThat(postgresOn(dir.resolve("data"))).isEmpty();
  }

  @Test
  void a_second_server_on_a_live_data_directory_is_refused_naming_the_first() throws Exception {
    try (ServerProcess first = ServerProcess.startEmbedded(dir, Map.of())) {
      Path secondDir = Files.createDirectories(dir.resolve("second"));
      ServerProcess second = ServerProcess.launchEmbedded(secondDir, Map.of("HIGHWATER_DATA_DIR", dir.resolve("data").toString()));
      assertThat(second.awaitExit(EXIT_LIMIT)).isEqualTo(1);
      String output = Files.readString(secondDir.resolve("server.log"));
      assertThat(output).contains("in use by another running Highwater server")
          .contains("pid " + first.process().pid())
          .doesNotContain("kill");
      assertThat(get(first.httpPort(), "/health/ready").statusCode()).as("the first server is untouched").isEqualTo(200);
    }
  }

  @Test
  void after_kill_9_the_next_start_stops_the_orphaned_postgres_by_itself() throws Exception {
    ServerProcess killed = ServerProcess.startEmbedded(dir, Map.of());
    Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    appendOnce(killed.httpPort(), "stop-a", acknowledged);
    killed.process().destroyForcibly().waitFor();
    assertThat(postgresOn(dir.resolve("data"))).as("the orphan a kill -9 leaves").isNotEmpty();

    try (ServerProcess restarted = ServerProcess.startEmbedded(dir, Map.of())) {
      String body = get(restarted.httpPort(), "/v1/apps/bookstore/ws/stop-a/events").body();
      assertThat(body).contains(acknowledged.iterator().next());
    }
    assertThat(postgresOn(dir.resolve("data"))).isEmpty();
  }

  private static void appendUntilRefused(int port, String ws, Set<String> acknowledged, AtomicBoolean refused) {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (System.nanoTime() < deadline) {
      try {
        appendOnce(http, port, ws, acknowledged);
      } catch (IOException cutOffOrRefused) {
        refused.set(true);
        return;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private static void appendOnce(int port, String ws, Set<String> acknowledged) throws Exception {
    appendOnce(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build(), port, ws, acknowledged);
  }

  private static void appendOnce(HttpClient http, int port, String ws, Set<String> acknowledged) throws IOException, InterruptedException {
    List<String> ids = Stream.generate(() -> UUID.randomUUID().toString()).limit(3).toList();
    JsonArray events = new JsonArray();
    for (String id : ids) {
      events.add(TestNode.action("alice", "book", id, new JsonObject().put("title", "T")).put("id", id));
    }
    String body = new JsonObject().put("baseOffset", 0).put("events", events).encode();
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/apps/bookstore/ws/" + ws + "/events"))
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() == 200) {
      acknowledged.addAll(ids);
    } else {
      ANSWERS.add(r.statusCode() + " " + r.body());
    }
  }

  private static HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
    return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  /** The live postgres processes whose command line names a directory under {@code dataDir}. */
  private static List<Long> postgresOn(Path dataDir) throws IOException {
    String needle = dataDir.toAbsolutePath().normalize().toString();
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      return procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
          .filter(p -> {
            try {
              String state = Files.readString(p.resolve("stat"));
              boolean zombie = state.substring(state.lastIndexOf(')') + 2).startsWith("Z");
              String cmd = new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8).replace('\0', ' ');
              return !zombie && cmd.contains("postgres") && cmd.contains(needle);
            } catch (IOException | RuntimeException gone) {
              return false;
            }
          })
          .map(p -> Long.parseLong(p.getFileName().toString()))
          .collect(Collectors.toList());
    }
  }
}
