package io.highwater.bench;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
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
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The server as users run it: {@code java -jar highwater.jar} in a process of its own, on free ports, a
 * Hazelcast cluster of its own, and the given database; ready once {@code /health/ready} answers 200.
 */
final class ServerUnderTest implements AutoCloseable {

  private static final Duration START_LIMIT = Duration.ofSeconds(120);

  private final Process process;
  private final int port;
  private final Path log;

  private final Thread shutdownHook;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

  private ServerUnderTest(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
    // An interrupted benchmark must not leave the server running.
    this.shutdownHook = new Thread(process::destroy, "stop-server-under-test");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /** Blocking: starts the server and waits until it is ready. */
  static ServerUnderTest start(Path jar, Path confDir, String pgUrl, Path workDir, List<String> javaOpts,
      Map<String, String> extraEnv) throws IOException, InterruptedException {
    Files.createDirectories(workDir);
    Path log = workDir.resolve("server.log");
    int port = freePort();
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(javaOpts);
    command.add("-jar");
    command.add(jar.toAbsolutePath().toString());
    ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile())
        .redirectErrorStream(true).redirectOutput(log.toFile());
    Map<String, String> env = builder.environment();
    env.keySet().removeIf(name -> name.startsWith("HIGHWATER_"));
    env.put("HIGHWATER_CONF_DIR", confDir.toAbsolutePath().toString());
    env.put("HIGHWATER_PG_URL", pgUrl);
    env.put("HIGHWATER_DATA_DIR", workDir.resolve("data").toAbsolutePath().toString());
    env.put("HIGHWATER_HTTP_HOST", "127.0.0.1");
    env.put("HIGHWATER_HTTP_PORT", Integer.toString(port));
    env.put("HIGHWATER_CLUSTER_HOST", "127.0.0.1");
    env.put("HIGHWATER_CLUSTER_PORT", Integer.toString(freePort()));
    env.put("HIGHWATER_CLUSTER_NAME", "highwater-bench-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
    env.putAll(extraEnv);
    ServerUnderTest server = new ServerUnderTest(builder.start(), port, log);
    try {
      server.awaitReady();
    } catch (RuntimeException | InterruptedException e) {
      server.close();
      throw e;
    }
    return server;
  }

  int port() {
    return port;
  }

  long pid() {
    return process.pid();
  }

  Path log() {
    return log;
  }

  /** The server process's resident memory in KiB (VmRSS of /proc/PID/status). */
  long residentKib() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
      throw new IOException("no VmRSS in /proc/" + process.pid() + "/status");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Events in the app's log: the sum of its partitions' {@code cpOffset}, offsets being gapless from 1. Blocking. */
  long loggedEvents(String app, int partitions, String token) throws IOException, InterruptedException {
    long events = 0;
    for (int p = 0; p < partitions; p++) {
      HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/apps/" + app + "/partitions/" + p
          + "/consistency")).header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(10)).build();
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IOException("GET " + request.uri() + ": " + response.statusCode() + " " + response.body());
      }
      events += new JsonObject(response.body()).getLong("cpOffset");
    }
    return events;
  }

  private void awaitReady() throws InterruptedException {
    HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready"))
        .timeout(Duration.ofSeconds(5)).build();
    long deadline = System.nanoTime() + START_LIMIT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("the server exited with status " + process.exitValue() + " while starting; see " + log);
      }
      try {
        if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("the server was not ready within " + START_LIMIT + "; see " + log);
  }

  /** Stops it gracefully (SIGTERM), forcibly if it does not end within 30 s. */
  @Override
  public void close() {
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException shuttingDown) {
      // the hook is running or has run
    }
    process.destroy();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
