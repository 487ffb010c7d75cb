package io.highwater.it;

import static io.highwater.it.TestNode.action;
import static io.highwater.it.TestNode.batch;
import static org.assertj.core.api.Assertions.assertThat;

import io.highwater.config.FaultHook;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A failure after the group's statement committed: the group is answered 503, the partition
 * takes it up again from its first offset, and a retry with the same ids reads its own write at
 * every level, applied once, with no watermark over what was not applied.
 */
class PostCommitFailureTest {

  @TempDir
  Path dir;

  private static JsonObject book(String id, String genre) {
    return action("alice", "book", id, new JsonObject().put("genre", genre).put("author", "A " + id)).put("id", "ev-" + id);
  }

  @ParameterizedTest
  @ValueSource(strings = {"group-committed", "cache-applied"})
  void a_committed_group_that_failed_is_applied_once_and_readable(String point) {
    Map<String, String> env = Map.of(FaultHook.VARIABLE, point + "@records@1@fail",
        "HIGHWATER_RECORDS_FLUSH_INTERVAL_MS", "20", "HIGHWATER_VIEWS_FLUSH_INTERVAL_MS", "20");
    try (TestNode node = TestNode.start(dir, TestDatabase.fresh(), env)) {
      String ws = "faulty";
      JsonObject first = batch(0, book("a", "SciFi"));
      assertThat(node.append(ws, first).statusCode()).as("the injected failure").isEqualTo(503);

      HttpResponse<Buffer> retried = node.append(ws, first);
      assertThat(retried.statusCode()).as(retried.bodyAsString()).isEqualTo(200);
      long offset = retried.bodyAsJsonObject().getJsonArray("events").getJsonObject(0).getLong("offset");

      for (String level : new String[] {"cache", "storage"}) {
        HttpResponse<Buffer> read = node.get("/v1/apps/bookstore/ws/" + ws + "/aggregates/book/a?consistentAt=" + offset
            + "&level=" + level + "&timeoutMs=20000");
        assertThat(read.statusCode()).as(level + " " + read.bodyAsString()).isEqualTo(200);
        assertThat(read.bodyAsJsonObject().getJsonObject("state").getString("genre")).isEqualTo("SciFi");
      }
      assertThat(genreCount(node, ws, offset)).as("applied once").isEqualTo(1);

      HttpResponse<Buffer> next = node.append(ws, batch(offset, book("b", "SciFi")));
      assertThat(next.statusCode()).as(next.bodyAsString()).isEqualTo(200);
      long nextOffset = next.bodyAsJsonObject().getJsonArray("events").getJsonObject(0).getLong("offset");
      assertThat(nextOffset).as("gapless").isEqualTo(offset + 1);
      assertThat(genreCount(node, ws, nextOffset)).isEqualTo(2);
      assertThat(node.stream("/v1/apps/bookstore/ws/" + ws + "/events")).hasSize(2);
    }
  }

  /**
   * The group is durable and its records folded, but a sync view cannot read its storage: the group
   * is answered 503 and recovered from its first offset, and once storage answers again every view
   * holds the group's events (the recovery projects them from the states before the group).
   */
  @Test
  void a_group_whose_views_could_not_be_read_after_the_commit_reaches_every_view() {
    Map<String, String> env = Map.of("HIGHWATER_RECORDS_FLUSH_INTERVAL_MS", "20", "HIGHWATER_VIEWS_FLUSH_INTERVAL_MS", "20");
    String pgUrl = TestDatabase.fresh();
    try (TestNode node = TestNode.start(dir, pgUrl, env)) {
      String ws = "unreadable";
      assertThat(node.append(ws, batch(0, book("a", "SciFi"))).statusCode()).isEqualTo(200);
      // Flushed, so no longer in the view's cache: the next projection of the key reads storage.
      assertThat(genreCount(node, ws, 1)).isEqualTo(1);

      TestDatabase.execute(pgUrl, "ALTER TABLE view_rows RENAME TO view_rows_away");
      JsonObject second = batch(1, book("b", "SciFi"));
      HttpResponse<Buffer> failed = node.append(ws, second);
      TestDatabase.execute(pgUrl, "ALTER TABLE view_rows_away RENAME TO view_rows");
      assertThat(failed.statusCode()).as(failed.bodyAsString()).isEqualTo(503);

      HttpResponse<Buffer> retried = node.append(ws, second);
      assertThat(retried.statusCode()).as(retried.bodyAsString()).isEqualTo(200);
      long offset = retried.bodyAsJsonObject().getJsonArray("events").getJsonObject(0).getLong("offset");
      assertThat(offset).isEqualTo(2);
      assertThat(genreCount(node, ws, offset)).as("genre_counts[SciFi] holds both books").isEqualTo(2);
      HttpResponse<Buffer> byAuthor = node.get("/v1/apps/bookstore/ws/" + ws + "/views/books_by_author/A%20b?consistentAt=" + offset
          + "&level=storage&timeoutMs=20000");
      assertThat(byAuthor.statusCode()).as(byAuthor.bodyAsString()).isEqualTo(200);
      assertThat(byAuthor.bodyAsJsonObject().getJsonObject("value").getInteger("count")).isEqualTo(1);
    }
  }

  private static int genreCount(TestNode node, String ws, long offset) {
    HttpResponse<Buffer> read = node.get("/v1/apps/bookstore/ws/" + ws + "/views/genre_counts/SciFi?consistentAt=" + offset
        + "&level=storage&timeoutMs=20000");
    assertThat(read.statusCode()).as(read.bodyAsString()).isEqualTo(200);
    return read.bodyAsJsonObject().getJsonObject("value").getInteger("count");
  }
}
