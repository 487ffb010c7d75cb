package io.highwater.it;

import static io.highwater.it.TestNode.action;
import static io.highwater.it.TestNode.batch;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Apps deployed at runtime on a cluster of nodes started from the packaged jar, sharing one
 * PostgreSQL: an app deployed through one node takes appends through every node, its partitions
 * dealt over the members; a view added under load is built on the partitions' owners and equals a
 * model; a removed view is gone from every node; a node that joins later, and one that is
 * replaced, run the stored definitions.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AppDeploymentIT {

  private static final String APP = "atlas";
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String[] AUTHORS = {"Gibson", "Sterling", "LeGuin", "Butler", "Banks"};
  private static final String[] GENRES = {"SciFi", "Cyberpunk", "Fantasy", "Horror"};

  static ClusterNodes cluster;
  static final ViewModel model = new ViewModel();
  static final Map<Integer, Long> lastOffsets = new HashMap<>();
  static final Map<String, Integer> partitionOf = new HashMap<>();

  @BeforeAll
  static void startCluster() {
    cluster = ClusterNodes.create("apps", TestDatabase.fresh(), Map.of("HIGHWATER_DEPLOYMENT_POLL_INTERVAL_MS", "500"));
    cluster.startNodes(3);
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      System.out.println("[apps-it] node logs under " + cluster.dir());
      cluster.close();
    }
  }

  static JsonObject view(String projector, String mode, String field) {
    return new JsonObject().put("projector", projector).put("mode", mode)
        .put("options", new JsonObject().put("type", "book").put("field", field));
  }

  static JsonObject definition(JsonObject views) {
    return new JsonObject().put("partitions", 3).put("views", views);
  }

  static JsonObject put(ClusterNodes.Node via, JsonObject definition) {
    HttpResponse<String> response = cluster.put(via, "/v1/apps/" + APP, definition, TIMEOUT);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return new JsonObject(response.body());
  }

  static JsonObject get(ClusterNodes.Node via, String path) {
    HttpResponse<String> response = cluster.get(via, path, TIMEOUT);
    assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
    return new JsonObject(response.body());
  }

  static void await(String what, Supplier<Boolean> condition) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.get()) {
      assertThat(System.nanoTime()).as(what + "\n" + cluster.processes()).isLessThan(deadline);
      ClusterNodes.sleep(200);
    }
  }

  /**
   * One random book change through {@code via}, based on the last offset acknowledged for its
   * workspace's partition; the model takes it if it is acknowledged. The answer's status.
   */
  static int change(ClusterNodes.Node via, Random random, List<String> workspaces, Set<Integer> allowed) {
    String ws = workspaces.get(random.nextInt(workspaces.size()));
    String book = "b" + random.nextInt(30);
    JsonObject assoc = new JsonObject().put("author", AUTHORS[random.nextInt(AUTHORS.length)]);
    if (random.nextBoolean()) {
      assoc.put("genre", GENRES[random.nextInt(GENRES.length)]);
    }
    long base = partitionOf.containsKey(ws) ? lastOffsets.getOrDefault(partitionOf.get(ws), 0L) : 0;
    HttpResponse<String> response = cluster.post(via, "/v1/apps/" + APP + "/ws/" + ws + "/events",
        batch(base, action("alice", "book", book, assoc)), TIMEOUT);
    assertThat(response.statusCode()).as(response.body()).isIn(allowed);
    if (response.statusCode() == 200) {
      JsonObject body = new JsonObject(response.body());
      partitionOf.put(ws, body.getInteger("partition"));
      lastOffsets.merge(body.getInteger("partition"), body.getJsonArray("events").getJsonObject(0).getLong("offset"), Math::max);
      model.apply(ws, book, assoc, List.of());
    }
    return response.statusCode();
  }

  static boolean live(ClusterNodes.Node via, String view) {
    JsonObject status = get(via, "/v1/apps/" + APP).getJsonObject("views").getJsonObject(view);
    return status != null && "live".equals(status.getString("status"));
  }

  /** Every partition of every app owned by a member, no member with more than its share. */
  static boolean balanced(ClusterNodes.Node via, int members) {
    ClusterNodes.ClusterState state = cluster.cluster(via);
    if (state.members().size() != members) {
      return false;
    }
    Map<String, Integer> counts = new HashMap<>();
    for (ClusterNodes.Owner o : state.partitions()) {
      if (o.owner() == null || !state.memberIds().contains(o.owner())) {
        return false;
      }
      counts.merge(o.owner(), 1, Integer::sum);
    }
    int total = state.partitions().size();
    return counts.size() == members && counts.values().stream().allMatch(c -> c <= (total + members - 1) / members);
  }

  @Test
  @Order(1)
  void anAppDeployedThroughOneNodeTakesAppendsThroughEveryNode() {
    List<ClusterNodes.Node> nodes = cluster.running();
    HttpResponse<String> before = cluster.post(nodes.get(1), "/v1/apps/" + APP + "/ws/w-0/events",
        batch(0, action("alice", "book", "b0", new JsonObject())), TIMEOUT);
    assertThat(before.statusCode()).isEqualTo(404);
    JsonObject created = put(nodes.get(0), definition(new JsonObject().put("genres", view("count", "sync", "genre"))));
    assertThat(created.getLong("version")).isEqualTo(1);
    Random random = new Random(3);
    for (ClusterNodes.Node node : nodes) {
      long deadline = System.nanoTime() + WAIT.toNanos();
      // Right after the deployment a node answers 404 (not there yet) or 200, never a 5xx.
      while (change(node, random, List.of("w-" + node.index()), Set.of(200, 404)) != 200) {
        assertThat(System.nanoTime()).as("node " + node.index() + " takes appends of " + APP).isLessThan(deadline);
        ClusterNodes.sleep(20);
      }
      assertThat(get(node, "/v1/apps").getJsonArray("apps")).contains(
          new JsonObject().put("app", APP).put("version", 1).put("partitions", 3));
    }
    await("every partition of both apps dealt over the three members", () -> balanced(nodes.get(2), 3));
  }

  @Test
  @Order(2)
  void aViewAddedUnderLoadIsBuiltOnEveryOwnerAndEqualsTheModel() throws Exception {
    List<ClusterNodes.Node> nodes = cluster.running();
    List<String> workspaces = List.of("w-0", "w-1", "w-2", "w-3", "w-4", "w-5");
    AtomicBoolean loading = new AtomicBoolean(true);
    List<Throwable> failures = new ArrayList<>();
    Thread load = new Thread(() -> {
      Random random = new Random(5);
      int sent = 0;
      try {
        while (loading.get() || sent < 200) {
          change(nodes.get(sent % nodes.size()), random, workspaces, Set.of(200, 409));
          sent++;
        }
      } catch (Throwable e) {
        failures.add(e);
      }
    });
    load.start();
    ClusterNodes.sleep(1000);
    JsonObject added = put(nodes.get(1), definition(new JsonObject().put("genres", view("count", "sync", "genre"))
        .put("by_author", view("index", "async", "author"))));
    assertThat(added.getLong("version")).isEqualTo(2);
    for (ClusterNodes.Node node : nodes) {
      await("by_author live as node " + node.index() + " sees it", () -> live(node, "by_author"));
    }
    loading.set(false);
    load.join();
    assertThat(failures).isEmpty();
    for (String ws : model.books.keySet()) {
      long at = lastOffsets.get(partitionOf.get(ws));
      ClusterNodes.Node via = nodes.get(Math.floorMod(ws.hashCode(), nodes.size()));
      for (String author : model.authorKeys.getOrDefault(ws, Set.of())) {
        JsonObject read = get(via, "/v1/apps/" + APP + "/ws/" + ws + "/views/by_author/" + URLEncoder.encode(author, StandardCharsets.UTF_8)
            + "?level=storage&consistentAt=" + at);
        assertThat(read.getJsonObject("value")).as(ws + " " + author).isEqualTo(model.byAuthor(ws, author));
      }
      for (String genre : model.genreKeys.getOrDefault(ws, Set.of())) {
        JsonObject read = get(via, "/v1/apps/" + APP + "/ws/" + ws + "/views/genres/" + genre + "?consistentAt=" + at);
        assertThat(read.getJsonObject("value")).as(ws + " " + genre).isEqualTo(model.genreCount(ws, genre));
      }
    }
  }

  @Test
  @Order(3)
  void aRemovedViewIsGoneFromEveryNode() {
    List<ClusterNodes.Node> nodes = cluster.running();
    JsonObject removed = put(nodes.get(2), definition(new JsonObject().put("by_author", view("index", "async", "author"))));
    assertThat(removed.getLong("version")).isEqualTo(3);
    for (ClusterNodes.Node node : nodes) {
      await("view:genres gone from node " + node.index(), () -> {
        for (int p = 0; p < 3; p++) {
          if (get(node, "/v1/apps/" + APP + "/partitions/" + p + "/consistency").getJsonObject("entities").containsKey("view:genres")) {
            return false;
          }
        }
        return true;
      });
      assertThat(cluster.get(node, "/v1/apps/" + APP + "/ws/w-1/views/genres/SciFi", TIMEOUT).statusCode()).isEqualTo(404);
    }
    // The processor of each partition goes on without the view.
    Random random = new Random(9);
    for (ClusterNodes.Node node : nodes) {
      assertThat(change(node, random, List.of("w-1", "w-2", "w-3"), Set.of(200, 409))).isIn(200, 409);
    }
  }

  @Test
  @Order(4)
  void aNodeThatJoinsLaterAndAReplacedNodeRunTheStoredDefinitions() {
    ClusterNodes.Node late = cluster.addNode();
    JsonObject seen = get(late, "/v1/apps/" + APP);
    assertThat(seen.getLong("version")).isEqualTo(3);
    assertThat(seen.getJsonObject("views").fieldNames()).containsExactly("by_author");
    await("the partitions dealt over four members", () -> balanced(late, 4));
    Random random = new Random(11);
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (change(late, random, List.of("w-0", "w-1", "w-2", "w-3", "w-4", "w-5"), Set.of(200, 409, 503)) != 200) {
      assertThat(System.nanoTime()).as("appends through the late node").isLessThan(deadline);
    }

    ClusterNodes.Node first = cluster.running().get(0);
    first.terminate();
    assertThat(first.awaitExit(Duration.ofSeconds(60))).isPresent();
    ClusterNodes.Node replacement = cluster.addNode();
    assertThat(get(replacement, "/v1/apps/" + APP).getLong("version")).isEqualTo(3);
    await("the partitions dealt over the four running members", () -> balanced(replacement, 4));
    await("by_author live after the replacement", () -> live(replacement, "by_author"));
    for (String ws : model.books.keySet()) {
      long at = lastOffsets.get(partitionOf.get(ws));
      for (String author : model.authorKeys.getOrDefault(ws, Set.of())) {
        JsonObject read = get(replacement, "/v1/apps/" + APP + "/ws/" + ws + "/views/by_author/" + author
            + "?consistentAt=" + at);
        assertThat(read.getJsonObject("value")).as(ws + " " + author).isEqualTo(model.byAuthor(ws, author));
      }
    }
  }
}
