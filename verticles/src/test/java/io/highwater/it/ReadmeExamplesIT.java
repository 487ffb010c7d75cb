package io.highwater.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.parsetools.JsonParser;
import java.io.File;
import java.io.IOException;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The README's examples, run as a reader would run them: the {@code sh} blocks of "Try it" in one
 * bash, in the server's working directory (so that {@code data/dev-token} resolves), against the
 * packaged jar on the embedded PostgreSQL; twice, because they must also work on a database that
 * already holds what they wrote. Every answer must be JSON and none an error. The Java example is
 * compiled against the client and run against the same server.
 */
class ReadmeExamplesIT {

  private static final Pattern BLOCK = Pattern.compile("```(\\w+)\\n(.*?)```", Pattern.DOTALL);

  private static Path readme;
  private static Path work;
  private static Process server;
  private static int port;

  @BeforeAll
  static void startServer() throws Exception {
    Path conf = Path.of(System.getProperty("highwater.conf.dir", "../conf")).toAbsolutePath();
    readme = conf.getParent().resolve("README.md");
    work = Files.createDirectories(Path.of(System.getProperty("highwater.it.dir", "target/it"))
        .resolve("readme-" + UUID.randomUUID()).toAbsolutePath());
    port = TestNode.freePort();
    List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
        "-jar", Path.of(System.getProperty("highwater.jar", "target/highwater.jar")).toAbsolutePath().toString());
    ProcessBuilder builder = new ProcessBuilder(command).directory(work.toFile())
        .redirectErrorStream(true).redirectOutput(work.resolve("server.log").toFile());
    builder.environment().keySet().removeIf(name -> name.startsWith("HIGHWATER_"));
    builder.environment().put("HIGHWATER_CONF_DIR", conf.toString());
    builder.environment().put("HIGHWATER_HTTP_HOST", "127.0.0.1");
    builder.environment().put("HIGHWATER_HTTP_PORT", String.valueOf(port));
    builder.environment().put("HIGHWATER_CLUSTER_PORT", String.valueOf(TestNode.freePort()));
    builder.environment().put("HIGHWATER_CLUSTER_NAME", "readme-" + UUID.randomUUID());
    server = builder.start();
    awaitReady();
    // A server that checks tokens writes its development token here; one that does not ignores the header.
    Path token = work.resolve("data").resolve("dev-token");
    if (!Files.exists(token)) {
      Files.writeString(token, "none\n");
    }
  }

  @AfterAll
  static void stopServer() throws Exception {
    if (server != null) {
      server.destroy();
      if (!server.waitFor(60, TimeUnit.SECONDS)) {
        server.destroyForcibly().waitFor();
      }
    }
  }

  @Test
  void tryItRunsAndAnswersJsonTwice() throws Exception {
    List<String> blocks = blocks(section("## Try it"), "sh");
    assertThat(blocks).as("sh blocks of Try it").hasSizeGreaterThanOrEqualTo(5);
    String script = "set -euo pipefail\n" + String.join("\n", blocks).replace("localhost:8080", "127.0.0.1:" + port);
    assertThat(script).doesNotContain("consistentAt=1&").contains("Content-Type: application/json");
    for (String line : script.split("\n")) {
      if (line.contains("curl ")) {
        assertThat(line).as("every curl line sends JSON and the token").contains("-H 'Content-Type: application/json'")
            .contains("-H \"Authorization: Bearer $(cat data/dev-token)\"");
      }
    }
    for (int run = 1; run <= 2; run++) {
      List<JsonObject> answers = answers(bash(script), "run " + run);
      assertThat(answers).as("run " + run + ": answers").hasSizeGreaterThanOrEqualTo(6);
      assertThat(answers).as("run " + run + ": no error").noneMatch(a -> a.containsKey("error"));
      assertThat(answers).as("run " + run + ": the book")
          .anyMatch(a -> a.getJsonObject("state") != null && "William Gibson".equals(a.getJsonObject("state").getString("author")));
      assertThat(answers).as("run " + run + ": the dry conflict").anyMatch(a -> "conflict".equals(a.getString("result")));
      assertThat(answers).as("run " + run + ": the first append and the resolved one")
          .filteredOn(a -> "ok".equals(a.getString("result"))).hasSize(2);
      assertThat(answers).as("run " + run + ": the views").anyMatch(a -> "books_by_author".equals(a.getString("view")))
          .anyMatch(a -> "genre_counts".equals(a.getString("view")));
    }
  }

  @Test
  void theJavaExampleCompilesAndRuns() throws Exception {
    List<String> java = blocks(section("## Java client"), "java");
    assertThat(java).hasSize(1);
    Path sources = Files.createDirectories(work.resolve("java"));
    Path source = sources.resolve("ReadYourWrites.java");
    Files.writeString(source, java.get(0).replace("\"localhost\", 8080", "\"127.0.0.1\", " + port));
    JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
    StringWriter diagnostics = new StringWriter();
    boolean compiled = compiler.getTask(diagnostics, null, null,
        List.of("-classpath", System.getProperty("java.class.path"), "-d", sources.toString()), null,
        compiler.getStandardFileManager(null, null, StandardCharsets.UTF_8).getJavaFileObjects(source.toFile())).call();
    assertThat(compiled).as(diagnostics.toString()).isTrue();

    Process run = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", sources + File.pathSeparator + System.getProperty("java.class.path"), "ReadYourWrites")
        // In the server's working directory, as a reader would run it: data/dev-token resolves.
        .directory(work.toFile())
        .redirectErrorStream(true).redirectOutput(work.resolve("java.log").toFile()).start();
    boolean exited = run.waitFor(60, TimeUnit.SECONDS);
    if (!exited) {
      run.destroyForcibly().waitFor();
    }
    String output = Files.readString(work.resolve("java.log"));
    assertThat(exited).as("the example exits by itself: " + output).isTrue();
    assertThat(output).as(output).contains("\"ids\":[\"Count Zero\"").doesNotContain("Exception");
  }

  /** The README from {@code heading} to the next heading of its level. */
  private static String section(String heading) throws IOException {
    String text = Files.readString(readme);
    int start = text.indexOf("\n" + heading + "\n");
    assertThat(start).as(heading + " in README.md").isNotNegative();
    int end = text.indexOf("\n## ", start + heading.length() + 2);
    return text.substring(start, end < 0 ? text.length() : end);
  }

  private static List<String> blocks(String text, String language) {
    List<String> blocks = new ArrayList<>();
    Matcher m = BLOCK.matcher(text);
    while (m.find()) {
      if (m.group(1).equals(language)) {
        blocks.add(m.group(2));
      }
    }
    return blocks;
  }

  private String bash(String script) throws Exception {
    Path file = work.resolve("try-it.sh");
    Files.writeString(file, script);
    Process bash = new ProcessBuilder("bash", file.toString()).directory(work.toFile())
        .redirectError(work.resolve("try-it.err").toFile()).start();
    String out = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(bash.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(bash.exitValue()).as("exit of Try it; stdout:\n" + out + "\nstderr:\n" + Files.readString(work.resolve("try-it.err")))
        .isZero();
    return out;
  }

  /** Everything the script printed, as JSON objects; anything else fails. */
  private static List<JsonObject> answers(String out, String what) {
    List<JsonObject> values = new ArrayList<>();
    List<Throwable> failures = new ArrayList<>();
    JsonParser parser = JsonParser.newParser().objectValueMode();
    parser.handler(event -> values.add(event.objectValue()));
    parser.exceptionHandler(failures::add);
    parser.handle(Buffer.buffer(out));
    parser.end();
    assertThat(failures).as(what + ": output is JSON objects:\n" + out).isEmpty();
    return values;
  }

  private static void awaitReady() throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    while (System.nanoTime() < deadline) {
      if (!server.isAlive()) {
        throw new AssertionError("the server exited:\n" + Files.readString(work.resolve("server.log")));
      }
      try {
        if (http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready")).build(),
            HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(250);
    }
    throw new AssertionError("not ready in 3 minutes:\n" + Files.readString(work.resolve("server.log")));
  }
}
