package io.highwater.it;

import static io.highwater.it.TestNode.action;
import static io.highwater.it.TestNode.batch;
import static org.assertj.core.api.Assertions.assertThat;

import io.highwater.storage.Database;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Apps deployed at runtime on one real node: a new app takes appends; bad definitions are refused
 * naming their field and change nothing; views added under load equal a model once built; a removed
 * view stops, loses its watermarks and, after the grace period, its rows; a restart brings back the
 * stored definitions.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AppDeploymentTest {

  private static final String[] AUTHORS = {"Gibson", "Sterling", "LeGuin", "Butler", "Banks"};
  private static final String[] GENRES = {"SciFi", "Cyberpunk", "Fantasy", "Horror"};
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir
  static Path dataDir;
  static TestNode node;
  static Vertx vertx;
  static Database db;

  @BeforeAll
  static void start() {
    node = TestNode.start(dataDir, TestDatabase.fresh(), Map.of(
        "HIGHWATER_DEPLOYMENT_RETIRED_VIEW_GRACE_MS", "1500", "HIGHWATER_DEPLOYMENT_POLL_INTERVAL_MS", "250"));
    vertx = Vertx.vertx();
    db = Database.open(vertx, node.pgUrl(), 2).await();
  }

  @AfterAll
  static void stop() {
    db.close().await();
    vertx.close().await();
    node.close();
  }

  static JsonObject view(String projector, String mode, String field) {
    return new JsonObject().put("projector", projector).put("mode", mode)
        .put("options", new JsonObject().put("type", "book").put("field", field));
  }

  static JsonObject definition(int partitions, JsonObject views) {
    return new JsonObject().put("partitions", partitions).put("views", views);
  }

  static HttpResponse<Buffer> put(TestNode on, String app, JsonObject definition) {
    return on.client().put("/v1/apps/" + app).sendJsonObject(definition).await();
  }

  static HttpResponse<Buffer> append(TestNode on, String app, String ws, JsonObject batch) {
    return on.post("/v1/apps/" + app + "/ws/" + ws + "/events", batch);
  }

  static void await(String what, Supplier<Boolean> condition) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.get()) {
      assertThat(System.nanoTime()).as(what).isLessThan(deadline);
      sleep(100);
    }
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Sends the batch until it is taken; every answer meanwhile is a 404 (the app not there yet) or the 200. */
  static JsonObject appendOnceDeployed(TestNode on, String app, String ws, JsonObject batch) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (true) {
      HttpResponse<Buffer> response = append(on, app, ws, batch);
      assertThat(response.statusCode()).as(response.bodyAsString()).isIn(200, 404);
      if (response.statusCode() == 200) {
        return response.bodyAsJsonObject();
      }
      assertThat(System.nanoTime()).as("app " + app + " takes appends").isLessThan(deadline);
      sleep(20);
    }
  }

  static JsonObject app(TestNode on, String app) {
    return on.get("/v1/apps/" + app).bodyAsJsonObject();
  }

  static boolean allLive(TestNode on, String app, String... views) {
    JsonObject status = app(on, app).getJsonObject("views");
    for (String view : views) {
      if (status.getJsonObject(view) == null || !"live".equals(status.getJsonObject(view).getString("status"))) {
        return false;
      }
    }
    return true;
  }

  @Test
  @Order(1)
  void aNewAppTakesAppendsAtOnceAndIsListedWithItsVersion() {
    JsonObject book = batch(0, action("alice", "book", "b1", new JsonObject().put("author", "Gibson").put("genre", "SciFi")));
    assertThat(append(node, "library", "l-1", book).statusCode()).isEqualTo(404);
    JsonObject def = definition(2, new JsonObject().put("by_author", view("index", "async", "author"))
        .put("genres", view("count", "sync", "genre")));
    HttpResponse<Buffer> created = put(node, "library", def);
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(200);
    assertThat(created.bodyAsJsonObject().getLong("version")).isEqualTo(1);
    assertThat(created.bodyAsJsonObject().getJsonObject("definition")).isEqualTo(def);
    JsonObject taken = appendOnceDeployed(node, "library", "l-1", book);
    long offset = taken.getJsonArray("events").getJsonObject(0).getLong("offset");

    // A sync view has the append by the time it answers; the async one catches up.
    JsonObject count = node.get("/v1/apps/library/ws/l-1/views/genres/SciFi?consistentAt=" + offset).bodyAsJsonObject();
    assertThat(count.getJsonObject("value")).isEqualTo(new JsonObject().put("count", 1));
    JsonObject ids = node.get("/v1/apps/library/ws/l-1/views/by_author/Gibson?level=storage&consistentAt=" + offset).bodyAsJsonObject();
    assertThat(ids.getJsonObject("value")).as(ids.encode()).isEqualTo(new JsonObject().put("ids", new JsonArray().add("b1")).put("count", 1));

    // The same definition again changes nothing.
    assertThat(put(node, "library", def).bodyAsJsonObject().getLong("version")).isEqualTo(1);
    await("both views live", () -> allLive(node, "library", "by_author", "genres"));
    JsonObject listed = node.get("/v1/apps").bodyAsJsonObject();
    assertThat(listed.getJsonArray("apps")).contains(
        new JsonObject().put("app", "bookstore").put("version", 1).put("partitions", 4),
        new JsonObject().put("app", "library").put("version", 1).put("partitions", 2));
    assertThat(node.get("/v1/apps/nowhere").statusCode()).isEqualTo(404);
  }

  @Test
  @Order(2)
  void badDefinitionsAreRefusedNamingTheFieldAndNothingChanges() {
    JsonObject def = definition(2, new JsonObject().put("by_author", view("index", "async", "author")));
    assertThat(put(node, "atlas", def).statusCode()).isEqualTo(200);
    appendOnceDeployed(node, "atlas", "a-1", batch(0, action("alice", "book", "b1", new JsonObject().put("author", "Banks"))));
    Map<JsonObject, String> refused = new java.util.LinkedHashMap<>();
    refused.put(definition(2, new JsonObject().put("by_author", view("index", "async", "author"))
        .put("sums", new JsonObject().put("projector", "sum"))), "views.sums.projector");
    refused.put(definition(2, new JsonObject().put("by_author", view("index", "async", "author"))
        .put("Bad-Name", view("count", "async", "genre"))), "views.Bad-Name");
    refused.put(definition(2, new JsonObject().put("by_author", view("index", "async", "author"))
        .put("no_options", new JsonObject().put("projector", "count"))), "views.no_options.options");
    refused.put(definition(3, new JsonObject().put("by_author", view("index", "async", "author"))), "partitions");
    refused.put(definition(2, new JsonObject().put("by_author", view("index", "sync", "author"))), "views.by_author.mode");
    refused.put(definition(2, new JsonObject().put("by_author", view("count", "async", "author"))), "views.by_author.projector");
    refused.put(definition(2, new JsonObject().put("by_author", view("index", "async", "genre"))), "views.by_author.options");
    refused.forEach((bad, field) -> {
      HttpResponse<Buffer> response = put(node, "atlas", bad);
      assertThat(response.statusCode()).as(field + ": " + response.bodyAsString()).isEqualTo(400);
      JsonObject error = response.bodyAsJsonObject().getJsonObject("error");
      assertThat(error.getString("code")).isEqualTo("bad_request");
      assertThat(error.getString("message")).startsWith(field + ":");
    });
    HttpResponse<Buffer> changed = put(node, "atlas", definition(2, new JsonObject().put("by_author", view("count", "async", "author"))));
    assertThat(changed.bodyAsJsonObject().getJsonObject("error").getString("message")).contains("add a view under a new name instead");
    assertThat(put(node, "Atlas", def).bodyAsJsonObject().getJsonObject("error").getString("message")).startsWith("app:");
    HttpResponse<Buffer> notJson = node.client().put("/v1/apps/atlas").putHeader("content-type", "application/json")
        .sendBuffer(Buffer.buffer("{\"partitions\":")).await();
    assertThat(notJson.statusCode()).isEqualTo(400);
    assertThat(notJson.bodyAsJsonObject().getJsonObject("error").getString("message")).startsWith("body:");

    JsonObject stored = app(node, "atlas");
    assertThat(stored.getLong("version")).isEqualTo(1);
    assertThat(stored.getJsonObject("definition")).isEqualTo(def);
    // An app without events may change its partition count.
    assertThat(put(node, "globe", definition(2, new JsonObject())).statusCode()).isEqualTo(200);
    HttpResponse<Buffer> three = put(node, "globe", definition(3, new JsonObject()));
    assertThat(three.statusCode()).as(three.bodyAsString()).isEqualTo(200);
    assertThat(three.bodyAsJsonObject().getLong("version")).isEqualTo(2);
  }

  @Test
  @Order(3)
  void viewsAddedUnderLoadEqualTheModelOnceBuiltAndARemovedOneGoesAway() throws Exception {
    assertThat(put(node, "shelf", definition(2, new JsonObject())).statusCode()).isEqualTo(200);
    appendOnceDeployed(node, "shelf", "s-0", batch(0, action("alice", "book", "seed", new JsonObject().put("author", "Banks"))));
    ViewModel model = new ViewModel();
    model.apply("s-0", "seed", new JsonObject().put("author", "Banks"), List.of());
    Map<Integer, Long> lastOffsets = new HashMap<>();
    Map<String, Integer> partitionOf = new HashMap<>();
    AtomicBoolean loading = new AtomicBoolean(true);
    List<String> failures = new ArrayList<>();
    Thread load = new Thread(() -> {
      Random random = new Random(16);
      List<String> workspaces = List.of("s-0", "s-1", "s-2", "s-3", "s-4");
      int sent = 0;
      while (loading.get() || sent < 300) {
        String ws = workspaces.get(random.nextInt(workspaces.size()));
        String book = "b" + random.nextInt(40);
        JsonObject assoc = new JsonObject();
        List<String> dissoc = new ArrayList<>();
        if (random.nextInt(8) == 0) {
          dissoc.add(random.nextBoolean() ? "author" : "genre");
        } else {
          assoc.put("author", AUTHORS[random.nextInt(AUTHORS.length)]);
          if (random.nextBoolean()) {
            assoc.put("genre", GENRES[random.nextInt(GENRES.length)]);
          }
        }
        long base = partitionOf.containsKey(ws) ? lastOffsets.getOrDefault(partitionOf.get(ws), 0L) : 0;
        HttpResponse<Buffer> response = append(node, "shelf", ws,
            batch(base, action("alice", "book", book, assoc, dissoc.toArray(String[]::new))));
        sent++;
        if (response.statusCode() == 200) {
          JsonObject body = response.bodyAsJsonObject();
          int partition = body.getInteger("partition");
          partitionOf.put(ws, partition);
          lastOffsets.merge(partition, body.getJsonArray("events").getJsonObject(0).getLong("offset"), Math::max);
          model.apply(ws, book, assoc, dissoc);
        } else if (response.statusCode() != 409) {
          failures.add(response.statusCode() + " " + response.bodyAsString());
        }
      }
    });
    load.start();
    sleep(500);
    JsonObject withViews = definition(2, new JsonObject().put("by_author", view("index", "async", "author"))
        .put("genres", view("count", "sync", "genre")));
    HttpResponse<Buffer> added = put(node, "shelf", withViews);
    assertThat(added.statusCode()).as(added.bodyAsString()).isEqualTo(200);
    assertThat(added.bodyAsJsonObject().getLong("version")).isEqualTo(2);
    await("the new views build under load", () -> allLive(node, "shelf", "by_author", "genres"));
    loading.set(false);
    load.join();
    assertThat(failures).isEmpty();

    for (String ws : model.books.keySet()) {
      long at = lastOffsets.get(partitionOf.getOrDefault(ws, 0));
      for (String author : model.authorKeys.getOrDefault(ws, java.util.Set.of())) {
        JsonObject read = node.get("/v1/apps/shelf/ws/" + ws + "/views/by_author/" + author + "?level=storage&consistentAt=" + at)
            .bodyAsJsonObject();
        assertThat(read.getJsonObject("value")).as(ws + " " + author).isEqualTo(model.byAuthor(ws, author));
      }
      for (String genre : model.genreKeys.getOrDefault(ws, java.util.Set.of())) {
        JsonObject read = node.get("/v1/apps/shelf/ws/" + ws + "/views/genres/" + genre + "?consistentAt=" + at).bodyAsJsonObject();
        assertThat(read.getJsonObject("value")).as(ws + " " + genre).isEqualTo(model.genreCount(ws, genre));
      }
    }
    // The sync view, once joined, has each append by the time it answers.
    JsonObject next = append(node, "shelf", "s-1", batch(lastOffsets.get(partitionOf.get("s-1")),
        action("alice", "book", "fresh", new JsonObject().put("genre", "Poetry")))).bodyAsJsonObject();
    long offset = next.getJsonArray("events").getJsonObject(0).getLong("offset");
    assertThat(node.get("/v1/apps/shelf/ws/s-1/views/genres/Poetry?consistentAt=" + offset + "&timeoutMs=1")
        .bodyAsJsonObject().getJsonObject("value")).isEqualTo(new JsonObject().put("count", 1));

    // Removing a view: it stops, its watermarks go at once, its name is not taken again, its rows go after the grace period.
    assertThat(rows("by_author")).isPositive();
    HttpResponse<Buffer> removed = put(node, "shelf", definition(2, new JsonObject().put("genres", view("count", "sync", "genre"))));
    assertThat(removed.bodyAsJsonObject().getLong("version")).isEqualTo(3);
    await("the removed view's watermarks are gone", () -> !node.get("/v1/apps/shelf/partitions/0/consistency").bodyAsJsonObject()
        .getJsonObject("entities").containsKey("view:by_author"));
    assertThat(node.get("/v1/apps/shelf/partitions/0/consistency").bodyAsJsonObject().getJsonObject("entities").fieldNames())
        .containsExactlyInAnyOrder("records", "view:genres");
    assertThat(node.get("/v1/apps/shelf/ws/s-1/views/by_author/Banks").statusCode()).isEqualTo(404);
    assertThat(app(node, "shelf").getJsonObject("views").fieldNames()).containsExactly("genres");
    HttpResponse<Buffer> again = put(node, "shelf", withViews);
    assertThat(again.statusCode()).isEqualTo(400);
    assertThat(again.bodyAsJsonObject().getJsonObject("error").getString("message")).startsWith("views.by_author:");
    await("the removed view's rows are dropped after the grace period", () -> rows("by_author") == 0);
    assertThat(rows("genres")).isPositive();
  }

  private static long rows(String view) {
    return db.pool().preparedQuery("""
        SELECT (SELECT count(*) FROM view_rows WHERE app = 'shelf' AND view = $1)
             + (SELECT count(*) FROM view_members WHERE app = 'shelf' AND view = $1)
             + (SELECT count(*) FROM checkpoints WHERE app = 'shelf' AND entity = 'view:' || $1)""")
        .execute(Tuple.of(view)).await().iterator().next().getLong(0);
  }

  @Test
  @Order(4)
  void aRestartedNodeComesBackWithTheStoredDefinitions() {
    JsonObject before = app(node, "shelf");
    node = node.restart();
    JsonObject after = app(node, "shelf");
    assertThat(after.getLong("version")).isEqualTo(before.getLong("version"));
    assertThat(after.getJsonObject("definition")).isEqualTo(before.getJsonObject("definition"));
    assertThat(app(node, "library").getLong("version")).isEqualTo(1);
    assertThat(node.get("/v1/apps/shelf/ws/s-1/views/genres/Poetry?level=storage").bodyAsJsonObject().getJsonObject("value"))
        .isEqualTo(new JsonObject().put("count", 1));
    assertThat(node.get("/v1/apps/shelf/ws/s-1/views/by_author/Banks").statusCode()).isEqualTo(404);
    appendOnceDeployed(node, "library", "l-2", batch(0, action("bob", "book", "b2", new JsonObject().put("genre", "SciFi"))));
    await("views live after the restart", () -> allLive(node, "library", "by_author", "genres"));
  }
}
