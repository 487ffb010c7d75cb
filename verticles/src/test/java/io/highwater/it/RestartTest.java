package io.highwater.it;

import static io.highwater.it.TestNode.action;
import static io.highwater.it.TestNode.batch;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Restarting a node on the same database: offsets, records, watermarks and the log survive it, and
 * records that were only in the cache are rebuilt from the log.
 */
class RestartTest {

  private static final int PARTITIONS = 4;
  private static final long SHORT_FLUSH_MS = 20;
  private static final long LONG_FLUSH_MS = 60_000;
  private static final String FLUSH_ENV = "HIGHWATER_RECORDS_FLUSH_INTERVAL_MS";

  @TempDir
  static Path dataDir;
  /** The class's node; tests may replace it by one on the same database with another flush interval. */
  static TestNode node;
  static long flushMs;
  static String pgUrl;

  @BeforeAll
  static void start() {
    node = TestNode.start(dataDir, SHORT_FLUSH_MS);
    flushMs = SHORT_FLUSH_MS;
    pgUrl = node.pgUrl();
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.close();
    }
  }

  @Test
  void offsets_records_watermarks_and_log_survive_a_graceful_restart() {
    useFlushInterval(SHORT_FLUSH_MS);
    Model model = new Model(workspaces("restart-", 2));
    model.captureLastOffsets();

    model.writeThreeRounds();
    model.assertOffsetsAndCacheWatermarksAtLast();

    // Wait (consistent reads, no sleeps) until every record is flushed, and check it reads back.
    for (Model.Book book : model.books.values()) {
      JsonObject read = model.read(book, "?consistentAt=" + model.last.get(book.partition) + "&level=storage&timeoutMs=20000", 200);
      model.assertRecord(book, read, "storage");
    }
    Map<Integer, Long> storageBefore = new HashMap<>();
    for (int p = 0; p < PARTITIONS; p++) {
      JsonObject records = partitionConsistency(p).getJsonObject("entities").getJsonObject("records");
      assertThat(records.getLong("storage")).as("storage watermark of partition %d", p).isGreaterThanOrEqualTo(model.last.get(p));
      storageBefore.put(p, records.getLong("storage"));
    }
    Map<String, List<JsonObject>> logBefore = model.logs();

    node = node.restart();

    model.assertOffsetsAndCacheWatermarksAtLast();
    for (int p = 0; p < PARTITIONS; p++) {
      JsonObject records = partitionConsistency(p).getJsonObject("entities").getJsonObject("records");
      assertThat(records.getLong("storage")).as("storage watermark of partition %d after restart", p)
          .isGreaterThanOrEqualTo(storageBefore.get(p));
    }
    model.assertEveryRecordAtBothLevels();
    assertThat(model.logs()).as("the workspaces' logs after the restart").isEqualTo(logBefore);

    // Conflict detection still sees the events from before the restart.
    Model.Book touched = model.books.values().iterator().next();
    HttpResponse<Buffer> conflict = node.append(touched.ws, batch(touched.version - 1,
        action("carol", "book", touched.id, new JsonObject().put("note", "late"))));
    assertThat(conflict.statusCode()).as(conflict.bodyAsString()).isEqualTo(409);
    assertThat(conflict.bodyAsJsonObject().getJsonObject("conflict").getJsonObject("theirs").getLong("offset"))
        .isEqualTo(touched.version);

    // The next append in each partition takes the offset after the last one: gapless.
    model.appendOneMorePerPartition();
    model.assertEveryRecordAtCache();
  }

  @Test
  void records_held_only_in_the_cache_are_rebuilt_from_the_log() throws SQLException {
    useFlushInterval(SHORT_FLUSH_MS);
    Model model = new Model(workspaces("cache-only-", 1));
    model.captureLastOffsets();

    // Phase A: written and flushed to storage.
    model.writeRound(0);
    for (Model.Book book : model.books.values()) {
      model.read(book, "?consistentAt=" + model.last.get(book.partition) + "&level=storage&timeoutMs=20000", 200);
    }

    // The database as it is now, once the node has stopped (a graceful stop flushes, so it is quiet).
    replaceNode(() -> {
      sql("DROP TABLE IF EXISTS records_snapshot", "DROP TABLE IF EXISTS checkpoints_snapshot",
          "CREATE TABLE records_snapshot AS SELECT * FROM records",
          "CREATE TABLE checkpoints_snapshot AS SELECT * FROM checkpoints");
      return TestNode.start(dataDir, pgUrl, Map.of(FLUSH_ENV, String.valueOf(LONG_FLUSH_MS)));
    });
    flushMs = LONG_FLUSH_MS;
    Map<Integer, Long> flushedA = new HashMap<>(model.last);
    model.assertOffsetsAndCacheWatermarksAtLast();

    // Phase B: updates, dissocs and new books, which with this flush interval stay in the cache.
    model.writeRound(1);
    model.writeRound(2);
    model.assertOffsetsAndCacheWatermarksAtLast();
    model.assertEveryRecordAtCache();
    Map<String, List<JsonObject>> logBefore = model.logs();

    // A graceful restart: every record reads back, at level cache and (the stop flushed) at level storage.
    node = node.restart();
    model.assertOffsetsAndCacheWatermarksAtLast();
    model.assertEveryRecordAtBothLevels();
    assertThat(model.logs()).isEqualTo(logBefore);

    // Now what a crash after phase B leaves: the log complete, records and checkpoints as after phase A.
    replaceNode(() -> {
      sql("DELETE FROM records", "INSERT INTO records SELECT * FROM records_snapshot",
          "DELETE FROM checkpoints", "INSERT INTO checkpoints SELECT * FROM checkpoints_snapshot");
      for (int p = 0; p < PARTITIONS; p++) {
        assertThat(recordsCheckpoint(p)).as("the simulated crash leaves partition %d's records behind its log", p)
            .isEqualTo(flushedA.get(p)).isLessThan(model.last.get(p));
      }
      return TestNode.start(dataDir, pgUrl, Map.of(FLUSH_ENV, String.valueOf(LONG_FLUSH_MS)));
    });
    model.assertOffsetsAndCacheWatermarksAtLast();
    for (int p = 0; p < PARTITIONS; p++) {
      JsonObject records = partitionConsistency(p).getJsonObject("entities").getJsonObject("records");
      assertThat(records.getLong("storage")).as("storage watermark of partition %d after the crash", p)
          .isGreaterThanOrEqualTo(flushedA.get(p))
          .isLessThanOrEqualTo(records.getLong("cache"));
    }
    // The cache was rebuilt from the log over the stored records: phase B reads back at level cache.
    model.assertEveryRecordAtCache();
    assertThat(model.logs()).isEqualTo(logBefore);

    // The rebuilt records are dirty: a graceful restart flushes them, so storage has phase B too.
    node = node.restart();
    model.assertOffsetsAndCacheWatermarksAtLast();
    model.assertEveryRecordAtBothLevels();

    model.appendOneMorePerPartition();
    model.assertEveryRecordAtCache();
  }

  // ---- the model of what was written ----

  /** The books written to some workspaces, with the state and version each must read back with. */
  private static final class Model {

    static final class Book {
      final String ws;
      final int partition;
      final Object id;
      final JsonObject state = new JsonObject();
      long version;

      Book(String ws, Object id) {
        this.ws = ws;
        this.partition = partitionOf(ws);
        this.id = id;
      }

      String path() {
        return "/v1/apps/bookstore/ws/" + ws + "/aggregates/book/" + id;
      }
    }

    final List<String> workspaces;
    final Map<String, Book> books = new LinkedHashMap<>();
    /** The last offset of each partition, as the appends answered it. */
    final Map<Integer, Long> last = new HashMap<>();

    Model(List<String> workspaces) {
      this.workspaces = workspaces;
    }

    void captureLastOffsets() {
      for (int p = 0; p < PARTITIONS; p++) {
        last.put(p, partitionConsistency(p).getLong("cpOffset"));
      }
    }

    void writeThreeRounds() {
      writeRound(0);
      writeRound(1);
      writeRound(2);
    }

    /** One batch per workspace; round 0 creates, later rounds update, dissoc and add books. */
    void writeRound(int round) {
      for (String ws : workspaces) {
        List<Object[]> events = new ArrayList<>(); // {id, assoc, dissoc[]}
        switch (round) {
          case 0 -> {
            events.add(new Object[] {"Neuromancer", new JsonObject().put("author", "William Gibson").put("genre", "SciFi").put("price", 12), new String[0]});
            events.add(new Object[] {"Dune", new JsonObject().put("author", "Frank Herbert").put("genre", "SciFi").put("stock", 3), new String[0]});
            events.add(new Object[] {7, new JsonObject().put("author", "Anon").put("tags", new JsonArray().add("a").add("b")), new String[0]});
          }
          case 1 -> {
            events.add(new Object[] {"Neuromancer", new JsonObject().put("genre", "Cyberpunk"), new String[] {"price"}});
            events.add(new Object[] {"Dune", new JsonObject().put("stock", 2), new String[0]});
            events.add(new Object[] {"Hyperion", new JsonObject().put("author", "Dan Simmons").put("meta", new JsonObject().put("pages", 482)), new String[0]});
          }
          default -> {
            events.add(new Object[] {"Dune", new JsonObject(), new String[] {"stock", "genre"}});
            events.add(new Object[] {7, new JsonObject().put("author", "Known").put("round", round), new String[] {"tags"}});
            events.add(new Object[] {"Neuromancer", new JsonObject().put("price", 15), new String[0]});
          }
        }
        append(ws, events);
      }
    }

    private void append(String ws, List<Object[]> events) {
      int p = partitionOf(ws);
      long base = last.get(p);
      JsonObject[] actions = events.stream()
          .map(e -> action("alice", "book", e[0], (JsonObject) e[1], (String[]) e[2]))
          .toArray(JsonObject[]::new);
      HttpResponse<Buffer> response = node.append(ws, batch(base, actions));
      assertThat(response.statusCode()).as("append to %s: %s", ws, response.bodyAsString()).isEqualTo(200);
      JsonObject body = response.bodyAsJsonObject();
      assertThat(body.getInteger("partition")).as("partition of %s", ws).isEqualTo(p);
      JsonArray stored = body.getJsonArray("events");
      assertThat(WalkthroughTest.offsets(stored)).as("offsets of the append to %s", ws)
          .containsExactlyElementsOf(consecutive(base + 1, events.size()));
      for (int i = 0; i < events.size(); i++) {
        Object[] e = events.get(i);
        Book book = books.computeIfAbsent(ws + "/" + e[0], k -> new Book(ws, e[0]));
        ((JsonObject) e[1]).forEach(kv -> book.state.put(kv.getKey(), kv.getValue()));
        for (String key : (String[]) e[2]) {
          book.state.remove(key);
        }
        book.version = base + 1 + i;
      }
      last.put(p, base + events.size());
    }

    /** Appends one new book per partition: it must take the offset after the partition's last one. */
    void appendOneMorePerPartition() {
      Map<Integer, String> wsOfPartition = new TreeMap<>();
      workspaces.forEach(ws -> wsOfPartition.putIfAbsent(partitionOf(ws), ws));
      assertThat(wsOfPartition).hasSize(PARTITIONS);
      wsOfPartition.forEach((p, ws) -> {
        List<Object[]> events = new ArrayList<>();
        events.add(new Object[] {"Snow-Crash", new JsonObject().put("author", "Neal Stephenson"), new String[0]});
        append(ws, events);
      });
      assertOffsetsAndCacheWatermarksAtLast();
    }

    void assertOffsetsAndCacheWatermarksAtLast() {
      for (int p = 0; p < PARTITIONS; p++) {
        JsonObject consistency = partitionConsistency(p);
        assertThat(consistency.getLong("cpOffset")).as("cpOffset of partition %d: %s", p, consistency).isEqualTo(last.get(p));
        JsonObject records = consistency.getJsonObject("entities").getJsonObject("records");
        assertThat(records).as("records watermarks of partition %d", p).isNotNull();
        assertThat(records.getLong("cache")).as("records cache watermark of partition %d: %s", p, consistency).isEqualTo(last.get(p));
        assertThat(records.getLong("storage")).as("records storage watermark of partition %d", p).isLessThanOrEqualTo(records.getLong("cache"));
      }
    }

    void assertEveryRecordAtCache() {
      for (Book book : books.values()) {
        assertRecord(book, read(book, "", 200), "cache");
        assertRecord(book, read(book, "?consistentAt=" + last.get(book.partition) + "&level=cache&timeoutMs=20000", 200), "cache");
      }
    }

    void assertEveryRecordAtBothLevels() {
      assertEveryRecordAtCache();
      for (Book book : books.values()) {
        assertRecord(book, read(book, "?consistentAt=" + last.get(book.partition) + "&level=storage&timeoutMs=20000", 200), "storage");
      }
    }

    JsonObject read(Book book, String query, int status) {
      HttpResponse<Buffer> response = node.get(book.path() + query);
      assertThat(response.statusCode()).as("GET %s%s: %s", book.path(), query, response.bodyAsString()).isEqualTo(status);
      return response.bodyAsJsonObject();
    }

    void assertRecord(Book book, JsonObject read, String level) {
      assertThat(read.getJsonArray("aggregate")).as("aggregate of %s", book.path()).isEqualTo(new JsonArray().add("book").add(String.valueOf(book.id)));
      assertThat(read.getJsonObject("state")).as("state of %s at level %s", book.path(), level).isEqualTo(book.state);
      assertThat(read.getLong("version")).as("version of %s at level %s", book.path(), level).isEqualTo(book.version);
      assertThat(read.getString("level")).isEqualTo(level);
    }

    Map<String, List<JsonObject>> logs() {
      Map<String, List<JsonObject>> logs = new TreeMap<>();
      for (String ws : workspaces) {
        List<JsonObject> events = node.stream("/v1/apps/bookstore/ws/" + ws + "/events");
        assertThat(events).as("log of %s", ws).isNotEmpty();
        assertThat(events).allSatisfy(e -> assertThat(e.getString("ws")).isEqualTo(ws));
        logs.put(ws, events);
      }
      return logs;
    }
  }

  // ---- helpers ----

  /** {@code perPartition} workspace names for each of the 4 partitions. */
  static List<String> workspaces(String prefix, int perPartition) {
    Map<Integer, List<String>> byPartition = new TreeMap<>();
    for (int i = 0; byPartition.values().stream().mapToInt(List::size).sum() < PARTITIONS * perPartition; i++) {
      String ws = prefix + i;
      List<String> list = byPartition.computeIfAbsent(partitionOf(ws), p -> new ArrayList<>());
      if (list.size() < perPartition) {
        list.add(ws);
      }
    }
    return byPartition.values().stream().flatMap(List::stream).toList();
  }

  static int partitionOf(String ws) {
    CRC32 crc = new CRC32();
    crc.update(ws.getBytes(StandardCharsets.UTF_8));
    return (int) (crc.getValue() % PARTITIONS);
  }

  static List<Long> consecutive(long from, int count) {
    List<Long> offsets = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      offsets.add(from + i);
    }
    return offsets;
  }

  static JsonObject partitionConsistency(int p) {
    HttpResponse<Buffer> response = node.get("/v1/apps/bookstore/partitions/" + p + "/consistency");
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    JsonObject body = response.bodyAsJsonObject();
    assertThat(body.getString("app")).isEqualTo("bookstore");
    assertThat(body.getInteger("partition")).isEqualTo(p);
    return body;
  }

  /** Makes the class's node one with this records flush interval, on the same database. */
  static void useFlushInterval(long ms) {
    if (flushMs != ms) {
      replaceNode(() -> TestNode.start(dataDir, pgUrl, Map.of(FLUSH_ENV, String.valueOf(ms))));
      flushMs = ms;
    }
  }

  /** Stops the node, then runs {@code next} (which may touch the database while no node runs). */
  static void replaceNode(Supplier<TestNode> next) {
    TestNode old = node;
    node = null;
    old.close();
    node = next.get();
  }

  /** The records checkpoint of a partition in the database (0 when none), read while no node runs. */
  static long recordsCheckpoint(int p) {
    try (Connection c = connect(); Statement s = c.createStatement();
        ResultSet rows = s.executeQuery("SELECT coalesce(max(offs), 0) FROM checkpoints"
            + " WHERE app = 'bookstore' AND entity = 'records' AND partition = " + p)) {
      rows.next();
      return rows.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read the checkpoint of partition " + p, e);
    }
  }

  static Connection connect() throws SQLException {
    URI uri = URI.create(pgUrl);
    String jdbc = "jdbc:postgresql://" + uri.getHost() + ":" + uri.getPort() + uri.getPath();
    String[] userInfo = (uri.getUserInfo() == null ? "postgres" : uri.getUserInfo()).split(":", 2);
    return DriverManager.getConnection(jdbc, userInfo[0], userInfo.length > 1 ? userInfo[1] : null);
  }

  /** Runs statements in one transaction on the class's database, while no node writes to it. */
  static void sql(String... statements) {
    try (Connection c = connect(); Statement s = c.createStatement()) {
      c.setAutoCommit(false);
      for (String statement : statements) {
        s.execute(statement);
      }
      c.commit();
    } catch (SQLException e) {
      throw new IllegalStateException("cannot run SQL on " + pgUrl, e);
    }
  }
}
