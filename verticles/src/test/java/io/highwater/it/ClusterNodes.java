package io.highwater.it;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * A Highwater cluster of several nodes, each a JVM of its own started from the shaded jar
 * ({@code verticles/target/highwater.jar}) the way an operator would: one Hazelcast cluster over
 * TCP-IP on 127.0.0.1, one PostgreSQL shared by all. A test may kill a node (SIGKILL), stop it
 * gracefully (SIGTERM), pause and resume it (SIGSTOP, SIGCONT), and wait for {@code /v1/cluster} to
 * show a given membership with every partition owned.
 *
 * <p>Each node's directory (its data directory and {@code node.log}, stdout and stderr) stays under
 * {@code target/cluster-it/} after the test, for post-mortems. Every process started here is killed
 * by {@link #close()}, and by a shutdown hook should the test JVM end first.
 */
final class ClusterNodes implements AutoCloseable {

  static final String APP = "bookstore";
  static final int PARTITIONS = 4;

  private static final Duration START_LIMIT = Duration.ofSeconds(90);
  private static final Set<Process> EVERY_PROCESS = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> EVERY_PROCESS.forEach(Process::destroyForcibly), "cluster-it-reaper"));
  }

  private final String name;
  private final Path dir;
  private final String pgUrl;
  private final String clusterName;
  private final String masterKey;
  private final Map<String, String> extraEnv;
  private final List<Node> nodes = new CopyOnWriteArrayList<>();
  /** The cluster ports of every node ever planned: each new node is told all of them. */
  private final List<Integer> clusterPorts = new CopyOnWriteArrayList<>();
  private final HttpClient http = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(1))
      .build();

  private ClusterNodes(String name, String pgUrl, Map<String, String> extraEnv) {
    this.name = name;
    this.pgUrl = pgUrl;
    this.extraEnv = Map.copyOf(extraEnv);
    this.clusterName = "hw-it-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    // One master key for the whole cluster: a partition's data keys must unwrap on whichever node owns it.
    this.masterKey = Base64.getEncoder().encodeToString(key);
    String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS"));
    this.dir = Path.of(System.getProperty("highwater.it.dir", "target/cluster-it")).toAbsolutePath().resolve(name + "-" + stamp);
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A cluster named {@code name} (its directory under {@code target/cluster-it/}) over the database
   * {@code pgUrl}, with no node yet: assign it where the test's clean-up finds it, then {@link #startNodes}.
   */
  static ClusterNodes create(String name, String pgUrl) {
    return new ClusterNodes(name, pgUrl, Map.of());
  }

  static ClusterNodes create(String name, String pgUrl, Map<String, String> extraEnv) {
    return new ClusterNodes(name, pgUrl, extraEnv);
  }

  /**
   * Starts {@code count} nodes and returns once every one is ready and all of them agree on a cluster
   * of {@code count} members with every partition owned and the partitions balanced (each member owns
   * ⌊P/n⌋ or ⌈P/n⌉ of them). The first node starts alone (so that the others join it rather than
   * forming clusters of their own that Hazelcast would merge only minutes later); the others start
   * together. Their agreed state.
   */
  ClusterState startNodes(int count) {
    launchNodes(count);
    return awaitBalanced(nodes, Duration.ofSeconds(60));
  }

  /** Starts {@code count} nodes (the first alone, then the others together); returns once each answers {@code /health/ready}. */
  List<Node> launchNodes(int count) {
    int from = clusterPorts.size();
    for (int i = 0; i < count; i++) {
      clusterPorts.add(TestNode.freePort());
    }
    List<Node> started = new ArrayList<>();
    Node first = launch(from);
    started.add(first);
    first.awaitReady();
    for (int i = from + 1; i < from + count; i++) {
      started.add(launch(i));
    }
    started.subList(1, started.size()).forEach(Node::awaitReady);
    return started;
  }

  /** Starts one more node that joins the running cluster; returns once it is ready (not once partitions moved to it). */
  Node addNode() {
    clusterPorts.add(TestNode.freePort());
    Node node = launch(clusterPorts.size() - 1);
    node.awaitReady();
    return node;
  }

  private Node launch(int index) {
    int clusterPort = clusterPorts.get(index);
    int httpPort = TestNode.freePort();
    Path nodeDir = dir.resolve("node-" + index);
    Path dataDir = nodeDir.resolve("data");
    try {
      Files.createDirectories(dataDir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx384m");
    command.add("-XX:+UseSerialGC");
    command.add("-XX:+ExitOnOutOfMemoryError");
    String extraOpts = System.getProperty("highwater.it.jvmOpts", "").trim();
    if (!extraOpts.isEmpty()) {
      command.addAll(List.of(extraOpts.split("\\s+")));
    }
    command.add("-jar");
    command.add(serverJar().toString());
    ProcessBuilder builder = new ProcessBuilder(command).directory(nodeDir.toFile());
    Map<String, String> env = builder.environment();
    // Nothing of the test JVM's own HIGHWATER_* settings (a CI's PG URL, a fault hook) leaks into a node.
    env.keySet().removeIf(k -> k.startsWith("HIGHWATER_"));
    env.put("HIGHWATER_CONF_DIR", confDir().toString());
    env.put("HIGHWATER_DATA_DIR", dataDir.toString());
    env.put("HIGHWATER_PG_URL", pgUrl);
    env.put("HIGHWATER_HTTP_HOST", "127.0.0.1");
    env.put("HIGHWATER_HTTP_PORT", String.valueOf(httpPort));
    env.put("HIGHWATER_CLUSTER_NAME", clusterName);
    env.put("HIGHWATER_CLUSTER_HOST", "127.0.0.1");
    env.put("HIGHWATER_CLUSTER_PORT", String.valueOf(clusterPort));
    env.put("HIGHWATER_CLUSTER_MEMBERS", clusterPorts.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(",")));
    env.put("HIGHWATER_MASTER_KEY", masterKey);
    env.putAll(extraEnv);
    TestNode.withoutAuthUnlessAsked(env);
    Path log = nodeDir.resolve("node.log");
    builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    try {
      Process process = builder.start();
      EVERY_PROCESS.add(process);
      Node node = new Node(index, httpPort, clusterPort, process, nodeDir, log);
      nodes.add(node);
      System.out.printf("[cluster-it] %s: started node %d, pid %d, http 127.0.0.1:%d, hazelcast 127.0.0.1:%d, log %s%n",
          name, index, process.pid(), httpPort, clusterPort, log);
      return node;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Path serverJar() {
    List<Path> candidates = new ArrayList<>();
    String configured = System.getProperty("highwater.jar");
    if (configured != null && !configured.isBlank()) {
      candidates.add(Path.of(configured));
    }
    candidates.add(Path.of("target", "highwater.jar"));
    candidates.add(Path.of("verticles", "target", "highwater.jar"));
    for (Path candidate : candidates) {
      if (Files.isRegularFile(candidate)) {
        return candidate.toAbsolutePath();
      }
    }
    throw new IllegalStateException("no server jar at any of " + candidates.stream().map(p -> p.toAbsolutePath().toString()).toList()
        + ": run the package phase first (mvn -DskipTests package), or set -Dhighwater.jar");
  }

  static Path confDir() {
    return new File(System.getProperty("highwater.conf.dir", "../conf")).getAbsoluteFile().toPath().normalize();
  }

  String name() {
    return name;
  }

  Path dir() {
    return dir;
  }

  /** Every node started, in start order, whatever became of it. */
  List<Node> nodes() {
    return List.copyOf(nodes);
  }

  Node node(int index) {
    return nodes.get(index);
  }

  /** The nodes whose process runs and is not paused. */
  List<Node> running() {
    return nodes.stream().filter(n -> n.alive() && !n.paused()).toList();
  }

  // ---------------------------------------------------------------------------------------------
  // /v1/cluster

  /** {@code GET /v1/cluster} asked on {@code via}. */
  ClusterState cluster(Node via) {
    HttpResponse<String> r = get(via, "/v1/cluster", Duration.ofSeconds(3));
    if (r.statusCode() != 200) {
      throw new IllegalStateException("GET /v1/cluster on node " + via.index() + " answered " + r.statusCode() + ": " + r.body());
    }
    return ClusterState.parse(new JsonObject(r.body()), this);
  }

  /** {@code GET /v1/cluster} asked on {@code via}, or empty if it did not answer 200 in time. */
  Optional<ClusterState> tryCluster(Node via) {
    try {
      return Optional.of(cluster(via));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  /**
   * Asks {@code via} until its {@code /v1/cluster} satisfies {@code condition}; the first answer that
   * does. Fails naming {@code what} and the last answer (or error) when {@code limit} passes.
   */
  ClusterState awaitCluster(Node via, String what, Predicate<ClusterState> condition, Duration limit) {
    long deadline = System.nanoTime() + limit.toNanos();
    String last = "no answer yet";
    while (true) {
      try {
        ClusterState state = cluster(via);
        if (condition.test(state)) {
          return state;
        }
        last = state.describe();
      } catch (RuntimeException e) {
        last = e.toString();
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("/v1/cluster on node " + via.index() + " did not show " + what + " within " + limit
            + "; last answer: " + last + "\n" + processes());
      }
      sleep(200);
    }
  }

  /**
   * Waits until every node of {@code members} answers {@code /v1/cluster} with exactly those members
   * (told apart by their {@code http} address), every partition of the app listed once and owned by
   * one of them, and all of them the same owners and epochs. The agreed state.
   */
  ClusterState awaitStable(Collection<Node> members, Duration limit) {
    return awaitStable(members, limit, false);
  }

  /** {@link #awaitStable}, and each member owns ⌊P/n⌋ or ⌈P/n⌉ partitions. */
  ClusterState awaitBalanced(Collection<Node> members, Duration limit) {
    return awaitStable(members, limit, true);
  }

  private ClusterState awaitStable(Collection<Node> members, Duration limit, boolean balanced) {
    long deadline = System.nanoTime() + limit.toNanos();
    while (true) {
      Check check = checkStable(members, balanced);
      if (check.agreed() != null) {
        return check.agreed();
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("cluster not " + (balanced ? "stable and balanced" : "stable") + " within " + limit + ": expected members "
            + members.stream().map(Node::http).sorted().toList() + " on every one of them, every partition of " + APP
            + " owned by one of them" + (balanced ? ", each owning " + (PARTITIONS / members.size()) + " or "
            + ((PARTITIONS + members.size() - 1) / members.size()) + " partitions" : "")
            + ", the same owners and epochs everywhere; last answers:" + check.describe() + "\n" + processes());
      }
      sleep(250);
    }
  }

  /**
   * Waits until {@code via} and the members it lists settle: they are all running nodes, each of them
   * lists exactly those members, every partition is owned by one of them, and they agree on owners
   * and epochs. The agreed state. (Ask a node known to be in the majority: a node that was cut off
   * may see a cluster of its own.)
   */
  ClusterState awaitSettled(Node via, Duration limit) {
    long deadline = System.nanoTime() + limit.toNanos();
    String last = "no answer";
    while (true) {
      Optional<ClusterState> state;
      try {
        state = Optional.of(cluster(via));
      } catch (RuntimeException e) {
        state = Optional.empty();
        last = e.toString();
      }
      if (state.isPresent()) {
        List<Node> members = new ArrayList<>();
        List<String> strangers = new ArrayList<>();
        for (Member m : state.get().members()) {
          Optional<Node> node = nodes.stream().filter(m::isNode).findFirst();
          if (node.isPresent() && node.get().alive() && !node.get().paused()) {
            members.add(node.get());
          } else {
            strangers.add(m.http() + node.map(n -> " (" + n + ")").orElse(" (unknown)"));
          }
        }
        if (!strangers.isEmpty()) {
          last = "node " + via.index() + " lists members that are not running: " + strangers + " in " + state.get().describe();
        } else if (!members.contains(via)) {
          last = "node " + via.index() + " does not list itself: " + state.get().describe();
        } else {
          Check check = checkStable(members, false);
          if (check.agreed() != null) {
            return check.agreed();
          }
          last = "members " + members.stream().map(n -> "node" + n.index()).toList() + " as node " + via.index() + " lists them:" + check.describe();
        }
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("node " + via.index() + " and its members did not settle within " + limit
            + " (members all running, every partition owned by one of them, all agreeing): " + last + "\n" + processes());
      }
      sleep(250);
    }
  }

  /** The outcome of asking every member once: the agreed state, or null and each node's answer. */
  private record Check(ClusterState agreed, Map<Integer, String> answers) {
    String describe() {
      StringBuilder b = new StringBuilder();
      answers.forEach((i, s) -> b.append("\n  node ").append(i).append(": ").append(s));
      return b.toString();
    }
  }

  private Check checkStable(Collection<Node> members, boolean balanced) {
    Set<String> expectedHttp = members.stream().map(Node::http).collect(Collectors.toCollection(java.util.TreeSet::new));
    Map<Integer, String> answers = new TreeMap<>();
    ClusterState agreed = null;
    int agreedBy = -1;
    boolean ok = !members.isEmpty();
    for (Node node : members) {
      ClusterState state;
      try {
        state = cluster(node);
      } catch (RuntimeException e) {
        answers.put(node.index(), e.toString());
        ok = false;
        continue;
      }
      answers.put(node.index(), state.describe());
      String problem = state.problemAsMembers(expectedHttp);
      if (problem == null && balanced) {
        int low = PARTITIONS / members.size();
        int high = (PARTITIONS + members.size() - 1) / members.size();
        Map<Integer, Integer> counts = state.ownedCounts();
        if (counts.values().stream().anyMatch(c -> c < low || c > high)) {
          problem = "not balanced: partitions owned per node " + counts;
        }
      }
      if (problem != null) {
        answers.put(node.index(), problem + " in " + state.describe());
        ok = false;
      } else if (agreed != null && !agreed.ownersAndEpochs().equals(state.ownersAndEpochs())) {
        answers.put(node.index(), "disagrees with node " + agreedBy + " on owners or epochs: " + state.describe());
        ok = false;
      } else if (agreed == null) {
        agreed = state;
        agreedBy = node.index();
      }
    }
    return new Check(ok ? agreed : null, answers);
  }

  /** One line per node: pid, ports, alive or exit status, paused. */
  String processes() {
    return nodes.stream().map(Node::toString).collect(Collectors.joining("\n", "nodes:\n", ""));
  }

  // ---------------------------------------------------------------------------------------------
  // HTTP helpers (blocking, java.net.http)

  HttpResponse<String> get(Node via, String path, Duration timeout) {
    try {
      return http.send(HttpRequest.newBuilder(URI.create(via.baseUrl() + path)).timeout(timeout).GET().build(),
          HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("GET " + path + " on node " + via.index() + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  HttpResponse<String> post(Node via, String path, JsonObject body, Duration timeout) {
    try {
      return http.send(HttpRequest.newBuilder(URI.create(via.baseUrl() + path)).timeout(timeout)
              .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.encode())).build(),
          HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("POST " + path + " on node " + via.index() + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  HttpResponse<String> put(Node via, String path, JsonObject body, Duration timeout) {
    try {
      return http.send(HttpRequest.newBuilder(URI.create(via.baseUrl() + path)).timeout(timeout)
              .header("content-type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(body.encode())).build(),
          HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("PUT " + path + " on node " + via.index() + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  HttpClient http() {
    return http;
  }

  // ---------------------------------------------------------------------------------------------
  // Clean-up and post-mortem

  /** Kills every node still running (SIGKILL: nothing is to be kept), paused ones included. */
  @Override
  public void close() {
    for (Node node : nodes) {
      node.process.destroyForcibly();
    }
    for (Node node : nodes) {
      try {
        if (!node.process.waitFor(20, TimeUnit.SECONDS)) {
          System.out.printf("[cluster-it] %s: node %d (pid %d) still running 20 s after SIGKILL%n", name, node.index(), node.pid());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      EVERY_PROCESS.remove(node.process);
    }
  }

  /** The last {@code lines} lines of every node's log, and its ERROR lines counted. */
  String postMortem(int lines) {
    StringBuilder b = new StringBuilder();
    for (Node node : nodes) {
      List<String> log = node.logLines();
      long errors = log.stream().filter(l -> l.contains(" ERROR ")).count();
      long warnings = log.stream().filter(l -> l.contains(" WARN ")).count();
      b.append("---- node ").append(node.index()).append(" (").append(node).append("), ").append(errors).append(" ERROR and ")
          .append(warnings).append(" WARN lines, ").append(node.log()).append('\n');
      log.subList(Math.max(0, log.size() - lines), log.size()).forEach(l -> b.append("  | ").append(l).append('\n'));
    }
    return b.toString();
  }

  /** Every ERROR line (with the line after it, often the exception) of every node, at most {@code max} per node. */
  Map<Integer, List<String>> errorLines(int max) {
    Map<Integer, List<String>> errors = new LinkedHashMap<>();
    for (Node node : nodes) {
      List<String> log = node.logLines();
      List<String> found = new ArrayList<>();
      for (int i = 0; i < log.size() && found.size() < max; i++) {
        if (log.get(i).contains(" ERROR ")) {
          found.add(log.get(i) + (i + 1 < log.size() ? " / " + log.get(i + 1) : ""));
        }
      }
      errors.put(node.index(), found);
    }
    return errors;
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  // ---------------------------------------------------------------------------------------------

  /** One node: its process and ports. */
  final class Node {
    private final int index;
    private final int httpPort;
    private final int clusterPort;
    private final Process process;
    private final Path dir;
    private final Path log;
    private volatile boolean paused;

    private Node(int index, int httpPort, int clusterPort, Process process, Path dir, Path log) {
      this.index = index;
      this.httpPort = httpPort;
      this.clusterPort = clusterPort;
      this.process = process;
      this.dir = dir;
      this.log = log;
    }

    int index() {
      return index;
    }

    int httpPort() {
      return httpPort;
    }

    int clusterPort() {
      return clusterPort;
    }

    long pid() {
      return process.pid();
    }

    Process process() {
      return process;
    }

    Path log() {
      return log;
    }

    /** The {@code http} attribute this node has among the members of {@code /v1/cluster}. */
    String http() {
      return "127.0.0.1:" + httpPort;
    }

    /** Its Hazelcast address, the {@code address} of a member. */
    String address() {
      return "127.0.0.1:" + clusterPort;
    }

    String baseUrl() {
      return "http://127.0.0.1:" + httpPort;
    }

    boolean alive() {
      return process.isAlive();
    }

    boolean paused() {
      return paused;
    }

    /** This node's member id as {@code state} lists it, or null when it is not a member there. */
    String memberId(ClusterState state) {
      return state.members().stream().filter(m -> m.isNode(this)).map(Member::id).findFirst().orElse(null);
    }

    /** kill -9: the process ends at once, without a word to the cluster. Returns once it has ended. */
    void kill() {
      process.destroyForcibly();
      try {
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
          throw new IllegalStateException("node " + index + " (pid " + pid() + ") still running 20 s after SIGKILL");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      paused = false;
    }

    /** SIGTERM: a graceful leave. Returns at once; see {@link #awaitExit}. */
    void terminate() {
      process.destroy();
    }

    /** Waits for the process to end; its exit status, or empty if it still runs after {@code limit}. */
    Optional<Integer> awaitExit(Duration limit) {
      try {
        return process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS) ? Optional.of(process.exitValue()) : Optional.empty();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }

    /** SIGSTOP: the process freezes, sockets open, as in a long GC pause or a stalled VM. */
    void pause() {
      signal("STOP");
      paused = true;
    }

    /** SIGCONT. */
    void resume() {
      signal("CONT");
      paused = false;
    }

    private void signal(String signal) {
      try {
        Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(pid())).redirectErrorStream(true).start();
        String out = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
          throw new IllegalStateException("kill -" + signal + " " + pid() + " failed: " + out);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }

    /** Asks {@code /health/ready} until it answers 200; fails if the process ends or the limit passes. */
    void awaitReady() {
      long deadline = System.nanoTime() + START_LIMIT.toNanos();
      long started = System.nanoTime();
      while (System.nanoTime() < deadline) {
        if (!process.isAlive()) {
          throw new IllegalStateException("node " + index + " exited with status " + process.exitValue() + " while starting; log "
              + log + ":\n" + String.join("\n", tail(40)));
        }
        try {
          HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/health/ready")).timeout(Duration.ofSeconds(2)).build(),
              HttpResponse.BodyHandlers.discarding());
          if (r.statusCode() == 200) {
            System.out.printf("[cluster-it] %s: node %d ready after %.1f s%n", name, index, (System.nanoTime() - started) / 1e9);
            return;
          }
        } catch (IOException e) {
          // not listening yet
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(e);
        }
        sleep(200);
      }
      throw new IllegalStateException("node " + index + " not ready within " + START_LIMIT + "; log " + log + ":\n" + String.join("\n", tail(40)));
    }

    List<String> logLines() {
      try {
        return Files.exists(log) ? Files.readAllLines(log, StandardCharsets.UTF_8) : List.of();
      } catch (IOException | UncheckedIOException e) {
        try {
          return List.of(new String(Files.readAllBytes(log), StandardCharsets.ISO_8859_1).split("\n"));
        } catch (IOException again) {
          return List.of("(cannot read " + log + ": " + again + ")");
        }
      }
    }

    List<String> tail(int lines) {
      List<String> all = logLines();
      return all.subList(Math.max(0, all.size() - lines), all.size());
    }

    @Override
    public String toString() {
      String state = process.isAlive() ? (paused ? "paused" : "running") : "exited " + process.exitValue();
      return "node " + index + " pid " + pid() + " http " + http() + " hazelcast " + address() + " " + state;
    }
  }

  /** A member as {@code /v1/cluster} lists it. */
  record Member(String id, String address, String http) {
    boolean isNode(Node node) {
      return node.http().equals(http) || node.address().equals(address);
    }
  }

  /** A partition's owner (null while released) and epoch as {@code /v1/cluster} lists it. */
  record Owner(String app, int partition, String owner, long epoch) {}

  /** One answer of {@code GET /v1/cluster}. */
  record ClusterState(JsonObject raw, List<Member> members, List<Owner> partitions, ClusterNodes cluster) {

    static ClusterState parse(JsonObject raw, ClusterNodes cluster) {
      List<Member> members = new ArrayList<>();
      JsonArray ms = raw.getJsonArray("members", new JsonArray());
      for (int i = 0; i < ms.size(); i++) {
        JsonObject m = ms.getJsonObject(i);
        members.add(new Member(m.getString("id"), m.getString("address"), m.getString("http")));
      }
      List<Owner> partitions = new ArrayList<>();
      JsonArray ps = raw.getJsonArray("partitions", new JsonArray());
      for (int i = 0; i < ps.size(); i++) {
        JsonObject p = ps.getJsonObject(i);
        Number epoch = p.getNumber("epoch");
        partitions.add(new Owner(p.getString("app"), p.getInteger("partition", -1), p.getString("owner"), epoch == null ? -1 : epoch.longValue()));
      }
      return new ClusterState(raw, List.copyOf(members), List.copyOf(partitions), cluster);
    }

    Set<String> memberIds() {
      return members.stream().map(Member::id).collect(Collectors.toSet());
    }

    /** The entries of the app's partitions, by partition (the last one should a partition be listed twice). */
    Map<Integer, Owner> owners() {
      Map<Integer, Owner> owners = new TreeMap<>();
      partitions.stream().filter(o -> APP.equals(o.app())).forEach(o -> owners.put(o.partition(), o));
      return owners;
    }

    String ownerOf(int partition) {
      Owner o = owners().get(partition);
      return o == null ? null : o.owner();
    }

    long epochOf(int partition) {
      Owner o = owners().get(partition);
      return o == null ? -1 : o.epoch();
    }

    /** partition → "owner@epoch", to compare two answers. */
    Map<Integer, String> ownersAndEpochs() {
      Map<Integer, String> m = new TreeMap<>();
      owners().forEach((p, o) -> m.put(p, o.owner() + "@" + o.epoch()));
      return m;
    }

    /** The app's partitions {@code node} owns here. */
    Set<Integer> ownedBy(Node node) {
      String id = node.memberId(this);
      if (id == null) {
        return Set.of();
      }
      return owners().values().stream().filter(o -> id.equals(o.owner())).map(Owner::partition).collect(Collectors.toCollection(java.util.TreeSet::new));
    }

    /** The node a member id stands for, if it is one of the cluster's. */
    Optional<Node> nodeOf(String memberId) {
      Optional<Member> member = members.stream().filter(m -> m.id().equals(memberId)).findFirst();
      if (member.isEmpty()) {
        return Optional.empty();
      }
      return cluster.nodes.stream().filter(member.get()::isNode).findFirst();
    }

    /** Whether every partition of the app is listed exactly once and owned by a listed member. */
    boolean allOwnedByMembers() {
      return problemWithPartitions() == null;
    }

    String problemWithPartitions() {
      List<Integer> listed = partitions.stream().filter(o -> APP.equals(o.app())).map(Owner::partition).sorted().toList();
      List<Integer> expected = java.util.stream.IntStream.range(0, PARTITIONS).boxed().toList();
      if (!listed.equals(expected)) {
        return "partitions of " + APP + " listed " + listed + ", expected each of " + expected + " once";
      }
      Set<String> ids = memberIds();
      for (Owner o : owners().values()) {
        if (o.owner() == null) {
          return "partition " + o.partition() + " has no owner (released)";
        }
        if (!ids.contains(o.owner())) {
          return "partition " + o.partition() + " owned by " + o.owner() + ", not a listed member";
        }
      }
      return null;
    }

    /** Null when the members are exactly {@code expectedHttp} and every partition is owned by one of them; else what is wrong. */
    String problemAsMembers(Set<String> expectedHttp) {
      Set<String> http = members.stream().map(Member::http).map(String::valueOf).collect(Collectors.toCollection(java.util.TreeSet::new));
      if (!http.equals(expectedHttp) || members.size() != expectedHttp.size()) {
        return "members " + http + " (" + members.size() + "), expected " + expectedHttp;
      }
      return problemWithPartitions();
    }

    /** partition → owner count per node index, e.g. {0=2, 1=1, 2=1}. */
    Map<Integer, Integer> ownedCounts() {
      Map<Integer, Integer> counts = new TreeMap<>();
      for (Node node : cluster.nodes) {
        if (node.memberId(this) != null) {
          counts.put(node.index(), ownedBy(node).size());
        }
      }
      return counts;
    }

    /** The member ids, partitions and epochs with node indexes, for messages. */
    String describe() {
      Map<String, String> names = new HashMap<>();
      for (Member m : members) {
        names.put(m.id(), cluster.nodes.stream().filter(m::isNode).map(n -> "node" + n.index()).findFirst().orElse("unknown member " + m.http()));
      }
      String ms = members.stream().map(m -> names.get(m.id()) + "=" + shortId(m.id()) + "(" + m.http() + ")").collect(Collectors.joining(", "));
      String ps = owners().values().stream()
          .map(o -> "p" + o.partition() + "→" + (o.owner() == null ? "released" : names.getOrDefault(o.owner(), "non-member " + shortId(o.owner()))) + "@e" + o.epoch())
          .collect(Collectors.joining(", "));
      Set<String> otherApps = new HashSet<>();
      partitions.stream().filter(o -> !APP.equals(o.app())).forEach(o -> otherApps.add(o.app()));
      return "members [" + ms + "], partitions [" + ps + "]" + (otherApps.isEmpty() ? "" : " (+ apps " + otherApps + ")");
    }

    private static String shortId(String id) {
      return id == null ? "null" : id.length() > 8 ? id.substring(0, 8) : id;
    }

    @Override
    public String toString() {
      return describe();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof ClusterState s && Objects.equals(raw, s.raw);
    }

    @Override
    public int hashCode() {
      return raw.hashCode();
    }
  }
}
