package io.highwater.it;

import static io.highwater.it.StatusNotes.eventually;
import static io.highwater.it.TestNode.action;
import static io.highwater.it.TestNode.batch;
import static org.assertj.core.api.Assertions.assertThat;

import io.highwater.storage.Database;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The async index view {@code books_by_author} kept one row per member (ADR 0007): it reads exactly
 * as a whole value did, at both levels, after moves, a restart and a rebuild, and a new member of a
 * big key is one row written, whatever the key's size.
 */
class IndexMembersTest {

  private static final String VIEW = "books_by_author";
  private static final String SYNC_VIEW = "books_by_author_sync";

  @TempDir
  static Path dataDir;
  static TestNode node;
  static Vertx vertx;
  static Database db;

  @BeforeAll
  static void start() {
    node = TestNode.start(dataDir, 20);
    vertx = Vertx.vertx();
    db = Database.open(vertx, node.pgUrl(), 2).await();
  }

  @AfterAll
  static void stop() {
    db.close().await();
    vertx.close().await();
    node.close();
  }

  @Test
  void a_new_member_of_a_key_of_twenty_thousand_is_one_row_written() {
    String ws = "m-big";
    TreeSet<String> ids = new TreeSet<>();
    long last = 0;
    for (int b = 0; b < 20; b++) {
      List<JsonObject> events = new ArrayList<>();
      for (int i = 0; i < 1000; i++) {
        String id = "book-" + (b * 1000 + i);
        ids.add(id);
        events.add(action("tester", "book", id, new JsonObject().put("author", "Prolific")));
      }
      last = append(ws, events.toArray(JsonObject[]::new));
    }
    assertThat(read(ws, "Prolific", last, "storage").getJsonObject("value").getInteger("count")).isEqualTo(20_000);
    long before = scalar("SELECT pg_current_xact_id()::text::bigint", Tuple.tuple());

    long added = append(ws, action("tester", "book", "book-new", new JsonObject().put("author", "Prolific")));
    ids.add("book-new");
    String expected = new JsonObject().put("ids", new io.vertx.core.json.JsonArray(new ArrayList<>(ids))).put("count", ids.size()).encode();
    assertThat(read(ws, "Prolific", added, "storage").getJsonObject("value").encode()).isEqualTo(expected);
    assertThat(read(ws, "Prolific", added, "cache").getJsonObject("value").encode()).isEqualTo(expected);

    // What the flushes since wrote: rows created or updated by later transactions.
    Tuple since = Tuple.of(VIEW, ws, before);
    assertThat(scalar("SELECT count(*) FROM view_members WHERE view = $1 AND ws = $2 AND xmin::text::bigint > $3", since))
        .isEqualTo(1);
    assertThat(scalar("SELECT count(*) FROM view_members WHERE view = $1 AND ws = $2 AND xmin::text::bigint > $3"
        + " AND member = 'book-new' AND present AND offs = $4", since.addLong(added))).isEqualTo(1);
    assertThat(scalar("SELECT count(*) FROM view_rows WHERE view = $1 AND ws = $2 AND xmin::text::bigint > $3", Tuple.of(VIEW, ws, before)))
        .isZero();
  }

  /**
   * On a node that keeps one member cached per view, so that values are let go and read again from
   * storage, and with a sync index beside the async one.
   */
  @Test
  void values_read_as_before_after_moves_a_restart_and_a_rebuild() throws Exception {
    Path conf = TestNode.confWith(dataDir.resolve("kept"), config -> {
      config.getJsonObject("views").put("keptMembers", 1);
      config.getJsonObject("apps").getJsonObject("bookstore").getJsonObject("views").put(SYNC_VIEW, new JsonObject()
          .put("projector", "index").put("mode", "sync").put("options", new JsonObject().put("type", "book").put("field", "author")));
    });
    TestNode big = node;
    node = TestNode.start(java.nio.file.Files.createDirectories(dataDir.resolve("kept-data")), TestDatabase.fresh(),
        Map.of("HIGHWATER_CONF_DIR", conf.toString()));
    try {
      movesRestartAndRebuild();
    } finally {
      node.close();
      node = big;
    }
  }

  private static void movesRestartAndRebuild() {
    String ws = "m-wire";
    append(ws, book("b1", "Ann"), book("b2", "Ann"), book("b3", "Ann"), book("b4", "Bob"), book("b5", "Dee"));
    // b2 changes author, b3 loses its author, b5 leaves Dee alone: Dee stays, empty.
    long moved = append(ws, book("b2", "Bob"), action("tester", "book", "b3", new JsonObject(), "author"), book("b5", "Ann"));
    Map<String, String> expected = Map.of(
        "Ann", "{\"ids\":[\"b1\",\"b5\"],\"count\":2}",
        "Bob", "{\"ids\":[\"b2\",\"b4\"],\"count\":2}",
        "Dee", "{\"ids\":[],\"count\":0}");
    assertValues(ws, moved, expected);

    node = node.restart();
    assertValues(ws, moved, expected);
    // After the restart a key's members come from storage, and take a new one.
    long joined = append(ws, book("b6", "Ann"));
    Map<String, String> afterJoin = Map.of(
        "Ann", "{\"ids\":[\"b1\",\"b5\",\"b6\"],\"count\":3}",
        "Bob", expected.get("Bob"),
        "Dee", expected.get("Dee"));
    assertValues(ws, joined, afterJoin);

    for (String view : List.of(VIEW, SYNC_VIEW)) {
      HttpResponse<Buffer> rebuild = node.post("/v1/apps/bookstore/views/" + view + "/rebuild", new JsonObject());
      assertThat(rebuild.statusCode()).as(rebuild.bodyAsString()).isEqualTo(202);
      eventually(() -> node.consistency(ws).getJsonObject("entities").getJsonObject("view:" + view),
          entity -> !entity.containsKey("rebuild") && entity.getLong("storage") >= joined);
    }
    assertValues(ws, joined, afterJoin);
  }

  private static void assertValues(String ws, long at, Map<String, String> expected) {
    for (String view : List.of(VIEW, SYNC_VIEW)) {
      expected.forEach((key, value) -> {
        JsonObject storage = read(ws, view, key, at, "storage");
        JsonObject cache = read(ws, view, key, at, "cache");
        assertThat(storage.getJsonObject("value").encode()).as("%s of %s at storage", key, view).isEqualTo(value);
        assertThat(cache.getJsonObject("value").encode()).as("%s of %s at cache", key, view).isEqualTo(value);
        assertThat(cache.getLong("offs")).as("offs of %s of %s", key, view).isEqualTo(storage.getLong("offs"));
      });
    }
  }

  private static JsonObject book(String id, String author) {
    return action("tester", "book", id, new JsonObject().put("author", author));
  }

  private static long append(String ws, JsonObject... events) {
    // Based on everything so far: the test's own changes of a book never conflict.
    HttpResponse<Buffer> response = node.append(ws, batch(node.consistency(ws).getLong("cpOffset"), events));
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    return node.consistency(ws).getLong("cpOffset");
  }

  private static JsonObject read(String ws, String key, long at, String level) {
    return read(ws, VIEW, key, at, level);
  }

  private static JsonObject read(String ws, String view, String key, long at, String level) {
    HttpResponse<Buffer> response = node.get("/v1/apps/bookstore/ws/" + ws + "/views/" + view + "/" + key.replace(" ", "%20")
        + "?consistentAt=" + at + "&level=" + level + "&timeoutMs=60000");
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    return response.bodyAsJsonObject();
  }

  private static long scalar(String sql, Tuple params) {
    return db.pool().preparedQuery(sql).execute(params).await().iterator().next().getLong(0);
  }
}
