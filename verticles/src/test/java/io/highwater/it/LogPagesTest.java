package io.highwater.it;

import static io.highwater.it.TestNode.batch;
import static org.assertj.core.api.Assertions.assertThat;

import io.highwater.storage.EventLog;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The log is read in pages bounded in bytes ({@link EventLog#PAGE_BYTES}) and answered a page at a
 * time: a read of more than a page of big events, and of more than a page of replays, answers every
 * line once, in order, as one read would.
 */
class LogPagesTest {

  private static final int BIG = 900_000;
  private static final int COUNT = (int) (EventLog.PAGE_BYTES / BIG) + 4;

  @TempDir
  static Path dataDir;
  static TestNode node;
  static List<Long> actions = new ArrayList<>();
  static long effect;

  @BeforeAll
  static void start() {
    node = TestNode.start(dataDir, 20);
    Random random = new Random(7);
    for (int i = 0; i < COUNT; i++) {
      StringBuilder text = new StringBuilder(BIG);
      for (int c = 0; c < BIG; c++) {
        text.append((char) ('a' + random.nextInt(26)));
      }
      JsonObject action = new JsonObject().put("action", new JsonObject()
              .put("reason", "update").put("actor", new JsonArray().add("user").add("t"))
              .put("aggregate", new JsonArray().add("book").add("big"))
              .put("patch", new JsonObject().put("assoc", new JsonObject().put("text", text.toString()).put("n", i))))
          .put("triggers", new JsonArray().add(new JsonArray().add("shelf").add("s1")));
      actions.add(append(action));
    }
    effect = append(new JsonObject().put("effect", new JsonObject().put("reason", "recount")
        .put("trigger", new JsonArray().add("shelf").add("s1"))));
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private static long append(JsonObject event) {
    long base = node.consistency("pages").getLong("cpOffset");
    HttpResponse<Buffer> r = node.append("pages", batch(base, event));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    return r.bodyAsJsonObject().getJsonArray("events").getJsonObject(0).getLong("offset");
  }

  @Test
  void more_than_a_page_of_events_is_answered_whole_and_in_order() {
    List<JsonObject> lines = node.stream("/v1/apps/bookstore/ws/pages/events?from=1&limit=1000");
    assertThat(lines).extracting(l -> l.getLong("offset")).containsExactlyElementsOf(all());
    assertThat(lines).noneMatch(l -> l.containsKey("replay"));
    for (int i = 0; i < COUNT; i++) {
      JsonObject assoc = lines.get(i).getJsonObject("action").getJsonObject("patch").getJsonObject("assoc");
      assertThat(assoc.getInteger("n")).isEqualTo(i);
      assertThat(assoc.getString("text")).hasSize(BIG);
    }
  }

  @Test
  void a_limit_inside_the_second_page_is_kept() {
    int limit = COUNT - 1;
    List<JsonObject> lines = node.stream("/v1/apps/bookstore/ws/pages/events?from=1&limit=" + limit);
    assertThat(lines).extracting(l -> l.getLong("offset")).containsExactlyElementsOf(all().subList(0, limit));
  }

  @Test
  void more_than_a_page_of_replays_comes_first_whole_and_in_order() {
    List<JsonObject> lines = node.stream("/v1/apps/bookstore/ws/pages/events?from=" + effect);
    List<Long> expected = new ArrayList<>(actions);
    expected.add(effect);
    assertThat(lines).extracting(l -> l.getLong("offset")).containsExactlyElementsOf(expected);
    for (int i = 0; i < COUNT; i++) {
      assertThat(lines.get(i).getJsonObject("replay").getLong("cause")).isEqualTo(effect);
      assertThat(lines.get(i).getJsonObject("action").getJsonObject("patch").getJsonObject("assoc").getInteger("n")).isEqualTo(i);
    }
    assertThat(lines.get(COUNT).containsKey("replay")).isFalse();
  }

  private static List<Long> all() {
    List<Long> offsets = new ArrayList<>(actions);
    offsets.add(effect);
    return offsets;
  }
}
