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

  private static int genreCount(TestNode node, String ws, long offset) {
    HttpResponse<Buffer> read = node.get("/v1/apps/bookstore/ws/" + ws + "/views/genre_counts/SciFi?consistentAt=" + offset
        + "&level=storage&timeoutMs=20000");
    assertThat(read.statusCode()).as(read.bodyAsString()).isEqualTo(200);
    return read.bodyAsJsonObject().getJsonObject("value").getInteger("count");
  }
}
