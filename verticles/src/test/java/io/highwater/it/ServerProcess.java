package io.highwater.it;

import io.highwater.Main;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A Highwater node in a JVM of its own, started like the real thing, which a test may crash. */
public final class ServerProcess implements AutoCloseable {

  private static final List<String> JVM_FLAGS = List.of(
      "--add-modules", "java.se",
      "--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED",
      "--add-opens", "java.base/java.lang=ALL-UNNAMED",
      "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
      "--add-opens", "java.management/sun.management=ALL-UNNAMED",
      "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED",
      "-Xmx512m");
  private static final Duration START_LIMIT = Duration.ofSeconds(90);

  private final Process process;
  private final int httpPort;
  private final Path log;

  private ServerProcess(Process process, int httpPort, Path log) {
    this.process = process;
    this.httpPort = httpPort;
    this.log = log;
  }

  /** Starts a node on the database {@code pgUrl}; returns once it is ready. */
  public static ServerProcess start(Path workDir, String pgUrl, Map<String, String> extraEnv) {
    return start(workDir, pgUrl, extraEnv, List.of());
  }

  /** The same, with more JVM options (e.g. {@code -Dlogback.configurationFile=…}). */
  public static ServerProcess start(Path workDir, String pgUrl, Map<String, String> extraEnv, List<String> jvmOptions) {
    ServerProcess server = launch(workDir, pgUrl, extraEnv, jvmOptions);
    server.awaitReady();
    return server;
  }

  /** Starts a node on an embedded database in {@code workDir/data}; returns once it is ready. */
  public static ServerProcess startEmbedded(Path workDir, Map<String, String> extraEnv) {
    return start(workDir, null, embedded(workDir, extraEnv));
  }

  /** Starts a node on an embedded database in {@code workDir/data} without waiting for it, e.g. to see it refuse. */
  public static ServerProcess launchEmbedded(Path workDir, Map<String, String> extraEnv) {
    return launch(workDir, null, embedded(workDir, extraEnv), List.of());
  }

  private static Map<String, String> embedded(Path workDir, Map<String, String> extraEnv) {
    Map<String, String> env = new java.util.HashMap<>(extraEnv);
    env.putIfAbsent("HIGHWATER_DATA_DIR", workDir.resolve("data").toAbsolutePath().toString());
    return env;
  }

  /** The process of a node on {@code pgUrl} (null: embedded), as soon as it runs. */
  private static ServerProcess launch(Path workDir, String pgUrl, Map<String, String> extraEnv, List<String> jvmOptions) {
    int httpPort = TestNode.freePort();
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(JVM_FLAGS);
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(Main.class.getName());
    ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile());
    Map<String, String> env = builder.environment();
    env.put("HIGHWATER_CONF_DIR", new File(System.getProperty("highwater.conf.dir", "../conf")).getAbsolutePath());
    if (pgUrl != null) {
      env.put("HIGHWATER_PG_URL", pgUrl);
    } else {
      env.remove("HIGHWATER_PG_URL");
    }
    env.put("HIGHWATER_HTTP_HOST", "127.0.0.1");
    env.put("HIGHWATER_HTTP_PORT", String.valueOf(httpPort));
    env.put("HIGHWATER_CLUSTER_PORT", String.valueOf(TestNode.freePort()));
    env.put("HIGHWATER_CLUSTER_NAME", "hw-proc-" + System.nanoTime());
    env.remove("HIGHWATER_FAULT");
    env.keySet().removeIf(k -> k.startsWith("HIGHWATER_AUTH"));
    env.putAll(extraEnv);
    TestNode.withoutAuthUnlessAsked(env);
    builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(workDir.resolve("server.log").toFile()));
    try {
      return new ServerProcess(builder.start(), httpPort, workDir.resolve("server.log"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public int httpPort() {
    return httpPort;
  }

  public Process process() {
    return process;
  }

  /** Readiness of another process can only be asked for: ask until it answers or the limit passes. */
  private void awaitReady() {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    long deadline = System.nanoTime() + START_LIMIT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("server exited with status " + process.exitValue() + " while starting:\n" + logTail());
      }
      try {
        HttpResponse<Void> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/health/ready")).build(),
            HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    process.destroyForcibly();
    throw new IllegalStateException("server not ready within " + START_LIMIT);
  }

  private String logTail() {
    try {
      String text = java.nio.file.Files.readString(log);
      return text.substring(Math.max(0, text.length() - 4000));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  /** Waits for the process to end by itself; its exit status. */
  public int awaitExit(Duration limit) throws InterruptedException {
    if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException("server still running after " + limit);
    }
    return process.exitValue();
  }

  /** Stops gracefully (SIGTERM), then forcibly if it does not end in time. */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
