package io.highwater.it;

import static io.highwater.it.TestNode.action;
import static io.highwater.it.TestNode.batch;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bookstore walkthrough (two clients, a conflict, a rebase) over HTTP, against a real node, PostgreSQL and Hazelcast. */
class WalkthroughTest {

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
  void alice_and_bob_append_conflict_and_resolve() {
    String ws = "walkthrough";
    HttpResponse<Buffer> alice = node.append(ws, batch(0,
        action("alice", "book", "Neuromancer", new JsonObject().put("author", "William Gibson").put("genre", "SciFi")),
        action("alice", "book", "Count Zero", new JsonObject().put("author", "William Gibson").put("genre", "Cyberpunk"))));
    assertThat(alice.statusCode()).as(alice.bodyAsString()).isEqualTo(200);
    JsonObject aliceBody = alice.bodyAsJsonObject();
    assertThat(aliceBody.getString("result")).isEqualTo("ok");
    assertThat(offsets(aliceBody.getJsonArray("events"))).containsExactly(1L, 2L);
    JsonObject first = aliceBody.getJsonArray("events").getJsonObject(0);
    assertThat(first.getString("ws")).isEqualTo(ws);
    assertThat(first.getString("source")).isEqualTo("api");
    assertThat(first.getString("timestamp")).isNotBlank();
    assertThat(first.getInteger("partition")).isEqualTo(aliceBody.getInteger("partition"));

    JsonObject monaLisa = action("bob", "book", "Mona Lisa Overdrive",
        new JsonObject().put("author", "William Gibson").put("genre", "Cyberpunk"));
    // coherence numbers its argument from 1 ("seen before this"); the wire contract's baseOffset is
    // the newest offset seen, so Bob, who had seen nothing, sends 0.
    HttpResponse<Buffer> bob = node.append(ws, batch(0, monaLisa,
        action("bob", "book", "Neuromancer", new JsonObject().put("author", "William Gibson").put("genre", "Cyberpunk"))));
    assertThat(bob.statusCode()).as(bob.bodyAsString()).isEqualTo(409);
    JsonObject conflict = bob.bodyAsJsonObject();
    assertThat(conflict.getString("result")).isEqualTo("conflict");
    assertThat(offsets(conflict.getJsonArray("events"))).containsExactly(3L);
    assertThat(conflict.getJsonObject("conflict").getJsonObject("ours").getLong("offset")).isEqualTo(4L);
    assertThat(conflict.getJsonObject("conflict").getJsonObject("theirs").getLong("offset")).isEqualTo(1L);
    assertThat(conflict.getJsonObject("conflict").getJsonArray("unresolved").getList()).containsExactly(1);

    JsonObject resolved = batch(0, monaLisa,
        action("bob", "book", "Neuromancer", new JsonObject().put("genre", "Cyberpunk")))
        .put("resolved", new JsonArray().add(1));
    HttpResponse<Buffer> bobAgain = node.append(ws, resolved);
    assertThat(bobAgain.statusCode()).as(bobAgain.bodyAsString()).isEqualTo(200);
    assertThat(offsets(bobAgain.bodyAsJsonObject().getJsonArray("events"))).containsExactly(3L, 4L);

    assertThat(state(ws, "Neuromancer")).isEqualTo(new JsonObject().put("author", "William Gibson").put("genre", "Cyberpunk"));
    assertThat(state(ws, "Count Zero")).isEqualTo(new JsonObject().put("author", "William Gibson").put("genre", "Cyberpunk"));
    assertThat(state(ws, "Mona Lisa Overdrive")).isEqualTo(new JsonObject().put("author", "William Gibson").put("genre", "Cyberpunk"));
    JsonObject neuromancer = node.get("/v1/apps/bookstore/ws/" + ws + "/aggregates/book/Neuromancer").bodyAsJsonObject();
    assertThat(neuromancer.getLong("version")).isEqualTo(4L);
    assertThat(neuromancer.getJsonArray("aggregate")).isEqualTo(new JsonArray().add("book").add("Neuromancer"));
  }

  private JsonObject state(String ws, String book) {
    HttpResponse<Buffer> read = node.get("/v1/apps/bookstore/ws/" + ws + "/aggregates/book/" + book.replace(" ", "%20") + "?consistentAt=4");
    assertThat(read.statusCode()).as(read.bodyAsString()).isEqualTo(200);
    return read.bodyAsJsonObject().getJsonObject("state");
  }

  static java.util.List<Long> offsets(JsonArray events) {
    return events.stream().map(e -> ((JsonObject) e).getLong("offset")).toList();
  }
}
