package io.highwater.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.highwater.keys.KeyRing;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A shop's receipts with sealed card numbers: readable while their key
 * lives, gone everywhere once a key-expired effect destroys it, and never stored in plain.
 */
class SealedFieldsTest {

  private static final String NO_1 = "avd2dlg3g93fm1osu";
  private static final String NO_2 = "kepf62djsdk8fw21";

  @TempDir
  static Path dir;
  static TestNode node;
  static String pgUrl;

  @BeforeAll
  static void start() throws IOException {
    Path conf = TestNode.confWithApp(dir, "shop", new JsonObject().put("partitions", 1).put("views", new JsonObject()
        .put("receipts_by_no", new JsonObject().put("projector", "index").put("mode", "async")
            .put("options", new JsonObject().put("type", "receipt").put("field", "no")))
        .put("receipts_per_no", new JsonObject().put("projector", "count").put("mode", "sync")
            .put("options", new JsonObject().put("type", "receipt").put("field", "no")))));
    pgUrl = TestDatabase.fresh();
    node = TestNode.start(Files.createDirectories(dir.resolve("data")), pgUrl,
        Map.of("HIGHWATER_CONF_DIR", conf.toString(), "HIGHWATER_VIEWS_FLUSH_INTERVAL_MS", "10",
            "HIGHWATER_RECORDS_FLUSH_INTERVAL_MS", "10"));
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private static JsonObject receipt(int id, String no, int total, int key) {
    return new JsonObject()
        .put("action", new JsonObject().put("reason", "payment").put("actor", new JsonArray().add("user").add("alice"))
            .put("aggregate", new JsonArray().add("receipt").add(id))
            .put("patch", new JsonObject().put("assoc", new JsonObject().put("no", no).put("total", total))))
        .put("triggers", new JsonArray().add(new JsonArray().add("encryption-key").add(key)))
        .put("seal", new JsonArray().add("no"));
  }

  private static HttpResponse<Buffer> append(JsonObject batch) {
    return node.post("/v1/apps/shop/ws/receipts/events", batch);
  }

  private static JsonObject read(String path) {
    return read("receipts", path);
  }

  private static JsonObject read(String ws, String path) {
    HttpResponse<Buffer> r = node.get("/v1/apps/shop/ws/" + ws + path);
    assertThat(r.statusCode()).as(path + " " + r.bodyAsString()).isEqualTo(200);
    return r.bodyAsJsonObject();
  }

  @Test
  void receipts_walkthrough_seals_then_forgets_card_numbers() throws Exception {
    HttpResponse<Buffer> stored = append(new JsonObject().put("baseOffset", 0)
        .put("events", new JsonArray().add(receipt(1, NO_1, 100, 1)).add(receipt(2, NO_2, 200, 2))));
    assertThat(stored.statusCode()).as(stored.bodyAsString()).isEqualTo(200);
    JsonArray events = stored.bodyAsJsonObject().getJsonArray("events");
    long first = events.getJsonObject(0).getLong("offset");
    long second = events.getJsonObject(1).getLong("offset");
    // Reads show sealed values decrypted while the key lives.
    assertThat(events.getJsonObject(0).getJsonObject("action").getJsonObject("patch").getJsonObject("assoc").getString("no")).isEqualTo(NO_1);
    assertThat(read("/aggregates/receipt/1?consistentAt=" + second + "&level=storage").getJsonObject("state"))
        .isEqualTo(new JsonObject().put("no", NO_1).put("total", 100));
    assertThat(read("/views/receipts_by_no/" + NO_1 + "?consistentAt=" + second + "&level=storage").getJsonObject("value"))
        .isEqualTo(new JsonObject().put("ids", new JsonArray().add("1")).put("count", 1));
    assertThat(read("/views/receipts_per_no/" + NO_2 + "?consistentAt=" + second + "&level=storage").getJsonObject("value"))
        .isEqualTo(new JsonObject().put("count", 1));
    assertNoPlaintextStored();

    HttpResponse<Buffer> expired = append(new JsonObject().put("baseOffset", second).put("events", new JsonArray()
        .add(new JsonObject().put("source", "keystore").put("effect", new JsonObject()
            .put("reason", "key-expired").put("trigger", new JsonArray().add("encryption-key").add(1))))));
    assertThat(expired.statusCode()).as(expired.bodyAsString()).isEqualTo(200);
    long effect = expired.bodyAsJsonObject().getJsonArray("events").getJsonObject(0).getLong("offset");

    // The stream from the second receipt: receipt 1 replayed (its number gone), receipt 2, the effect.
    String body = node.get("/v1/apps/shop/ws/receipts/events?from=" + second).bodyAsString();
    List<JsonObject> lines = body.lines().map(JsonObject::new).toList();
    assertThat(lines.stream().map(l -> l.getLong("offset")).toList()).containsExactly(first, second, effect);
    JsonObject replayed = lines.get(0);
    assertThat(replayed.getJsonObject("replay")).isEqualTo(new JsonObject().put("cause", effect));
    assertThat(replayed.getJsonArray("expired").getList()).containsExactly("no");
    assertThat(replayed.getJsonObject("action").getJsonObject("patch").getJsonObject("assoc"))
        .isEqualTo(new JsonObject().put("total", 100));
    assertThat(lines.get(1).getJsonObject("action").getJsonObject("patch").getJsonObject("assoc").getString("no")).isEqualTo(NO_2);

    // The record of receipt 1 no longer has its number; receipt 2 keeps its own.
    JsonObject one = read("/aggregates/receipt/1?consistentAt=" + effect + "&level=storage");
    assertThat(one.getJsonObject("state")).isEqualTo(new JsonObject().put("total", 100));
    assertThat(one.getJsonArray("expired").getList()).containsExactly("no");
    assertThat(read("/aggregates/receipt/2?consistentAt=" + effect).getJsonObject("state"))
        .isEqualTo(new JsonObject().put("no", NO_2).put("total", 200));

    // Views indexed by the sealed field lose the expired entries, keep the others.
    assertThat(read("/views/receipts_by_no/" + NO_1 + "?consistentAt=" + effect + "&level=storage").getJsonObject("value"))
        .isEqualTo(new JsonObject().put("ids", new JsonArray()).put("count", 0));
    assertThat(read("/views/receipts_per_no/" + NO_1 + "?consistentAt=" + effect + "&level=storage").getJsonObject("value"))
        .isEqualTo(new JsonObject().put("count", 0));
    assertThat(read("/views/receipts_by_no/" + NO_2 + "?consistentAt=" + effect + "&level=cache").getJsonObject("value"))
        .isEqualTo(new JsonObject().put("ids", new JsonArray().add("2")).put("count", 1));
    assertNoPlaintextStored();

    // Irreversible: after a restart, the number is still gone and the other still there.
    node = node.restart();
    assertThat(read("/aggregates/receipt/1?consistentAt=" + effect).getJsonObject("state")).isEqualTo(new JsonObject().put("total", 100));
    assertThat(read("/aggregates/receipt/2?consistentAt=" + effect).getJsonObject("state").getString("no")).isEqualTo(NO_2);
  }

  @Test
  void a_client_value_shaped_like_a_sealed_value_is_stored_and_answered_as_sent_and_never_opened() throws Exception {
    String ws = "/v1/apps/shop/ws/forged/events";
    String card = "4929-forged-card";
    HttpResponse<Buffer> real = node.post(ws, TestNode.batch(0, receipt(51, "5555-real-no", 1, 6)));
    assertThat(real.statusCode()).as(real.bodyAsString()).isEqualTo(200);
    long realOffset = real.bodyAsJsonObject().getJsonArray("events").getJsonObject(0).getLong("offset");
    // The server's own ciphertext of that number, copied from the log into client values: as the
    // envelope sealed values were once stored inline in, and as they are stored now.
    JsonObject ciphertext = storedPatch(realOffset).getJsonObject("sealed").getJsonObject("no");
    JsonObject forged = new JsonObject().put("$sealed", ciphertext);
    JsonObject values = new JsonObject().put("no", forged).put("copy", ciphertext).put("total", 5);
    JsonObject event = receipt(50, "unused", 5, 6);
    event.getJsonObject("action").getJsonObject("patch").put("assoc", values.copy().put("card", card));
    event.put("seal", new JsonArray().add("card"));

    HttpResponse<Buffer> appended = node.post(ws, TestNode.batch(realOffset, event));
    assertThat(appended.statusCode()).as(appended.bodyAsString()).isEqualTo(200);
    long offset = appended.bodyAsJsonObject().getJsonArray("events").getJsonObject(0).getLong("offset");
    JsonObject sent = values.copy().put("card", card);
    assertThat(appended.bodyAsJsonObject().getJsonArray("events").getJsonObject(0).getJsonObject("action")
        .getJsonObject("patch").getJsonObject("assoc")).isEqualTo(sent);
    assertForgedValues("?consistentAt=" + offset, sent, List.of());
    assertThat(node.stream(ws + "?from=" + offset).get(0).getJsonObject("action").getJsonObject("patch").getJsonObject("assoc"))
        .isEqualTo(sent);
    assertThat(storedRows()).contains("receipt").doesNotContain(card).doesNotContain("5555-real-no");

    // Destroying the key forgets the values it sealed; the lookalikes are client values and stay.
    HttpResponse<Buffer> expired = node.post(ws, TestNode.batch(offset, new JsonObject().put("effect", new JsonObject()
        .put("reason", "key-expired").put("trigger", new JsonArray().add("encryption-key").add(6)))));
    assertThat(expired.statusCode()).as(expired.bodyAsString()).isEqualTo(200);
    long effect = expired.bodyAsJsonObject().getJsonArray("events").getJsonObject(0).getLong("offset");
    assertForgedValues("?consistentAt=" + effect, values, List.of("card"));
    assertThat(read("forged", "/aggregates/receipt/51?consistentAt=" + effect).getJsonObject("state"))
        .isEqualTo(new JsonObject().put("total", 1));

    // After a restart: read from storage, and folded again from the log by the next action.
    node = node.restart();
    assertForgedValues("?consistentAt=" + effect, values, List.of("card"));
    HttpResponse<Buffer> next = node.post(ws, TestNode.batch(effect, TestNode.action("alice", "receipt", 50, new JsonObject().put("total", 6))));
    assertThat(next.statusCode()).as(next.bodyAsString()).isEqualTo(200);
    long last = next.bodyAsJsonObject().getJsonArray("events").getJsonObject(0).getLong("offset");
    assertForgedValues("?consistentAt=" + last, values.copy().put("total", 6), List.of("card"));
    JsonObject logged = node.stream(ws + "?from=" + offset).stream().filter(l -> l.getLong("offset") == offset).findFirst().orElseThrow();
    assertThat(logged.getJsonObject("action").getJsonObject("patch").getJsonObject("assoc")).isEqualTo(values);
    assertThat(logged.getJsonArray("expired").getList()).containsExactly("card");
  }

  /** Receipt 50's record at both levels is {@code state}, and both views index it under its forged number. */
  private static void assertForgedValues(String at, JsonObject state, List<String> expired) {
    String key = URLEncoder.encode(state.getJsonObject("no").encode(), StandardCharsets.UTF_8).replace("+", "%20");
    for (String level : List.of("cache", "storage")) {
      JsonObject record = read("forged", "/aggregates/receipt/50" + at + "&level=" + level);
      assertThat(record.getJsonObject("state")).as(level).isEqualTo(state);
      assertThat(record.getJsonArray("expired", new JsonArray()).getList()).as(level).isEqualTo(expired);
      assertThat(read("forged", "/views/receipts_by_no/" + key + at + "&level=" + level).getJsonObject("value")).as(level)
          .isEqualTo(new JsonObject().put("ids", new JsonArray().add("50")).put("count", 1));
      assertThat(read("forged", "/views/receipts_per_no/" + key + at + "&level=" + level).getJsonObject("value")).as(level)
          .isEqualTo(new JsonObject().put("count", 1));
    }
  }

  /** The patch of the stored event at {@code offset}, as the log's body holds it. */
  private static JsonObject storedPatch(long offset) throws Exception {
    URI uri = URI.create(pgUrl);
    String jdbc = "jdbc:postgresql://" + uri.getHost() + ":" + uri.getPort() + uri.getPath();
    try (Connection c = DriverManager.getConnection(jdbc, "postgres", null); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT body::text FROM events WHERE app = 'shop' AND offs = " + offset)) {
      assertThat(rs.next()).isTrue();
      return new JsonObject(rs.getString(1)).getJsonObject("action").getJsonObject("patch");
    }
  }

  @Test
  void bad_seals_are_bad_requests_and_an_unlinked_effect_is_stored() {
    JsonObject noKeyTrigger = receipt(9, "x", 1, 9);
    noKeyTrigger.put("triggers", new JsonArray().add(new JsonArray().add("shelf").add(1)));
    assertBadRequest(noKeyTrigger, "events[0].seal");
    JsonObject notInAssoc = receipt(9, "x", 1, 9).put("seal", new JsonArray().add("missing"));
    assertBadRequest(notInAssoc, "events[0].seal[0]");
    // An effect whose trigger no action is linked to (yet) is stored like any other and replays nothing.
    JsonObject unlinked = new JsonObject().put("effect", new JsonObject().put("reason", "key-expired")
        .put("trigger", new JsonArray().add("encryption-key").add(404)));
    HttpResponse<Buffer> r = node.post("/v1/apps/shop/ws/unlinked/events",
        new JsonObject().put("baseOffset", 0).put("events", new JsonArray().add(unlinked)));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
  }

  private static void assertBadRequest(JsonObject event, String field) {
    HttpResponse<Buffer> r = append(new JsonObject().put("baseOffset", 0).put("events", new JsonArray().add(event)));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(400);
    assertThat(r.bodyAsJsonObject().getJsonObject("error").getString("message")).startsWith(field + ":");
  }

  /**
   * A node trusts a key in memory for {@link KeyRing#RECHECK_MS} at most: one destroyed without this
   * node hearing of it (the owner's announcement lost) stops opening its values soon after all.
   */
  @Test
  void a_key_destroyed_unannounced_stops_opening_values_within_its_recheck() throws Exception {
    String no = "zq81mf03kd7vbb2";
    HttpResponse<Buffer> stored = node.post("/v1/apps/shop/ws/unheard/events", new JsonObject().put("baseOffset", 0)
        .put("events", new JsonArray().add(receipt(31, no, 5, 31))));
    assertThat(stored.statusCode()).as(stored.bodyAsString()).isEqualTo(200);
    long offset = stored.bodyAsJsonObject().getJsonArray("events").getJsonObject(0).getLong("offset");
    String path = "/aggregates/receipt/31?consistentAt=" + offset + "&level=storage";
    assertThat(read("unheard", path).getJsonObject("state").getString("no")).isEqualTo(no);

    // The fault: the key's row is gone, and no node was told.
    TestDatabase.execute(pgUrl, "DELETE FROM data_keys WHERE ws = 'unheard' AND trigger_id = '31'");
    long deadline = System.nanoTime() + java.time.Duration.ofMillis(KeyRing.RECHECK_MS + 4_000).toNanos();
    JsonObject state = read("unheard", path);
    while (state.getJsonObject("state").containsKey("no") && System.nanoTime() < deadline) {
      Thread.sleep(100);
      state = read("unheard", path);
    }
    assertThat(state.getJsonObject("state")).isEqualTo(new JsonObject().put("total", 5));
    assertThat(state.getJsonArray("expired").getList()).containsExactly("no");
    JsonObject atCache = read("unheard", "/aggregates/receipt/31?consistentAt=" + offset + "&level=cache");
    assertThat(atCache.getJsonObject("state").containsKey("no")).as("nor at cache: %s", atCache).isFalse();
  }

  @Test
  void a_key_created_and_destroyed_in_one_batch_is_never_stored() throws Exception {
    JsonObject expire = new JsonObject().put("effect", new JsonObject().put("reason", "key-expired")
        .put("trigger", new JsonArray().add("encryption-key").add(77)));
    HttpResponse<Buffer> r = append(TestNode.batch(0, receipt(770, "4111-7777", 5, 77), expire));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    long offset = r.bodyAsJsonObject().getJsonArray("events").getJsonObject(1).getLong("offset");
    URI uri = URI.create(pgUrl);
    String jdbc = "jdbc:postgresql://" + uri.getHost() + ":" + uri.getPort() + uri.getPath();
    try (Connection c = DriverManager.getConnection(jdbc, "postgres", null); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM data_keys WHERE trigger_id = '77'")) {
      rs.next();
      assertThat(rs.getInt(1)).as("rows of the destroyed key").isZero();
    }
    JsonObject state = read("/aggregates/receipt/770?consistentAt=" + offset);
    assertThat(state.getJsonObject("state").containsKey("no")).isFalse();
    assertThat(state.getJsonArray("expired")).contains("no");
  }

  /** Every row of every table, as text, holds neither card number. */
  private static void assertNoPlaintextStored() throws Exception {
    assertThat(storedRows()).contains("receipt").doesNotContain(NO_1).doesNotContain(NO_2);
  }

  /** Every row of every table, as text, once storage has caught up with the cache. */
  private static String storedRows() throws Exception {
    URI uri = URI.create(pgUrl);
    String jdbc = "jdbc:postgresql://" + uri.getHost() + ":" + uri.getPort() + uri.getPath();
    String user = uri.getUserInfo() == null ? "postgres" : uri.getUserInfo().split(":")[0];
    // Flushes are asynchronous: wait until storage is at the cache watermarks, so the rows are there.
    JsonObject consistency = node.get("/v1/apps/shop/partitions/0/consistency").bodyAsJsonObject();
    long cp = consistency.getLong("cpOffset");
    for (String entity : consistency.getJsonObject("entities").fieldNames()) {
      String path = entity.equals("records") ? "/aggregates/receipt/2" : "/views/" + entity.substring(5) + "/" + NO_2;
      node.get("/v1/apps/shop/ws/receipts" + path + "?consistentAt=" + cp + "&level=storage&timeoutMs=20000");
    }
    StringBuilder dump = new StringBuilder();
    try (Connection c = DriverManager.getConnection(jdbc, user, null); Statement s = c.createStatement()) {
      List<String> tables = new ArrayList<>();
      try (ResultSet rs = s.executeQuery("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")) {
        while (rs.next()) {
          tables.add(rs.getString(1));
        }
      }
      assertThat(tables).contains("events", "records", "view_rows", "data_keys", "checkpoints");
      for (String table : tables) {
        try (ResultSet rs = s.executeQuery("SELECT t::text FROM " + table + " t")) {
          while (rs.next()) {
            dump.append(rs.getString(1)).append('\n');
          }
        }
      }
    }
    return dump.toString();
  }
}
