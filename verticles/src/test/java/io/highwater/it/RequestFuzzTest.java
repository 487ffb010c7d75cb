package io.highwater.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.highwater.cluster.Partitioner;
import io.highwater.it.AckedLog.Acked;
import io.highwater.it.FuzzRequest.Expect;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Generated and mutated requests against a real node: appends (valid, mutated, hostile, garbage),
 * reads with garbage parameters and WebSocket messages. No answer is a 5xx, every refusal names its
 * field, and afterwards each partition's log is gapless and holds exactly what was acknowledged,
 * with records and views equal to the fold of it.
 *
 * <p>The seed is printed; {@code -Dhighwater.fuzz.seed=N} replays a run ({@code -Dhighwater.fuzz.concurrency=1}
 * makes it replay exactly, since the offsets batches are based at depend on the order of answers).
 * {@code -Dhighwater.fuzz.requests=N} changes the count.
 */
class RequestFuzzTest {

  private static final long DEFAULT_SEED = 0x4869676877617465L;
  private static final int PARTITIONS = 4;
  private static final List<String> WORKSPACES = IntStream.range(0, 10).mapToObj(i -> "fuzz-" + i).toList();
  private static final Set<String> BODY_FIELDS = Set.of("body", "events", "baseOffset", "resolved", "dry");
  private static final long ANSWER_TIMEOUT_MS = 10_000;
  private static final int SOCKETS = 4;
  private static final int MAX_REQUEST_LINE = 4096 - "GET  HTTP/1.1".length();

  @TempDir
  static Path dataDir;
  static TestNode node;
  static HttpClientAgent http;
  static WebSocketClient sockets;

  private final AckedLog acked = new AckedLog();
  private final ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
  private final Map<String, Integer> tally = new ConcurrentHashMap<>();
  private final Map<Integer, FuzzRequest> pending = new ConcurrentHashMap<>();
  private final Map<String, Long> latency = new ConcurrentHashMap<>();

  @BeforeAll
  static void start() {
    node = TestNode.start(dataDir, 20);
    http = node.clientVertx().createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(node.httpPort()),
        new PoolOptions().setHttp1MaxSize(32));
    sockets = node.clientVertx().createWebSocketClient();
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.close();
    }
  }

  @Test
  void generated_requests_get_no_5xx_refusals_name_their_field_and_the_log_holds_exactly_what_was_acknowledged() throws Exception {
    long seed = Long.getLong("highwater.fuzz.seed", DEFAULT_SEED);
    int count = Integer.getInteger("highwater.fuzz.requests", 10_000);
    int concurrency = Integer.getInteger("highwater.fuzz.concurrency", 16);
    System.out.printf("RequestFuzzTest: seed %d, %d requests, %d in flight (replay with -Dhighwater.fuzz.seed=%d)%n",
        seed, count, concurrency, seed);
    long started = System.nanoTime();

    FuzzValues values = new FuzzValues(new Random(seed));
    FuzzAppends appends = new FuzzAppends(values, "fz" + Long.toHexString(seed));
    FuzzReads reads = new FuzzReads(values, WORKSPACES);
    FuzzFrames frames = new FuzzFrames(values, WORKSPACES, ws -> acked.lastOffset(partition(ws)));
    List<FuzzSocket> clients = new ArrayList<>();
    for (int i = 0; i < SOCKETS; i++) {
      clients.add(new FuzzSocket(sockets, node.httpPort()));
    }
    Semaphore inFlight = new Semaphore(concurrency);
    Context client = node.clientVertx().getOrCreateContext();
    for (int i = 0; i < count; i++) {
      int roll = values.random().nextInt(100);
      if (roll >= 82) {
        FuzzSocket socket = values.pick(clients);
        socket.send(frame(values, frames, socket));
        continue;
      }
      String ws = values.pick(WORKSPACES);
      long base = acked.lastOffset(partition(ws));
      FuzzRequest request = roll < 11 ? appends.valid(ws, base)
          : roll < 13 ? repeat(values, appends, ws, base)
          : roll < 14 ? mixedIds(values, appends, ws, base)
          : roll < 32 ? appends.mutated(ws, base)
          : roll < 59 ? appends.hostile(ws, base)
          : roll < 62 ? appends.sealedShaped(ws, base)
          : roll < 63 ? appends.utf16(ws, base)
          : reads.next();
      if (!inFlight.tryAcquire(3 * ANSWER_TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
        throw new AssertionError("no answer for " + 3 * ANSWER_TIMEOUT_MS + " ms to any of " + pending.values().stream()
            .map(r -> stage.get(r) + ": " + describe(r)).toList() + " (seed " + seed + ")");
      }
      int number = i;
      pending.put(number, request);
      long sent = System.nanoTime();
      // All requests start on one client context: a response read from another thread than its connection's can lose its end.
      client.runOnContext(v -> send(request).onComplete(ar -> {
        pending.remove(number);
        latency.merge(request.kind(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent), Long::sum);
        try {
          if (ar.failed()) {
            problems.add(describe(request) + ": no answer within " + ANSWER_TIMEOUT_MS + " ms: " + ar.cause());
          } else {
            check(request, ar.result());
          }
        } catch (RuntimeException e) {
          problems.add(describe(request) + ": the answer could not be checked: " + e);
        } finally {
          inFlight.release();
        }
      }));
    }
    assertThat(inFlight.tryAcquire(concurrency, 60, TimeUnit.SECONDS)).as("every request answered").isTrue();
    for (FuzzSocket socket : clients) {
      String watch;
      while ((watch = socket.takeWatch(values)) != null) {
        socket.send(frames.cancel(watch));
      }
    }
    for (FuzzSocket socket : clients) {
      problems.addAll(socket.verify(20));
      socket.close();
    }
    long fuzzed = System.nanoTime();

    problems.addAll(acked.problems());
    checkLogs();
    checkRecords();
    checkViews();
    System.out.printf("RequestFuzzTest: %d HTTP requests and %d WebSocket messages in %d ms, the log, records and views checked in %d ms; by kind and answer: %s%n",
        tally.entrySet().stream().filter(e -> !e.getKey().startsWith("ws") && !e.getKey().startsWith("final")).mapToInt(Map.Entry::getValue).sum(),
        clients.stream().mapToInt(FuzzSocket::sentCount).sum(),
        TimeUnit.NANOSECONDS.toMillis(fuzzed - started), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - fuzzed), new TreeMap<>(tally));
    System.out.printf("RequestFuzzTest: milliseconds spent waiting for answers, by kind: %s%n", new TreeMap<>(latency));
    assertThat(List.copyOf(problems)).as("problems (seed %d)", seed).isEmpty();
  }

  // ---- generating what needs the run's history ----

  private FuzzFrames.Frame frame(FuzzValues values, FuzzFrames frames, FuzzSocket socket) {
    int roll = values.random().nextInt(100);
    String watch = roll < 10 ? socket.takeWatch(values) : null;
    FuzzFrames.Frame frame = watch != null ? frames.cancel(watch) : roll < 45 ? frames.await() : roll < 55 ? frames.watch() : frames.bad();
    tally.merge(frame.kind(), 1, Integer::sum);
    return frame;
  }

  /** An acknowledged batch whose events all have ids, sent again as it was. */
  private FuzzRequest repeat(FuzzValues values, FuzzAppends appends, String ws, long base) {
    AckedLog.IdBatch batch = acked.idBatch(values.random().nextInt(1 << 20));
    if (batch == null) {
      return appends.valid(ws, base);
    }
    return new FuzzRequest("append-repeat", "POST", FuzzRequest.appendPath(batch.ws()), batch.body(), Expect.REPEAT,
        batch.offsets().toString());
  }

  /** An acknowledged batch with ids plus one new event: stored and new ids mixed, 400. */
  private FuzzRequest mixedIds(FuzzValues values, FuzzAppends appends, String ws, long base) {
    AckedLog.IdBatch batch = acked.idBatch(values.random().nextInt(1 << 20));
    if (batch == null) {
      return appends.valid(ws, base);
    }
    JsonObject body = new JsonObject(batch.body());
    JsonObject fresh = appends.validBatch(base).getJsonArray("events").getJsonObject(0).put("id", "mixed-" + values.word() + values.random().nextLong());
    body.getJsonArray("events").add(fresh);
    body.remove("dry");
    return FuzzRequest.append("append-mixed-ids", batch.ws(), body.toBuffer(), Expect.REFUSED, null);
  }

  // ---- sending and checking one answer ----

  record Answer(int status, Buffer body) {}

  private final Map<FuzzRequest, String> stage = new ConcurrentHashMap<>();

  private Future<Answer> send(FuzzRequest request) {
    stage.put(request, "connecting");
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.valueOf(request.method())).setURI(request.path())
        .setTimeout(ANSWER_TIMEOUT_MS);
    if (request.body() != null) {
      options.putHeader("content-type", "application/json");
    }
    return http.request(options)
        .compose(r -> {
          stage.put(request, "sending on " + r.connection().localAddress());
          return request.body() == null ? r.send() : r.send(request.body());
        })
        .compose(response -> {
          stage.put(request, "response " + response.statusCode() + " " + response.headers().entries());
          return response.body().map(body -> new Answer(response.statusCode(), body));
        });
  }

  private void check(FuzzRequest request, Answer answer) {
    int status = answer.status();
    tally.merge(request.kind() + " " + status, 1, Integer::sum);
    if (status >= 500) {
      if (!(status == 504 && request.path().contains("consistentAt=") && "timeout".equals(errorCode(answer)))) {
        problems.add(describe(request) + ": answered " + status + " " + shorten(answer.body().toString()));
      }
      return;
    }
    if (status == 414 && request.path().length() > MAX_REQUEST_LINE) {
      // Netty refuses a request line over its limit before any handler runs; every valid URI is shorter.
      return;
    }
    if (status >= 400 && status != 409) {
      checkError(request, answer);
    }
    if (!request.isAppend()) {
      return;
    }
    Expect expect = request.expect();
    boolean allowed = switch (expect) {
      case ACCEPTED -> status == 200 || status == 409;
      case REFUSED -> status == 400 || status == 413;
      case SEALED_SHAPED -> status == 200 || status == 400 || status == 409;
      case REPEAT -> status == 200;
      case ANY -> true;
    };
    if (!allowed) {
      problems.add(describe(request) + ": expected " + expect + ", answered " + status + " " + shorten(answer.body().toString()));
      return;
    }
    if (status == 200) {
      JsonObject body = new JsonObject(request.body());
      JsonObject reply = answer.body().toJsonObject();
      String ws = request.path().split("/")[5];
      if (expect == Expect.REPEAT) {
        List<Long> offsets = reply.getJsonArray("events").stream().map(e -> ((JsonObject) e).getLong("offset")).toList();
        if (!offsets.toString().equals(request.field())) {
          problems.add(describe(request) + ": a resent batch answered offsets " + offsets + ", first stored at " + request.field());
        }
      }
      acked.acknowledge(partition(ws), ws, request.body(), body, reply.getJsonArray("events"));
    }
  }

  /** The contract's error form, with the code of its status and, for a 400, the field first in its message. */
  private void checkError(FuzzRequest request, Answer answer) {
    JsonObject error;
    try {
      error = answer.body().toJsonObject().getJsonObject("error");
    } catch (RuntimeException notJson) {
      error = null;
    }
    if (error == null) {
      problems.add(describe(request) + ": a " + answer.status() + " not in the error form: " + shorten(answer.body().toString()));
      return;
    }
    String code = error.getString("code");
    String message = Objects.requireNonNullElse(error.getString("message"), "");
    Set<String> codes = switch (answer.status()) {
      case 400 -> Set.of("bad_request", "invalid_offset");
      case 404 -> Set.of("not_found");
      case 413 -> Set.of("payload_too_large");
      default -> Set.of();
    };
    if (!codes.contains(code)) {
      problems.add(describe(request) + ": status " + answer.status() + " with code " + code);
    }
    if (answer.status() != 400) {
      return;
    }
    if (request.field() != null && request.expect() == Expect.REFUSED || request.expect() == Expect.SEALED_SHAPED) {
      if (!(message.startsWith(request.field() + ":") || message.startsWith(request.field() + ".") || message.startsWith(request.field() + "["))) {
        problems.add(describe(request) + ": the refusal should name " + request.field() + ", says: " + message);
      }
      return;
    }
    int colon = message.indexOf(": ");
    String field = colon < 1 ? "" : message.substring(0, colon);
    String root = field.split("[.\\[]", 2)[0];
    boolean named = request.isAppend()
        ? BODY_FIELDS.contains(root) || bodyHasKey(request.body(), root)
        : FuzzReads.FIELDS.contains(root) || queryNames(request.path()).contains(field);
    if (field.isEmpty() || !named) {
      problems.add(describe(request) + ": a refusal that names no field: " + message);
    }
  }

  /** The decoded names of the query's parameters, as the server names them. */
  private static Set<String> queryNames(String uri) {
    try {
      return new QueryStringDecoder(uri).parameters().keySet();
    } catch (IllegalArgumentException brokenEscape) {
      return Set.of();
    }
  }

  private static boolean bodyHasKey(Buffer body, String key) {
    try {
      return new JsonObject(body).containsKey(key);
    } catch (RuntimeException notAnObject) {
      return false;
    }
  }

  private static String errorCode(Answer answer) {
    try {
      return answer.body().toJsonObject().getJsonObject("error").getString("code");
    } catch (RuntimeException e) {
      return null;
    }
  }

  // ---- the state afterwards ----

  /** Each partition's log is 1..N without a gap, N its cpOffset, and each event is the one acknowledged at that offset. */
  private void checkLogs() {
    for (int p = 0; p < PARTITIONS; p++) {
      Map<Long, Acked> expected = acked.events(p);
      List<JsonObject> logged = new ArrayList<>();
      long from = 1;
      while (true) {
        List<JsonObject> page = node.stream("/v1/apps/bookstore/partitions/" + p + "/events?limit=10000&from=" + from).stream()
            .filter(e -> !e.containsKey("replay")).toList();
        if (page.isEmpty()) {
          break;
        }
        logged.addAll(page);
        from = page.get(page.size() - 1).getLong("offset") + 1;
      }
      long cpOffset = node.get("/v1/apps/bookstore/partitions/" + p + "/consistency").bodyAsJsonObject().getLong("cpOffset");
      if (cpOffset != logged.size() || logged.size() != expected.size()) {
        problems.add("partition " + p + ": cpOffset " + cpOffset + ", " + logged.size() + " events in the log, " + expected.size()
            + " acknowledged");
      }
      for (int i = 0; i < logged.size(); i++) {
        JsonObject event = logged.get(i);
        long offset = event.getLong("offset");
        if (offset != i + 1) {
          problems.add("partition " + p + ": offset " + offset + " at position " + (i + 1) + " of the log");
          break;
        }
        Acked sent = expected.get(offset);
        String difference = sent == null ? "never acknowledged" : difference(sent, event);
        if (difference != null) {
          problems.add("partition " + p + " offset " + offset + ": " + difference + ": " + shorten(event.encode()));
        }
      }
    }
  }

  private static String difference(Acked sent, JsonObject logged) {
    JsonObject event = sent.event();
    if (!sent.ws().equals(logged.getString("ws"))) {
      return "sent to " + sent.ws() + ", logged in " + logged.getString("ws");
    }
    if (event.getValue("id") != null && !event.getValue("id").equals(logged.getValue("id"))) {
      return "sent with id " + event.getValue("id");
    }
    JsonObject action = event.getJsonObject("action");
    if (action == null) {
      JsonObject effect = logged.getJsonObject("effect");
      return effect != null && effect.getString("reason").equals(event.getJsonObject("effect").getString("reason")) ? null
          : "sent as effect " + event.encode();
    }
    JsonObject got = logged.getJsonObject("action");
    if (got == null || !AckedLog.aggregateKey(action.getJsonArray("aggregate")).equals(AckedLog.aggregateKey(got.getJsonArray("aggregate")))) {
      return "sent as action " + shorten(event.encode());
    }
    JsonObject patch = action.getJsonObject("patch");
    JsonObject assoc = Objects.requireNonNullElse(patch.getJsonObject("assoc"), new JsonObject());
    JsonArray dissoc = Objects.requireNonNullElse(patch.getJsonArray("dissoc"), new JsonArray());
    JsonObject loggedPatch = got.getJsonObject("patch");
    if (!FuzzJson.same(assoc, Objects.requireNonNullElse(loggedPatch.getJsonObject("assoc"), new JsonObject()))
        || !FuzzJson.same(dissoc, Objects.requireNonNullElse(loggedPatch.getJsonArray("dissoc"), new JsonArray()))) {
      return "sent with patch " + shorten(patch.encode());
    }
    return null;
  }

  /** Every aggregate's record, at both levels, is the fold of its acknowledged patches. */
  private void checkRecords() {
    AckedLog.Fold fold = acked.fold();
    fold.records().forEach((ws, aggregates) -> aggregates.forEach((aggregate, state) -> {
      int slash = aggregate.indexOf('/');
      String path = "/v1/apps/bookstore/ws/" + ws + "/aggregates/" + aggregate.substring(0, slash) + "/" + encode(aggregate.substring(slash + 1));
      long last = acked.lastOffset(partition(ws));
      for (String query : List.of("?consistentAt=" + last + "&level=storage&timeoutMs=30000", "?consistentAt=" + last)) {
        var response = node.get(path + query);
        tally.merge("final-record-read " + response.statusCode(), 1, Integer::sum);
        if (response.statusCode() != 200 || !FuzzJson.same(state, response.bodyAsJsonObject().getJsonObject("state"))) {
          problems.add(path + query + ": expected state " + shorten(state.encode()) + ", answered " + response.statusCode() + " "
              + shorten(response.bodyAsString()));
        }
      }
    }));
  }

  /** Each workspace's books by author and genre counts, for the texts the generator uses. */
  private void checkViews() {
    AckedLog.Fold fold = acked.fold();
    for (String ws : WORKSPACES) {
      Map<String, JsonObject> books = new TreeMap<>();
      fold.records().getOrDefault(ws, Map.of()).forEach((k, state) -> {
        if (k.startsWith("book/")) {
          books.put(k.substring(5), state);
        }
      });
      long last = acked.lastOffset(partition(ws));
      for (String author : FuzzValues.AUTHORS) {
        List<String> ids = books.entrySet().stream().filter(e -> author.equals(e.getValue().getValue("author"))).map(Map.Entry::getKey)
            .sorted().toList();
        checkView(ws, "books_by_author", author, fold, "author", last,
            new JsonObject().put("ids", new JsonArray(new ArrayList<>(ids))).put("count", ids.size()));
      }
      for (String genre : FuzzValues.GENRES) {
        long n = books.values().stream().filter(s -> genre.equals(s.getValue("genre"))).count();
        checkView(ws, "genre_counts", genre, fold, "genre", last, new JsonObject().put("count", n));
      }
    }
  }

  private void checkView(String ws, String view, String key, AckedLog.Fold fold, String field, long last, JsonObject expected) {
    boolean written = fold.held().getOrDefault(ws, Map.of()).getOrDefault(field, Set.of()).contains(key);
    String path = "/v1/apps/bookstore/ws/" + ws + "/views/" + view + "/" + encode(key) + "?consistentAt=" + last + "&level=storage&timeoutMs=30000";
    var response = node.get(path);
    tally.merge("final-view-read " + response.statusCode(), 1, Integer::sum);
    boolean right = written ? response.statusCode() == 200 && FuzzJson.same(expected, response.bodyAsJsonObject().getJsonObject("value"))
        : response.statusCode() == 404;
    if (!right) {
      problems.add(path + ": expected " + (written ? expected.encode() : "404") + ", answered " + response.statusCode() + " "
          + shorten(response.bodyAsString()));
    }
  }

  // ---- helpers ----

  private static int partition(String ws) {
    return Partitioner.partitionOf(ws, PARTITIONS);
  }

  private static String encode(String segment) {
    return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static String describe(FuzzRequest request) {
    String body = request.body() == null ? "" : " " + shorten(request.body().toString());
    return request.kind() + " " + request.method() + " " + shorten(request.path()) + body;
  }

  private static String shorten(String text) {
    return text.length() > 300 ? text.substring(0, 300) + "… (" + text.length() + " chars)" : text;
  }
}
