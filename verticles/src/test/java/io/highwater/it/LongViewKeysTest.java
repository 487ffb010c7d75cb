package io.highwater.it;

import static io.highwater.it.TestNode.action;
import static io.highwater.it.TestNode.batch;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A view key is a field's value, of any length, where an index entry holds about 2.7 kB: long keys
 * are stored by their digest (V10) and read by their full text, and they stop no flush of their view.
 */
class LongViewKeysTest {

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

  /** Random letters and non-ASCII text, so that neither compression nor a byte count of one per character helps. */
  private static String longText(long seed, int length) {
    Random random = new Random(seed);
    StringBuilder s = new StringBuilder();
    while (s.length() < length) {
      s.append(random.nextInt(4) == 0 ? (char) ('\u00e0' + random.nextInt(20)) : (char) ('a' + random.nextInt(26)));
    }
    return s.toString();
  }

  private static long append(String ws, JsonObject event) {
    HttpResponse<Buffer> r = node.append(ws, batch(node.consistency(ws).getLong("cpOffset"), event));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    return r.bodyAsJsonObject().getJsonArray("events").getJsonObject(0).getLong("offset");
  }

  private static HttpResponse<Buffer> view(String ws, String view, String key, long at) {
    return node.get("/v1/apps/bookstore/ws/" + ws + "/views/" + view + "/"
        + URLEncoder.encode(key, StandardCharsets.UTF_8).replace("+", "%20") + "?consistentAt=" + at + "&level=storage&timeoutMs=20000");
  }

  @Test
  void keys_of_thousands_of_characters_are_flushed_and_read_by_their_full_text() {
    String ws = "long-keys";
    String author = longText(1, 6_000);
    String genre = longText(2, 3_000);
    String sameStart = author.substring(0, 5_999) + "!";
    append(ws, action("tester", "book", "b1", new JsonObject().put("author", author).put("genre", genre)));
    append(ws, action("tester", "book", "b2", new JsonObject().put("author", sameStart).put("genre", genre)));
    long last = append(ws, action("tester", "book", "b3", new JsonObject().put("author", "Short").put("genre", "SciFi")));

    HttpResponse<Buffer> shortKey = view(ws, "books_by_author", "Short", last);
    assertThat(shortKey.statusCode()).as(shortKey.bodyAsString()).isEqualTo(200);
    assertThat(shortKey.bodyAsJsonObject().getJsonObject("value").getJsonArray("ids")).containsExactly("b3");

    HttpResponse<Buffer> longKey = view(ws, "books_by_author", author, last);
    assertThat(longKey.statusCode()).as(longKey.bodyAsString()).isEqualTo(200);
    assertThat(longKey.bodyAsJsonObject().getString("key")).isEqualTo(author);
    assertThat(longKey.bodyAsJsonObject().getJsonObject("value").getJsonArray("ids")).containsExactly("b1");

    HttpResponse<Buffer> neighbour = view(ws, "books_by_author", sameStart, last);
    assertThat(neighbour.bodyAsJsonObject().getJsonObject("value").getJsonArray("ids")).containsExactly("b2");

    HttpResponse<Buffer> count = view(ws, "genre_counts", genre, last);
    assertThat(count.statusCode()).as(count.bodyAsString()).isEqualTo(200);
    assertThat(count.bodyAsJsonObject().getJsonObject("value").getInteger("count")).isEqualTo(2);

    // The book leaves its long key: the key answers its empty value, from storage as from the cache.
    long moved = append(ws, action("tester", "book", "b1", new JsonObject().put("author", "Short")));
    HttpResponse<Buffer> left = view(ws, "books_by_author", author, moved);
    assertThat(left.statusCode()).as(left.bodyAsString()).isEqualTo(200);
    assertThat(left.bodyAsJsonObject().getJsonObject("value").getJsonArray("ids")).isEmpty();
    assertThat(view(ws, "books_by_author", "Short", moved).bodyAsJsonObject().getJsonObject("value").getJsonArray("ids"))
        .containsExactly("b1", "b3");
  }

  @Test
  void a_key_never_written_is_404_however_long() {
    HttpResponse<Buffer> absent = node.get("/v1/apps/bookstore/ws/long-keys-absent/views/books_by_author/"
        + longText(3, 5_000) + "?level=storage");
    assertThat(absent.statusCode()).as(absent.bodyAsString()).isEqualTo(404);
  }
}
