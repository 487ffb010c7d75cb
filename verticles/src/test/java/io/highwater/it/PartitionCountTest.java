package io.highwater.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.highwater.Highwater;
import io.highwater.config.ConfigLoader;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An app's partition count is fixed once its data exists: a node configured otherwise refuses to start, saying why. */
class PartitionCountTest {

  @TempDir Path dir;

  @Test
  void aNodeWithAnotherPartitionCountForAnExistingAppRefusesToStart() {
    String pgUrl = TestDatabase.fresh();
    Path four = TestNode.confWithApp(dir.resolve("four"), "ledger", new JsonObject().put("partitions", 4).put("views", new JsonObject()));
    Path eight = TestNode.confWithApp(dir.resolve("eight"), "ledger", new JsonObject().put("partitions", 8).put("views", new JsonObject()));
    try (TestNode node = TestNode.start(dir.resolve("data"), pgUrl, Map.of("HIGHWATER_CONF_DIR", four.toString()))) {
      assertThat(node.append("l-1", TestNode.batch(0, TestNode.action("alice", "book", "b", new JsonObject().put("author", "A"))))
          .statusCode()).isEqualTo(200);
    }
    Map<String, String> env = new HashMap<>();
    env.put("HIGHWATER_CONF_DIR", eight.toString());
    env.put("HIGHWATER_PG_URL", pgUrl);
    env.put("HIGHWATER_DATA_DIR", dir.resolve("data").toString());
    env.put("HIGHWATER_HTTP_HOST", "127.0.0.1");
    env.put("HIGHWATER_HTTP_PORT", String.valueOf(TestNode.freePort()));
    env.put("HIGHWATER_CLUSTER_PORT", String.valueOf(TestNode.freePort()));
    env.put("HIGHWATER_CLUSTER_NAME", "hw-count-" + System.nanoTime());
    assertThatThrownBy(() -> Highwater.start(ConfigLoader.load(env)).await())
        .hasMessageContaining("app 'ledger' was created with 4 partitions")
        .hasMessageContaining("cannot run with 8");
  }
}
