package io.highwater.it;

import static io.highwater.it.TestNode.action;
import static io.highwater.it.TestNode.batch;
import static org.assertj.core.api.Assertions.assertThat;

import io.highwater.auth.AuthKey;
import io.highwater.auth.Grant;
import io.highwater.auth.TokenMinter;
import io.highwater.cluster.Addresses;
import io.highwater.cluster.Partitioner;
import io.highwater.partition.PartitionId;
import io.highwater.cp.AppendRequest;
import io.highwater.cp.Outcome;
import io.highwater.event.Batch;
import io.highwater.event.BatchParser;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Authentication and authorization (API.md) against two real nodes sharing one HS256 secret:
 * every route and WebSocket op refused without a valid token or the grant it needs, on either node;
 * cross-tenant reads and waits never succeed; and each partition's owner checks forwarded requests
 * itself, whatever the node that forwarded them decided.
 */
class AuthTest {

  private static final String APP = "bookstore";
  private static final String MINE = "shop-1";

  @TempDir
  static Path dir;
  static TestNode a;
  static TestNode b;
  static Vertx vertx;
  static byte[] secret;
  /** One master key for both nodes, as a cluster's nodes share one (the database checks it). */
  static String masterKey;
  static Map<String, String> tokens = new HashMap<>();

  /** A route: what it is, and the role its check needs. */
  record Route(HttpMethod method, String path, JsonObject body, String role) {
    boolean spansWorkspaces() {
      return path.contains("/partitions/") || !path.contains("/ws/");
    }

    /** Over every app: only a grant whose app is {@code *} covers it. */
    boolean spansApps() {
      return path.equals("/v1/cluster") || path.equals("/v1/apps");
    }
  }

  static final List<Route> ROUTES = List.of(
      new Route(HttpMethod.POST, "/v1/apps/bookstore/ws/shop-1/events", batch(0, action("alice", "book", "b1",
          new JsonObject().put("author", "Gibson"))), "write"),
      new Route(HttpMethod.GET, "/v1/apps/bookstore/ws/shop-1/events", null, "read"),
      new Route(HttpMethod.GET, "/v1/apps/bookstore/partitions/0/events", null, "read"),
      new Route(HttpMethod.GET, "/v1/apps/bookstore/ws/shop-1/aggregates/book/b1", null, "read"),
      new Route(HttpMethod.GET, "/v1/apps/bookstore/ws/shop-1/aggregates/book/b1?level=storage", null, "read"),
      new Route(HttpMethod.GET, "/v1/apps/bookstore/ws/shop-1/aggregates/book/b1/conflicts?since=0", null, "read"),
      new Route(HttpMethod.GET, "/v1/apps/bookstore/ws/shop-1/views/books_by_author/Gibson", null, "read"),
      new Route(HttpMethod.GET, "/v1/apps/bookstore/partitions/0/consistency", null, "read"),
      new Route(HttpMethod.GET, "/v1/apps/bookstore/ws/shop-1/consistency", null, "read"),
      new Route(HttpMethod.POST, "/v1/apps/bookstore/views/books_by_author/rebuild", new JsonObject(), "admin"),
      new Route(HttpMethod.POST, "/v1/apps/bookstore/views/books_by_author/partitions/0/resume", null, "admin"),
      new Route(HttpMethod.POST, "/v1/apps/bookstore/views/books_by_author/partitions/0/skip", new JsonObject().put("offset", 0), "admin"),
      // An app of its own with a body that is refused (400) once the token passes: bookstore stays as it is.
      new Route(HttpMethod.PUT, "/v1/apps/x", new JsonObject(), "admin"),
      new Route(HttpMethod.GET, "/v1/apps/bookstore", null, "read"),
      new Route(HttpMethod.GET, "/v1/apps", null, "read"),
      new Route(HttpMethod.GET, "/v1/cluster", null, "admin"));

  @BeforeAll
  static void start() {
    secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    byte[] master = new byte[32];
    new SecureRandom().nextBytes(master);
    masterKey = Base64.getEncoder().encodeToString(master);
    String pgUrl = TestDatabase.fresh();
    int portA = TestNode.freePort();
    int portB = TestNode.freePort();
    String name = "hw-auth-" + System.nanoTime();
    a = TestNode.startWith(env(dir.resolve("a"), pgUrl, name, portA, portA, portB));
    b = TestNode.startWith(env(dir.resolve("b"), pgUrl, name, portB, portA, portB));
    vertx = Vertx.vertx();
    TokenMinter minter = new TokenMinter(vertx, new AuthKey.Hs256(secret, false));
    Duration hour = Duration.ofHours(1);
    tokens.put("admin", minter.mint("root", List.of(Grant.parse("*:*:admin")), hour));
    tokens.put("write", minter.mint("w", List.of(Grant.parse("bookstore:shop-*:write")), hour));
    tokens.put("read", minter.mint("r", List.of(Grant.parse("bookstore:shop-1:read")), hour));
    tokens.put("appAdmin", minter.mint("aa", List.of(Grant.parse("bookstore:*:admin")), hour));
    tokens.put("otherApp", minter.mint("o", List.of(Grant.parse("library:*:admin")), hour));
    tokens.put("otherWs", minter.mint("t", List.of(Grant.parse("bookstore:tenant-*:admin")), hour));
    tokens.put("noGrant", minter.mint("n", List.of(), hour));
    tokens.put("expired", signed(secret, new JsonObject().put("sub", "e").put("exp", System.currentTimeMillis() / 1000 - 60)
        .put("grants", new JsonArray().add(new JsonObject().put("app", "*").put("ws", "*").put("role", "admin")))));
    byte[] other = new byte[32];
    new SecureRandom().nextBytes(other);
    tokens.put("badSignature", new TokenMinter(vertx, new AuthKey.Hs256(other, false)).mint("x", List.of(Grant.parse("*:*:admin")), hour));
    awaitBothOwn();
  }

  private static Map<String, String> env(Path data, String pgUrl, String cluster, int clusterPort, int portA, int portB) {
    Map<String, String> env = new HashMap<>();
    env.put("HIGHWATER_DATA_DIR", data.toString());
    env.put("HIGHWATER_PG_URL", pgUrl);
    env.put("HIGHWATER_HTTP_HOST", "127.0.0.1");
    env.put("HIGHWATER_HTTP_PORT", String.valueOf(TestNode.freePort()));
    env.put("HIGHWATER_CLUSTER_NAME", cluster);
    env.put("HIGHWATER_CLUSTER_HOST", "127.0.0.1");
    env.put("HIGHWATER_CLUSTER_PORT", String.valueOf(clusterPort));
    env.put("HIGHWATER_CLUSTER_MEMBERS", "127.0.0.1:" + portA + ",127.0.0.1:" + portB);
    env.put("HIGHWATER_AUTH_HS256_SECRET", Base64.getEncoder().encodeToString(secret));
    env.put("HIGHWATER_MASTER_KEY", masterKey);
    return env;
  }

  private static String signed(byte[] key, JsonObject claims) {
    JWTAuth jwt = JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(
        new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(Buffer.buffer(key))));
    return jwt.generateToken(claims, new JWTOptions().setAlgorithm("HS256"));
  }

  /** Forwarding is only tested if each node owns some partitions and not others. */
  private static void awaitBothOwn() {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      JsonObject cluster = send(a, new Route(HttpMethod.GET, "/v1/cluster", null, "admin"), tokens.get("admin")).bodyAsJsonObject();
      long owners = cluster.getJsonArray("partitions").stream().map(p -> ((JsonObject) p).getString("owner")).distinct().count();
      if (owners == 2 && cluster.getJsonArray("partitions").size() == 4) {
        return;
      }
      sleep(200);
    }
    throw new AssertionError("the two nodes did not share the partitions within 60 s");
  }

  @AfterAll
  static void stop() {
    if (vertx != null) {
      vertx.close().await();
    }
    if (b != null) {
      b.close();
    }
    if (a != null) {
      a.close();
    }
  }

  private static HttpResponse<Buffer> send(TestNode node, Route route, String token) {
    HttpRequest<Buffer> request = node.client().request(route.method(), route.path());
    if (token != null) {
      request.putHeader("Authorization", "Bearer " + token);
    }
    return (route.body() == null ? request.send() : request.sendJsonObject(route.body())).await();
  }

  @Test
  void everyRouteOnEitherNodeRefusesCallsWithoutAValidToken() {
    for (TestNode node : List.of(a, b)) {
      for (Route route : ROUTES) {
        for (String token : new String[] {null, tokens.get("badSignature"), tokens.get("expired"), "not.a.jwt"}) {
          HttpResponse<Buffer> answer = send(node, route, token);
          assertThat(answer.statusCode()).as("%s %s", route.method(), route.path()).isEqualTo(401);
          assertThat(answer.bodyAsJsonObject().getJsonObject("error").getString("code")).isEqualTo("unauthorized");
          assertThat(answer.getHeader("WWW-Authenticate")).isEqualTo("Bearer");
        }
      }
    }
  }

  @Test
  void everyRouteOnEitherNodeRefusesATokenWithoutTheGrantItNeeds() {
    for (TestNode node : List.of(a, b)) {
      for (Route route : ROUTES) {
        List<String> refused = new ArrayList<>(List.of("otherApp", "otherWs", "noGrant"));
        if (route.role().equals("write")) {
          refused.add("read");
        }
        if (route.role().equals("admin")) {
          refused.add("write");
        }
        if (route.spansWorkspaces()) {
          // A grant on some workspaces does not cover a call over all of them.
          refused.add("write");
          refused.add("read");
        }
        if (route.spansApps()) {
          refused.add("appAdmin");
        }
        for (String name : refused) {
          HttpResponse<Buffer> answer = send(node, route, tokens.get(name));
          assertThat(answer.statusCode()).as("%s %s with the %s token", route.method(), route.path(), name).isEqualTo(403);
          JsonObject error = answer.bodyAsJsonObject().getJsonObject("error");
          assertThat(error.getString("code")).isEqualTo("forbidden");
          assertThat(error.getString("message")).contains(route.role());
        }
      }
    }
  }

  @Test
  void theRightTokenPassesOnEitherNode() {
    for (TestNode node : List.of(a, b)) {
      for (Route route : ROUTES) {
        String token = route.role().equals("admin") || route.spansApps() ? "admin" : route.spansWorkspaces() ? "appAdmin" : route.role();
        HttpResponse<Buffer> answer = send(node, route, tokens.get(token));
        assertThat(answer.statusCode()).as("%s %s with the %s token: %s", route.method(), route.path(), token, answer.bodyAsString())
            .isNotIn(401, 403).isLessThan(500);
      }
    }
    // No route: a valid token, then 404; health and metrics need none.
    assertThat(send(a, new Route(HttpMethod.GET, "/v1/nothing", null, "read"), tokens.get("noGrant")).statusCode()).isEqualTo(404);
    assertThat(send(a, new Route(HttpMethod.GET, "/v1/nothing", null, "read"), null).statusCode()).isEqualTo(401);
    for (String open : List.of("/health/live", "/health/ready", "/metrics", "/", "/openapi.json", "/console")) {
      assertThat(send(b, new Route(HttpMethod.GET, open, null, "read"), null).statusCode()).as(open).isEqualTo(200);
    }
  }

  /** Workspaces of tenant A and tenant B on every partition; B's token reads nothing of A's through either node. */
  @Test
  void crossTenantReadsAndWaitsNeverSucceed() throws Exception {
    TokenMinter minter = new TokenMinter(vertx, new AuthKey.Hs256(secret, false));
    String tenantA = minter.mint("a", List.of(Grant.parse("bookstore:a-*:write")), Duration.ofHours(1));
    String tenantB = minter.mint("b", List.of(Grant.parse("bookstore:b-*:write")), Duration.ofHours(1));
    int tries = 0;
    int successes = 0;
    for (int i = 0; i < 12; i++) {
      String ws = "a-" + i;
      HttpResponse<Buffer> appended = send(a, new Route(HttpMethod.POST, "/v1/apps/bookstore/ws/" + ws + "/events",
          batch(0, action("alice", "book", "secret", new JsonObject().put("author", "A"))), "write"), tenantA);
      assertThat(appended.statusCode()).as(appended.bodyAsString()).isEqualTo(200);
      for (TestNode node : List.of(a, b)) {
        for (String path : List.of("/events", "/aggregates/book/secret", "/aggregates/book/secret?level=storage",
            "/aggregates/book/secret?consistentAt=1&level=cache", "/aggregates/book/secret/conflicts?since=0",
            "/views/books_by_author/A", "/views/books_by_author/A?level=storage", "/consistency")) {
          tries++;
          HttpResponse<Buffer> answer = send(node, new Route(HttpMethod.GET, "/v1/apps/bookstore/ws/" + ws + path, null, "read"), tenantB);
          if (answer.statusCode() != 403) {
            successes++;
          }
        }
        tries++;
        HttpResponse<Buffer> write = send(node, new Route(HttpMethod.POST, "/v1/apps/bookstore/ws/" + ws + "/events",
            batch(1, action("mallory", "book", "secret", new JsonObject().put("author", "B"))), "write"), tenantB);
        if (write.statusCode() != 403) {
          successes++;
        }
      }
    }
    for (TestNode node : List.of(a, b)) {
      try (Socket socket = Socket.open(node, tenantB, false)) {
        for (int i = 0; i < 12; i++) {
          tries += 2;
          JsonObject awaited = socket.request(new JsonObject().put("op", "await").put("id", "x" + i).put("app", APP).put("ws", "a-" + i)
              .put("entity", "records").put("offset", 1).put("timeoutMs", 1000));
          JsonObject watched = socket.request(new JsonObject().put("op", "watch").put("id", "y" + i).put("app", APP).put("ws", "a-" + i)
              .put("entity", "*"));
          if (!"forbidden".equals(awaited.getString("code")) || !"forbidden".equals(watched.getString("code"))) {
            successes++;
          }
        }
      }
    }
    assertThat(successes).as("cross-tenant calls answered other than 403 / forbidden, of %d", tries).isZero();
    // Tenant A itself reads its own.
    assertThat(send(b, new Route(HttpMethod.GET, "/v1/apps/bookstore/ws/a-3/aggregates/book/secret", null, "read"), tenantA)
        .statusCode()).isEqualTo(200);
  }

  @Test
  void theWebSocketUpgradeNeedsAValidTokenInTheHeaderOrTheQuery() throws Exception {
    for (TestNode node : List.of(a, b)) {
      for (String token : new String[] {null, tokens.get("badSignature"), tokens.get("expired")}) {
        assertThat(Socket.refusal(node, token, false)).isEqualTo(401);
        assertThat(Socket.refusal(node, token, true)).isEqualTo(401);
      }
      try (Socket viaQuery = Socket.open(node, tokens.get("read"), true)) {
        JsonObject reply = viaQuery.request(new JsonObject().put("op", "await").put("id", "q").put("app", APP).put("ws", MINE)
            .put("entity", "records").put("offset", 0));
        assertThat(reply.getString("type")).isEqualTo("consistent");
      }
    }
  }

  @Test
  void aForbiddenAwaitOrWatchIsRefusedAndTheConnectionStaysOpen() throws Exception {
    try (Socket socket = Socket.open(b, tokens.get("read"), false)) {
      for (String op : List.of("await", "watch")) {
        JsonObject other = new JsonObject().put("op", op).put("id", op + "-other").put("app", APP).put("ws", "shop-2")
            .put("entity", op.equals("watch") ? "*" : "records").put("offset", 0);
        JsonObject refused = socket.request(other);
        assertThat(refused.getString("type")).isEqualTo("error");
        assertThat(refused.getString("code")).isEqualTo("forbidden");
        assertThat(refused.getString("id")).isEqualTo(op + "-other");
        JsonObject app = other.copy().put("id", op + "-app").put("app", "bookstore").put("ws", "tenant-1");
        assertThat(socket.request(app).getString("code")).isEqualTo("forbidden");
      }
      JsonObject mine = socket.request(new JsonObject().put("op", "watch").put("id", "w").put("app", APP).put("ws", MINE).put("entity", "*"));
      assertThat(mine.getString("type")).isEqualTo("advanced");
    }
  }

  @Test
  void aSocketIsClosedWhenItsTokenExpires() throws Exception {
    String shortLived = signed(secret, new JsonObject().put("sub", "s").put("exp", System.currentTimeMillis() / 1000 + 2)
        .put("grants", new JsonArray().add(new JsonObject().put("app", "*").put("ws", "*").put("role", "read"))));
    try (Socket socket = Socket.open(a, shortLived, false)) {
      assertThat(socket.request(new JsonObject().put("op", "watch").put("id", "w").put("app", APP).put("ws", MINE).put("entity", "*"))
          .getString("type")).isEqualTo("advanced");
      assertThat(socket.closed.get(10, TimeUnit.SECONDS)).isEqualTo((short) 1008);
    }
  }

  /**
   * Requests sent straight to a partition's owner over the clustered event bus, as another node
   * would: without a token, with a forged one, or with one that lacks the grant, the owner refuses
   * them itself.
   */
  @Test
  void theOwnerChecksForwardedRequestsItself() {
    JsonObject cluster = send(a, new Route(HttpMethod.GET, "/v1/cluster", null, "admin"), tokens.get("admin")).bodyAsJsonObject();
    String bHttp = "127.0.0.1:" + b.httpPort();
    String bId = cluster.getJsonArray("members").stream().map(m -> (JsonObject) m).filter(m -> m.getString("http").endsWith(":" + b.httpPort()))
        .findFirst().orElseThrow(() -> new AssertionError("no member serving " + bHttp + " in " + cluster)).getString("id");
    int owned = cluster.getJsonArray("partitions").stream().map(p -> (JsonObject) p).filter(p -> bId.equals(p.getString("owner")))
        .findFirst().orElseThrow().getInteger("partition");
    String ws = workspaceOf(owned);
    PartitionId partition = new PartitionId(APP, owned);
    Vertx fromA = a.highwater().vertx();
    Batch batch = new BatchParser(1000, Clock.systemUTC()).parse(batch(0, action("eve", "book", "forged", new JsonObject().put("x", 1))));
    for (String token : new String[] {null, tokens.get("badSignature"), tokens.get("read"), tokens.get("otherWs")}) {
      Outcome outcome = fromA.eventBus().<Outcome>request(Addresses.commandProcessor(partition), new AppendRequest(ws, batch, 10, token))
          .await().body();
      assertThat(outcome).isInstanceOf(Outcome.Refused.class);
      assertThat(((Outcome.Refused) outcome).code()).isEqualTo(token == null || token.equals(tokens.get("badSignature"))
          ? "unauthorized" : "forbidden");
      JsonObject read = fromA.eventBus().<JsonObject>request(Addresses.cacheReads(partition), new JsonObject().put("ws", ws)
          .put("type", "book").put("id", "forged").put("timeoutMs", 100).put("credential", token)).await().body();
      assertThat(read.getInteger("status")).isIn(401, 403);
      Object rebuilt = fromA.eventBus().request(Addresses.viewRebuild(partition, "books_by_author"), new JsonObject().put("credential", token))
          .map(m -> (Object) m.body()).recover(e -> Future.succeededFuture(e)).await();
      assertThat(rebuilt).isInstanceOf(ReplyException.class);
      assertThat(((ReplyException) rebuilt).failureCode()).isIn(401, 403);
      Object resumed = fromA.eventBus().request(Addresses.viewRepair(partition, "books_by_author"),
              new JsonObject().put("op", "resume").put("credential", token))
          .map(m -> (Object) m.body()).recover(e -> Future.succeededFuture(e)).await();
      assertThat(resumed).isInstanceOf(ReplyException.class);
      assertThat(((ReplyException) resumed).failureCode()).isIn(401, 403);
    }
    // Nothing of it was stored.
    assertThat(send(b, new Route(HttpMethod.GET, "/v1/apps/bookstore/ws/" + ws + "/aggregates/book/forged?level=storage", null, "read"),
        tokens.get("admin")).statusCode()).isEqualTo(404);
    // With the right token the same request is taken.
    Outcome ok = fromA.eventBus().<Outcome>request(Addresses.commandProcessor(partition), new AppendRequest(ws, batch, 10, tokens.get("write")))
        .await().body();
    assertThat(ok).isInstanceOf(Outcome.Appended.class);
  }

  @Test
  void theJavaClientSendsItsTokenOnHttpAndTheWebSocket() {
    io.highwater.client.Event event = io.highwater.client.Event.action("create", "book", "c1").actor("user", "alice")
        .assoc("author", "Le Guin").build();
    io.highwater.client.HighwaterClient withToken = io.highwater.client.HighwaterClient.builder(b.clientVertx())
        .node("127.0.0.1", b.httpPort()).token(tokens.get("write")).build();
    io.highwater.client.HighwaterClient without = io.highwater.client.HighwaterClient.create(b.clientVertx(), "127.0.0.1", b.httpPort());
    try {
      long offset = withToken.append(APP, "shop-c", io.highwater.client.AppendRequest.of(0, event)).await().requireOk().lastOffset();
      assertThat(withToken.await(APP, "shop-c", "records", offset, io.highwater.client.Level.STORAGE).await().offset()).isEqualTo(offset);
      Throwable refused = without.append(APP, "shop-c", io.highwater.client.AppendRequest.of(0, event)).map(r -> (Throwable) null)
          .recover(Future::succeededFuture).await();
      assertThat(refused).isInstanceOf(io.highwater.client.HighwaterException.class);
      assertThat(((io.highwater.client.HighwaterException) refused).status()).isEqualTo(401);
      assertThat(without.await(APP, "shop-c", "records", offset, io.highwater.client.Level.CACHE).map(c -> "answered")
          .recover(e -> Future.succeededFuture("refused")).await()).isEqualTo("refused");
    } finally {
      withToken.close();
      without.close();
    }
  }

  private static String workspaceOf(int partition) {
    for (int i = 0; ; i++) {
      if (Partitioner.partitionOf("shop-f" + i, 4) == partition) {
        return "shop-f" + i;
      }
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** A WebSocket client of {@code /v1/ws}. */
  static final class Socket implements AutoCloseable {
    final WebSocket ws;
    final LinkedBlockingQueue<JsonObject> incoming = new LinkedBlockingQueue<>();
    final CompletableFuture<Short> closed = new CompletableFuture<>();

    private Socket(WebSocket ws) {
      this.ws = ws;
      ws.textMessageHandler(text -> incoming.add(new JsonObject(text)));
      ws.closeHandler(v -> closed.complete(ws.closeStatusCode()));
    }

    static WebSocketConnectOptions options(TestNode node, String token, boolean inQuery) {
      WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(node.httpPort())
          .setURI(inQuery && token != null ? "/v1/ws?access_token=" + token : "/v1/ws");
      if (!inQuery && token != null) {
        options.addHeader("Authorization", "Bearer " + token);
      }
      return options;
    }

    static Socket open(TestNode node, String token, boolean inQuery) {
      return new Socket(node.clientVertx().createWebSocketClient().connect(options(node, token, inQuery)).await());
    }

    /** The status the upgrade was refused with. */
    static int refusal(TestNode node, String token, boolean inQuery) {
      Throwable e = node.clientVertx().createWebSocketClient().connect(options(node, token, inQuery))
          .map(ws -> (Throwable) null).recover(Future::succeededFuture).await();
      assertThat(e).isInstanceOf(UpgradeRejectedException.class);
      return ((UpgradeRejectedException) e).getStatus();
    }

    JsonObject request(JsonObject message) throws InterruptedException {
      ws.writeTextMessage(message.encode()).await();
      JsonObject frame = incoming.poll(10, TimeUnit.SECONDS);
      assertThat(frame).as("an answer to %s", message).isNotNull();
      return frame;
    }

    @Override
    public void close() {
      if (!ws.isClosed()) {
        ws.close().await();
      }
    }
  }
}
