package io.highwater.it;

import static io.highwater.it.TestNode.action;
import static io.highwater.it.TestNode.batch;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * While appends keep coming, a read consistent at N never reflects less than every event up to N:
 * each acknowledged append is read back at its own offset, at both levels, from records and views.
 */
class ConsistencyUnderLoadTest {

  @TempDir
  static Path dataDir;
  static TestNode node;

  @BeforeAll
  static void start() {
    node = TestNode.start(dataDir, 5);
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @Test
  void reads_at_an_acknowledged_offset_reflect_it_while_appends_run() {
    int writers = 8;
    int appendsPerWriter = 25;
    AtomicInteger checked = new AtomicInteger();
    List<Future<Void>> runs = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      String ws = "load-" + w;
      String book = "book-" + w;
      Future<Long> run = Future.succeededFuture(0L);
      for (int i = 0; i < appendsPerWriter; i++) {
        int n = i;
        String author = "author-" + w + "-" + n;
        // Each writer bases an append on its previous one: it has seen its own book's last change.
        run = run.compose(base -> node.client().post("/v1/apps/bookstore/ws/" + ws + "/events")
                .sendJsonObject(batch(base, action("w", "book", book, new JsonObject().put("n", n).put("author", author))))
                .map(r -> {
                  assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
                  return r.bodyAsJsonObject().getJsonArray("events").getJsonObject(0).getLong("offset");
                }))
            .compose(offset -> Future.all(
                    read(ws, "/aggregates/book/" + book, offset, "cache"),
                    read(ws, "/aggregates/book/" + book, offset, "storage"),
                    read(ws, "/views/books_by_author/" + author, offset, "cache"),
                    read(ws, "/views/books_by_author/" + author, offset, "storage"))
                .map(all -> {
                  for (int k = 0; k < 2; k++) {
                    JsonObject record = all.<HttpResponse<Buffer>>resultAt(k).bodyAsJsonObject();
                    assertThat(record.getLong("consistentAt")).isGreaterThanOrEqualTo(offset);
                    assertThat(record.getJsonObject("state").getInteger("n")).isGreaterThanOrEqualTo(n);
                  }
                  for (int k = 2; k < 4; k++) {
                    JsonObject view = all.<HttpResponse<Buffer>>resultAt(k).bodyAsJsonObject();
                    assertThat(view.getLong("consistentAt")).isGreaterThanOrEqualTo(offset);
                    // The book joined this author's key at `offset`; a later move may have taken it out again.
                    assertThat(view.getLong("offs")).isGreaterThanOrEqualTo(offset);
                  }
                  checked.incrementAndGet();
                  return offset;
                }));
      }
      runs.add(run.mapEmpty());
    }
    Future.all(runs).await();
    assertThat(checked.get()).isEqualTo(writers * appendsPerWriter);
  }

  private static Future<HttpResponse<Buffer>> read(String ws, String path, long offset, String level) {
    return node.client().get("/v1/apps/bookstore/ws/" + ws + path + "?consistentAt=" + offset + "&level=" + level + "&timeoutMs=20000")
        .send()
        .map(r -> {
          assertThat(r.statusCode()).as(path + " " + r.bodyAsString()).isEqualTo(200);
          return r;
        });
  }
}
