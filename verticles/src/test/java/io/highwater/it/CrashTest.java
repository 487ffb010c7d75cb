package io.highwater.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.highwater.config.FaultHook;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Crashes a real server process at each step boundary of the two-phase write (with the fault hook),
 * restarts it, and checks that nothing acknowledged was lost, nothing was applied twice, and every
 * read model equals a model computed from the log.
 */
class CrashTest {

  private static final String[] AUTHORS = {"Gibson", "Sterling", "Le Guin", "Butler"};
  private static final String[] GENRES = {"SciFi", "Cyberpunk", "Fantasy"};
  private static final List<String> WORKSPACES = List.of("crash-a", "crash-b", "crash-c", "crash-d", "crash-e", "crash-f");
  private static final int PARTITIONS = 4;
  private static final long FAULT_OFFSET = 25;

  static Vertx vertx;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "cache-applied@view:books_by_author",
      "flush-sent@view:books_by_author",
      "flush-committed@view:books_by_author",
      "cache-applied@view:genre_counts",
      "flush-committed@view:genre_counts",
      "flush-sent@records",
      "flush-committed@records"})
  void a_crash_loses_nothing_acknowledged_and_applies_nothing_twice(String fault, @TempDir Path dir) throws Exception {
    String pgUrl = TestDatabase.fresh();
    Map<String, String> env = Map.of(
        "HIGHWATER_RECORDS_FLUSH_INTERVAL_MS", "10",
        "HIGHWATER_VIEWS_FLUSH_INTERVAL_MS", "10",
        FaultHook.VARIABLE, fault + "@" + FAULT_OFFSET);
    Set<String> acknowledged = new HashSet<>();
    ServerProcess crashing = ServerProcess.start(dir, pgUrl, env);
    WebClient client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(crashing.httpPort()));
    Random random = new Random(fault.hashCode());
    boolean died = false;
    for (int i = 0; i < 2_000 && !died; i++) {
      String ws = WORKSPACES.get(random.nextInt(WORKSPACES.size()));
      List<String> ids = new ArrayList<>();
      JsonArray events = new JsonArray();
      for (int e = 0; e < 1 + random.nextInt(3); e++) {
        String id = UUID.randomUUID().toString();
        ids.add(id);
        events.add(randomBookEvent(random).put("id", id));
      }
      try {
        HttpResponse<Buffer> r = client.post("/v1/apps/bookstore/ws/" + ws + "/events")
            .sendJsonObject(new JsonObject().put("baseOffset", 0).put("events", events)
                .put("resolved", new JsonArray(LongStream.rangeClosed(1, 5_000).boxed().toList())))
            .await();
        assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
        acknowledged.addAll(ids);
      } catch (Exception | AssertionError e) {
        // The fault hook halts the server mid-request: refused, reset or unanswered.
        died = !crashing.process().isAlive() || crashing.process().waitFor(5, java.util.concurrent.TimeUnit.SECONDS);
        if (!died) {
          throw e;
        }
      }
    }
    client.close();
    assertThat(crashing.awaitExit(Duration.ofSeconds(30))).as("halted by the fault hook").isEqualTo(FaultHook.HALT_STATUS);

    try (ServerProcess restarted = ServerProcess.start(dir, pgUrl, Map.of())) {
      WebClient reader = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(restarted.httpPort()));
      ViewModel model = new ViewModel();
      Map<String, Integer> seen = new HashMap<>();
      Map<Integer, Long> lastOffsets = new HashMap<>();
      for (int p = 0; p < PARTITIONS; p++) {
        String body = reader.get("/v1/apps/bookstore/partitions/" + p + "/events?limit=10000").send().await().bodyAsString();
        List<JsonObject> log = body == null ? List.of() : body.lines().map(JsonObject::new).toList();
        List<Long> offsets = log.stream().map(e -> e.getLong("offset")).toList();
        assertThat(offsets).as("gapless offsets of partition " + p)
            .containsExactlyElementsOf(LongStream.rangeClosed(1, offsets.size()).boxed().toList());
        lastOffsets.put(p, (long) offsets.size());
        for (JsonObject event : log) {
          seen.merge(event.getString("id"), 1, Integer::sum);
          JsonObject action = event.getJsonObject("action");
          JsonObject patch = action.getJsonObject("patch");
          model.apply(event.getString("ws"), action.getJsonArray("aggregate").getString(1), patch.getJsonObject("assoc"),
              patch.getJsonArray("dissoc").stream().map(Object::toString).toList());
        }
      }
      assertThat(seen.values()).as("every stored event once").allMatch(n -> n == 1);
      assertThat(seen.keySet()).as("every acknowledged event stored").containsAll(acknowledged);

      for (String ws : WORKSPACES) {
        long at = lastOffsets.get(partitionOf(reader, ws));
        for (String level : List.of("cache", "storage")) {
          for (String author : model.authorKeys.getOrDefault(ws, Set.of())) {
            assertThat(view(reader, ws, "books_by_author", author, at, level)).as(fault + " " + ws + " author " + author + " " + level)
                .isEqualTo(model.byAuthor(ws, author));
          }
          for (String genre : model.genreKeys.getOrDefault(ws, Set.of())) {
            assertThat(view(reader, ws, "genre_counts", genre, at, level)).as(fault + " " + ws + " genre " + genre + " " + level)
                .isEqualTo(model.genreCount(ws, genre));
          }
          for (Map.Entry<String, JsonObject> book : model.books.getOrDefault(ws, Map.of()).entrySet()) {
            HttpResponse<Buffer> r = reader.get("/v1/apps/bookstore/ws/" + ws + "/aggregates/book/" + book.getKey()
                + "?consistentAt=" + at + "&level=" + level + "&timeoutMs=20000").send().await();
            assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
            assertThat(r.bodyAsJsonObject().getJsonObject("state")).as(fault + " record " + book.getKey()).isEqualTo(book.getValue());
          }
        }
      }
      reader.close();
    }
  }

  private static int partitionOf(WebClient client, String ws) {
    return client.get("/v1/apps/bookstore/ws/" + ws + "/consistency").send().await().bodyAsJsonObject().getInteger("partition");
  }

  private static JsonObject view(WebClient client, String ws, String view, String key, long at, String level) {
    HttpResponse<Buffer> r = client.get("/v1/apps/bookstore/ws/" + ws + "/views/" + view + "/"
        + URLEncoder.encode(key, StandardCharsets.UTF_8).replace("+", "%20")
        + "?consistentAt=" + at + "&level=" + level + "&timeoutMs=20000").send().await();
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    return r.bodyAsJsonObject().getJsonObject("value");
  }

  private static JsonObject randomBookEvent(Random random) {
    JsonObject assoc = new JsonObject();
    JsonArray dissoc = new JsonArray();
    int kind = random.nextInt(10);
    if (kind < 7) {
      assoc.put("author", AUTHORS[random.nextInt(AUTHORS.length)]).put("genre", GENRES[random.nextInt(GENRES.length)]);
    } else if (kind < 9) {
      assoc.put("genre", GENRES[random.nextInt(GENRES.length)]);
    } else {
      dissoc.add(random.nextBoolean() ? "author" : "genre");
    }
    return new JsonObject().put("action", new JsonObject()
        .put("reason", "update")
        .put("actor", new JsonArray().add("user").add("crash"))
        .put("aggregate", new JsonArray().add("book").add("b" + random.nextInt(8)))
        .put("patch", new JsonObject().put("assoc", assoc).put("dissoc", dissoc)));
  }
}
