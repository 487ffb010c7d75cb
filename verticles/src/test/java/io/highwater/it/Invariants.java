package io.highwater.it;

import io.highwater.it.ClusterNodes.Node;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The invariant checker of the fault tests, over a {@link ClusterLoad} and the database the nodes
 * write to (reached directly, not through any proxy a test put in between).
 *
 * <p>While the load runs, a sampler reads every partition's {@code /consistency} and then the log's
 * last offset in PostgreSQL: no watermark and no {@code cpOffset} may exceed what the log holds
 * (the log only grows, so a watermark that was true when answered is still covered when the log is
 * read after it), and none goes backwards under one epoch. Once the load has stopped,
 * {@link #verify} waits for every watermark to reach {@code cpOffset} by itself (no request is sent
 * to help it), checks that {@code cpOffset} is the log's end, the log invariants of
 * {@link ClusterLoad#verifyLogs}, and that records and views equal a {@link ViewModel} of the log at
 * levels {@code cache} and {@code storage}.
 */
final class Invariants implements AutoCloseable {

  private static final long SAMPLE_EVERY_MS = 200;

  private final ClusterNodes cluster;
  private final ClusterLoad load;
  private final String jdbcUrl;
  private final Queue<String> violations = new ConcurrentLinkedQueue<>();
  /** partition → "entity level" (or "cpOffset") → the last value seen, with the epoch it was of. */
  private final Map<Integer, Map<String, long[]>> lastSeen = new HashMap<>();
  private final Thread sampler;
  private volatile boolean sampling = true;
  private int samples;
  private Connection connection;

  private Invariants(ClusterNodes cluster, ClusterLoad load, String pgUrl) {
    this.cluster = cluster;
    this.load = load;
    URI uri = URI.create(pgUrl);
    this.jdbcUrl = "jdbc:postgresql://" + uri.getHost() + ":" + uri.getPort() + uri.getPath() + "?user=postgres&connectTimeout=2&socketTimeout=5";
    this.sampler = new Thread(this::sample, "invariants-sampler");
    sampler.setDaemon(true);
  }

  /** Starts sampling the watermarks of the nodes the load sends to, against the log in the database of {@code pgUrl}. */
  static Invariants watch(ClusterNodes cluster, ClusterLoad load, String pgUrl) {
    Invariants invariants = new Invariants(cluster, load, pgUrl);
    invariants.sampler.start();
    return invariants;
  }

  private void sample() {
    while (sampling) {
      for (Node node : load.currentTargets()) {
        for (int p = 0; p < ClusterNodes.PARTITIONS; p++) {
          sampleOnce(node, p);
        }
      }
      try {
        Thread.sleep(SAMPLE_EVERY_MS);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private void sampleOnce(Node node, int partition) {
    JsonObject state;
    try {
      HttpResponse<String> r = cluster.get(node, "/v1/apps/" + ClusterNodes.APP + "/partitions/" + partition + "/consistency", Duration.ofSeconds(3));
      if (r.statusCode() != 200) {
        return;
      }
      state = new JsonObject(r.body());
    } catch (RuntimeException e) {
      return;
    }
    Map<Integer, Long> ends;
    try {
      ends = logEnds();
    } catch (SQLException e) {
      closeConnection();
      return;
    }
    samples++;
    long end = ends.getOrDefault(partition, 0L);
    long epoch = state.getLong("epoch", 0L);
    Map<String, Long> values = new TreeMap<>();
    values.put("cpOffset", state.getLong("cpOffset"));
    state.getJsonObject("entities").forEach(e -> {
      JsonObject w = (JsonObject) e.getValue();
      values.put(e.getKey() + " cache", w.getLong("cache"));
      values.put(e.getKey() + " storage", w.getLong("storage"));
    });
    Map<String, long[]> seen = lastSeen.computeIfAbsent(partition, p -> new HashMap<>());
    values.forEach((what, value) -> {
      if (value > end) {
        violations.add("partition " + partition + " on node " + node.index() + ": " + what + " " + value + " over the log's last offset " + end
            + " (" + state.encode() + ")");
      }
      long[] before = seen.get(what);
      if (before != null && before[1] == epoch && value < before[0]) {
        violations.add("partition " + partition + " on node " + node.index() + ": " + what + " went back from " + before[0] + " to " + value
            + " under epoch " + epoch);
      }
      seen.put(what, new long[] {value, epoch});
    });
  }

  /** The last offset of every partition's log, read in PostgreSQL. */
  private Map<Integer, Long> logEnds() throws SQLException {
    if (connection == null) {
      connection = DriverManager.getConnection(jdbcUrl);
    }
    Map<Integer, Long> ends = new HashMap<>();
    try (Statement s = connection.createStatement();
         ResultSet rows = s.executeQuery("SELECT partition, max(offs) FROM events WHERE app = '" + ClusterNodes.APP + "' GROUP BY partition")) {
      while (rows.next()) {
        ends.put(rows.getInt(1), rows.getLong(2));
      }
    }
    return ends;
  }

  private void closeConnection() {
    try {
      if (connection != null) {
        connection.close();
      }
    } catch (SQLException e) {
      // it is being replaced anyway
    }
    connection = null;
  }

  /**
   * Stops sampling, then checks everything once the load has stopped; fails listing the
   * violations. A summary of what was checked.
   */
  String verify(List<Node> nodes, Duration catchUpLimit) {
    stopSampling();
    List<String> problems = new ArrayList<>(violations);
    Node via = nodes.get(0);
    Map<Integer, JsonObject> settled = awaitCaughtUp(via, catchUpLimit, problems);
    Map<Integer, List<JsonObject>> logs = load.readLogs(via);
    Map<Integer, Long> ends = ClusterLoad.lastOffsets(logs);
    settled.forEach((p, state) -> {
      if (state.getLong("cpOffset") != (long) ends.get(p)) {
        problems.add("partition " + p + ": cpOffset " + state.getLong("cpOffset") + " is not the log's last offset " + ends.get(p));
      }
    });
    if (!problems.isEmpty()) {
      throw new AssertionError(problems.size() + " watermark violation(s) in " + samples + " samples; first ones:\n  "
          + String.join("\n  ", problems.subList(0, Math.min(40, problems.size()))));
    }
    String logSummary = load.verifyLogs(logs);
    ViewModel model = load.model(logs);
    List<String> levels = List.of("cache", "storage");
    verifyRecords(nodes, model, ends, levels);
    load.verifyViews(nodes, model, ends, levels);
    return logSummary + "; " + samples + " watermark samples within the log; records and views equal the model at " + levels;
  }

  void stopSampling() {
    sampling = false;
    try {
      sampler.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    closeConnection();
  }

  /** Waits until every watermark of every partition equals its cpOffset; the last answers. */
  private Map<Integer, JsonObject> awaitCaughtUp(Node via, Duration limit, List<String> problems) {
    long deadline = System.nanoTime() + limit.toNanos();
    Map<Integer, JsonObject> last = new TreeMap<>();
    for (int p = 0; p < ClusterNodes.PARTITIONS; p++) {
      while (true) {
        JsonObject state = null;
        try {
          HttpResponse<String> r = cluster.get(via, "/v1/apps/" + ClusterNodes.APP + "/partitions/" + p + "/consistency", Duration.ofSeconds(3));
          state = r.statusCode() == 200 ? new JsonObject(r.body()) : null;
        } catch (RuntimeException e) {
          // asked again below
        }
        if (state != null && caughtUp(state)) {
          last.put(p, state);
          break;
        }
        if (System.nanoTime() > deadline) {
          problems.add("partition " + p + ": watermarks did not reach cpOffset by themselves within " + limit + " after the load stopped: "
              + (state == null ? "no answer" : state.encode()));
          break;
        }
        ClusterNodes.sleep(100);
      }
    }
    return last;
  }

  private static boolean caughtUp(JsonObject state) {
    long cp = state.getLong("cpOffset");
    return state.getJsonObject("entities").stream().map(e -> (JsonObject) e.getValue())
        .allMatch(w -> w.getLong("cache") == cp && w.getLong("storage") == cp);
  }

  /** Every book of the model read at its partition's last offset, on every node, at every level: its state must be the model's. */
  private void verifyRecords(List<Node> nodes, ViewModel model, Map<Integer, Long> ends, List<String> levels) {
    List<String> problems = new ArrayList<>();
    int reads = 0;
    for (Node node : nodes) {
      for (String level : levels) {
        for (Map.Entry<String, Map<String, JsonObject>> ws : model.books.entrySet()) {
          long at = ends.getOrDefault(ClusterLoad.partitionOf(ws.getKey()), 0L);
          for (Map.Entry<String, JsonObject> book : ws.getValue().entrySet()) {
            reads++;
            String path = "/v1/apps/" + ClusterNodes.APP + "/ws/" + ws.getKey() + "/aggregates/book/"
                + java.net.URLEncoder.encode(book.getKey(), StandardCharsets.UTF_8) + "?consistentAt=" + at + "&level=" + level + "&timeoutMs=20000";
            String where = "node " + node.index() + " " + level + " ws " + ws.getKey() + " book " + book.getKey() + " consistentAt=" + at;
            try {
              HttpResponse<String> r = cluster.get(node, path, Duration.ofSeconds(25));
              if (r.statusCode() != 200) {
                problems.add(where + ": answered " + r.statusCode() + " " + r.body());
              } else if (!book.getValue().equals(new JsonObject(r.body()).getJsonObject("state"))) {
                problems.add(where + ": state " + new JsonObject(r.body()).getJsonObject("state") + ", model " + book.getValue().encode());
              }
            } catch (RuntimeException e) {
              problems.add(where + ": " + e);
            }
          }
        }
      }
    }
    if (!problems.isEmpty()) {
      throw new AssertionError(problems.size() + " of " + reads + " record reads differ from the model of the log; first ones:\n  "
          + String.join("\n  ", problems.subList(0, Math.min(40, problems.size()))));
    }
  }

  @Override
  public void close() {
    if (sampling) {
      stopSampling();
    }
  }
}
