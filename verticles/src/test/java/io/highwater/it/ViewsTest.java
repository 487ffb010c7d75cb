package io.highwater.it;

import static io.highwater.it.TestNode.action;
import static io.highwater.it.TestNode.batch;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bundled views against a model computed here from the same random events: books_by_author
 * (async index) and genre_counts (sync count), at both levels, and again after a restart.
 */
class ViewsTest {

  private static final String[] AUTHORS = {"Gibson", "Sterling", "Le Guin", "Butler", "Banks"};
  private static final String[] GENRES = {"SciFi", "Cyberpunk", "Fantasy", "Horror"};

  @TempDir
  static Path dataDir;
  static TestNode node;

  @BeforeAll
  static void start() {
    node = TestNode.start(dataDir, 20);
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @Test
  void views_equal_the_model_at_both_levels_and_after_a_restart() {
    Random random = new Random(42);
    ViewModel model = new ViewModel();
    List<String> workspaces = List.of("v-ws-a", "v-ws-b", "v-ws-c", "v-ws-d", "v-ws-e");
    Map<String, Set<Integer>> shelves = new HashMap<>();
    for (int i = 0; i < 150; i++) {
      String ws = workspaces.get(random.nextInt(workspaces.size()));
      List<JsonObject> events = new ArrayList<>();
      int size = 1 + random.nextInt(3);
      for (int e = 0; e < size; e++) {
        String book = "book-" + random.nextInt(12);
        JsonObject assoc = new JsonObject();
        List<String> dissoc = new ArrayList<>();
        int kind = random.nextInt(10);
        if (kind < 6) {
          assoc.put("author", AUTHORS[random.nextInt(AUTHORS.length)]);
          if (random.nextBoolean()) {
            assoc.put("genre", GENRES[random.nextInt(GENRES.length)]);
          }
        } else if (kind < 8) {
          assoc.put("genre", GENRES[random.nextInt(GENRES.length)]);
        } else {
          dissoc.add(random.nextBoolean() ? "author" : "genre");
        }
        JsonObject event = action("tester", "book", book, assoc, dissoc.toArray(String[]::new));
        if (random.nextBoolean()) {
          int shelf = random.nextInt(3);
          event.put("triggers", new JsonArray().add(new JsonArray().add("shelf").add(shelf)));
          shelves.computeIfAbsent(ws, w -> new java.util.TreeSet<>()).add(shelf);
        }
        events.add(event);
        model.apply(ws, book, assoc, dissoc);
      }
      Set<Integer> linked = shelves.getOrDefault(ws, Set.of());
      if (random.nextInt(5) == 0 && !linked.isEmpty()) {
        // An effect replays every action of the books on that shelf; with nothing changed, the
        // read models must stay exactly as they were (the model ignores effects).
        int shelf = linked.stream().skip(random.nextInt(linked.size())).findFirst().orElseThrow();
        events.add(new JsonObject().put("effect", new JsonObject().put("reason", "refresh")
            .put("trigger", new JsonArray().add("shelf").add(shelf))));
      }
      HttpResponse<Buffer> r = node.append(ws, batch(Long.MAX_VALUE / 2, events.toArray(JsonObject[]::new)).put("baseOffset", 0)
          .put("resolved", new JsonArray()));
      if (r.statusCode() == 409) {
        // Conflicts on purpose are not this test's subject: resolve everything it names.
        JsonArray unresolved = r.bodyAsJsonObject().getJsonObject("conflict").getJsonArray("unresolved");
        JsonObject again = batch(0, events.toArray(JsonObject[]::new)).put("resolved", allOffsets(ws));
        r = node.append(ws, again);
        assertThat(unresolved).isNotEmpty();
      }
      assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
      // A sync view is consistent in the cache by the time the append answers.
      JsonObject consistency = node.consistency(ws);
      assertThat(consistency.getJsonObject("entities").getJsonObject("view:genre_counts").getLong("cache"))
          .isEqualTo(consistency.getLong("cpOffset"));
    }
    verify(model, workspaces, "cache");
    verify(model, workspaces, "storage");
    node = node.restart();
    verify(model, workspaces, "cache");
    verify(model, workspaces, "storage");

    for (String view : List.of("books_by_author", "genre_counts")) {
      HttpResponse<Buffer> rebuild = node.post("/v1/apps/bookstore/views/" + view + "/rebuild", new JsonObject());
      assertThat(rebuild.statusCode()).as(rebuild.bodyAsString()).isEqualTo(202);
      awaitRebuilt(view);
    }
    // The sync view, rebuilt, is applied by the command processor again.
    String ws = workspaces.get(0);
    model.apply(ws, "book-new", new JsonObject().put("genre", "SciFi"), List.of());
    assertThat(node.append(ws, batch(0, action("tester", "book", "book-new", new JsonObject().put("genre", "SciFi")))).statusCode())
        .isEqualTo(200);
    verify(model, workspaces, "cache");
    verify(model, workspaces, "storage");
  }

  /** A rebuild's end has no event to await: ask until no partition reports one in progress, within a bound. */
  private static void awaitRebuilt(String view) {
    long deadline = System.nanoTime() + java.time.Duration.ofSeconds(30).toNanos();
    for (int p = 0; p < 4; p++) {
      while (node.get("/v1/apps/bookstore/partitions/" + p + "/consistency").bodyAsJsonObject()
          .getJsonObject("entities").getJsonObject("view:" + view).containsKey("rebuild")) {
        assertThat(System.nanoTime()).as("rebuild of partition " + p + " in time").isLessThan(deadline);
        try {
          Thread.sleep(50);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(e);
        }
      }
    }
  }

  @Test
  void a_key_never_written_is_not_found_and_an_unknown_view_too() {
    HttpResponse<Buffer> never = node.get("/v1/apps/bookstore/ws/v-none/views/books_by_author/Nobody");
    assertThat(never.statusCode()).isEqualTo(404);
    HttpResponse<Buffer> unknown = node.get("/v1/apps/bookstore/ws/v-none/views/no_such_view/x");
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(unknown.bodyAsJsonObject().getJsonObject("error").getString("code")).isEqualTo("not_found");
  }

  private static JsonArray allOffsets(String ws) {
    long last = node.consistency(ws).getLong("cpOffset");
    JsonArray all = new JsonArray();
    for (long o = 1; o <= last; o++) {
      all.add(o);
    }
    return all;
  }

  private static void verify(ViewModel model, List<String> workspaces, String level) {
    for (String ws : workspaces) {
      long last = node.consistency(ws).getLong("cpOffset");
      for (String author : model.authorKeys.getOrDefault(ws, Set.of())) {
        JsonObject read = read(ws, "books_by_author", author, last, level);
        assertThat(read.getJsonObject("value")).as(ws + " author " + author + " at " + level).isEqualTo(model.byAuthor(ws, author));
        assertThat(read.getLong("consistentAt")).isGreaterThanOrEqualTo(last);
        assertThat(read.getLong("offs")).isBetween(1L, last);
      }
      for (String genre : model.genreKeys.getOrDefault(ws, Set.of())) {
        JsonObject read = read(ws, "genre_counts", genre, last, level);
        assertThat(read.getJsonObject("value")).as(ws + " genre " + genre + " at " + level).isEqualTo(model.genreCount(ws, genre));
      }
    }
  }

  private static JsonObject read(String ws, String view, String key, long at, String level) {
    String path = "/v1/apps/bookstore/ws/" + ws + "/views/" + view + "/" + URLEncoder.encode(key, StandardCharsets.UTF_8).replace("+", "%20")
        + "?consistentAt=" + at + "&level=" + level + "&timeoutMs=10000";
    HttpResponse<Buffer> r = node.get(path);
    assertThat(r.statusCode()).as(path + " " + r.bodyAsString()).isEqualTo(200);
    JsonObject body = r.bodyAsJsonObject();
    assertThat(body.getString("level")).isEqualTo(level);
    assertThat(body.getString("view")).isEqualTo(view);
    assertThat(body.getString("key")).isEqualTo(key);
    return body;
  }
}
