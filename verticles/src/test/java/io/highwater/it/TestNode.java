package io.highwater.it;

import io.highwater.Highwater;
import io.highwater.config.ConfigLoader;
import io.highwater.config.HighwaterConfig;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A real Highwater node started in this JVM on free ports (HTTP and Hazelcast), over a real
 * PostgreSQL database, with a blocking HTTP client for the tests.
 */
public final class TestNode implements AutoCloseable {

  private static final Duration WAIT = Duration.ofSeconds(60);

  private final Map<String, String> env;
  private final Highwater node;
  private final Vertx clientVertx;
  private final WebClient client;

  private TestNode(Map<String, String> env) {
    this.env = env;
    HighwaterConfig config = ConfigLoader.load(env);
    this.node = Highwater.start(config).await();
    this.clientVertx = Vertx.vertx();
    this.client = WebClient.create(clientVertx, new WebClientOptions()
        .setDefaultHost("127.0.0.1").setDefaultPort(config.http().port()));
  }

  /** A node over a fresh database, with a records flush interval of {@code flushIntervalMs}. */
  public static TestNode start(Path dataDir, long flushIntervalMs) {
    return start(dataDir, TestDatabase.fresh(), Map.of("HIGHWATER_RECORDS_FLUSH_INTERVAL_MS", String.valueOf(flushIntervalMs)));
  }

  public static TestNode start(Path dataDir, String pgUrl, Map<String, String> extra) {
    Map<String, String> env = new HashMap<>(extra);
    env.put("HIGHWATER_DATA_DIR", dataDir.toString());
    env.put("HIGHWATER_PG_URL", pgUrl);
    env.put("HIGHWATER_HTTP_HOST", "127.0.0.1");
    env.put("HIGHWATER_HTTP_PORT", String.valueOf(freePort()));
    env.put("HIGHWATER_CLUSTER_PORT", String.valueOf(freePort()));
    env.put("HIGHWATER_CLUSTER_NAME", "hw-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
    withoutAuthUnlessAsked(env);
    return new TestNode(env);
  }

  /** A node on exactly this environment (authentication included: nothing is turned off). */
  static TestNode startWith(Map<String, String> env) {
    return new TestNode(new HashMap<>(env));
  }

  public Highwater highwater() {
    return node;
  }

  /** Stops this node and starts a new one on the same database and data directory. */
  public TestNode restart() {
    close();
    Map<String, String> again = new HashMap<>(env);
    again.put("HIGHWATER_HTTP_PORT", String.valueOf(freePort()));
    again.put("HIGHWATER_CLUSTER_PORT", String.valueOf(freePort()));
    return new TestNode(again);
  }

  public String pgUrl() {
    return env.get("HIGHWATER_PG_URL");
  }

  public HttpResponse<Buffer> get(String path) {
    return client.get(path).send().await();
  }

  public HttpResponse<Buffer> post(String path, JsonObject body) {
    return client.post(path).sendJsonObject(body).await();
  }

  public HttpResponse<Buffer> postRaw(String path, Buffer body) {
    return client.post(path).putHeader("content-type", "application/json").sendBuffer(body).await();
  }

  /** Appends to the bookstore app and returns the response. */
  public HttpResponse<Buffer> append(String ws, JsonObject batch) {
    return post("/v1/apps/bookstore/ws/" + ws + "/events", batch);
  }

  public JsonObject consistency(String ws) {
    return get("/v1/apps/bookstore/ws/" + ws + "/consistency").bodyAsJsonObject();
  }

  /** The NDJSON lines of a log read. */
  public List<JsonObject> stream(String path) {
    String body = get(path).bodyAsString();
    List<JsonObject> lines = new ArrayList<>();
    if (body != null) {
      body.lines().filter(l -> !l.isBlank()).forEach(l -> lines.add(new JsonObject(l)));
    }
    return lines;
  }

  public WebClient client() {
    return client;
  }

  /** The Vert.x of the test's clients (not the node's), e.g. for a WebSocketClient. */
  public Vertx clientVertx() {
    return clientVertx;
  }

  /** The port the node serves HTTP on, on 127.0.0.1. */
  public int httpPort() {
    return Integer.parseInt(env.get("HIGHWATER_HTTP_PORT"));
  }

  @Override
  public void close() {
    client.close();
    clientVertx.close().await();
    node.stop().await();
  }

  public static JsonObject action(String actor, String type, Object id, JsonObject assoc, String... dissoc) {
    return new JsonObject().put("action", new JsonObject()
        .put("reason", "update")
        .put("actor", new JsonArray().add("user").add(actor))
        .put("aggregate", new JsonArray().add(type).add(id))
        .put("patch", new JsonObject().put("assoc", assoc).put("dissoc", new JsonArray(List.of((Object[]) dissoc)))));
  }

  public static JsonObject batch(long baseOffset, JsonObject... events) {
    JsonArray array = new JsonArray();
    for (JsonObject e : events) {
      array.add(e);
    }
    return new JsonObject().put("baseOffset", baseOffset).put("events", array);
  }

  /** A copy of the real conf/ under {@code dir} with one more app declared: its directory. */
  static Path confWithApp(Path dir, String app, JsonObject appConfig) {
    return confWith(dir, config -> config.getJsonObject("apps").put(app, appConfig));
  }

  /** A copy of the real conf/ under {@code dir}, its config.json changed by {@code change}: its directory. */
  static Path confWith(Path dir, java.util.function.Consumer<JsonObject> change) {
    try {
      Path conf = java.nio.file.Files.createDirectories(dir.resolve("conf"));
      Path real = Path.of(System.getProperty("highwater.conf.dir", "../conf"));
      java.nio.file.Files.copy(real.resolve("hazelcast.xml"), conf.resolve("hazelcast.xml"));
      JsonObject config = new JsonObject(java.nio.file.Files.readString(real.resolve("config.json")));
      change.accept(config);
      java.nio.file.Files.writeString(conf.resolve("config.json"), config.encodePrettily());
      return conf;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Tests that are not about authentication run their nodes with {@code HIGHWATER_AUTH=none}, unless
   * their environment configures authentication ({@code AuthTest} does, with tokens it mints).
   */
  static void withoutAuthUnlessAsked(Map<String, String> env) {
    if (env.keySet().stream().noneMatch(k -> k.startsWith("HIGHWATER_AUTH"))) {
      env.put("HIGHWATER_AUTH", "none");
    }
  }

  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Duration waitLimit() {
    return WAIT;
  }
}
