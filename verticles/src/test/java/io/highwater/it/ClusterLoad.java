package io.highwater.it;

import io.highwater.it.ClusterNodes.Node;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Queue;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;
import java.util.zip.CRC32;

/**
 * Client load on a {@link ClusterNodes} cluster, and the checks of what it left behind.
 *
 * <p>Each client thread appends single {@code create}/{@code update} events on books of its own
 * (random authors and genres) to random workspaces spread over all partitions, each event with a
 * unique id. Each request goes to the next live node, round robin. On 503, any other 5xx, a refused
 * or reset connection or a time-out, the thread sends the very same body (same event id) again, to
 * the next node, until it is acknowledged or the event's deadline passes: appends are idempotent by
 * event id, so a repeat of an event that was stored answers 200 with its original offset. An update
 * is based at the offset of its book's previous acknowledged event, which only this thread writes,
 * so it never conflicts; a 409 or 400 is a failure of the server. A book whose event was abandoned
 * (deadline) is never written again, since its state is then unknown.
 *
 * <p>Afterwards: {@link #readLogs} reads every partition's log, {@link #verifyLogs} checks offsets
 * 1..n without gaps, every event once, every acknowledged event at the offset its acknowledgement
 * gave; {@link #model} folds the stored events into a {@link ViewModel}; {@link #verifyViews}
 * compares the views with it on every given node.
 */
final class ClusterLoad implements AutoCloseable {

  static final String[] AUTHORS = {"Gibson", "Sterling", "Le Guin", "Butler", "Banks", "Jemisin", "Chiang", "Leckie"};
  static final String[] GENRES = {"SciFi", "Cyberpunk", "Fantasy", "Horror"};

  /** An event as sent, with the partition its workspace maps to. */
  record Sent(String id, String ws, int partition, String book, String reason, JsonObject assoc, List<String> dissoc, long baseOffset) {
    JsonObject body() {
      JsonObject action = new JsonObject()
          .put("reason", reason)
          .put("actor", new JsonArray().add("user").add("cluster-it"))
          .put("aggregate", new JsonArray().add("book").add(book))
          .put("patch", new JsonObject().put("assoc", assoc.copy()).put("dissoc", new JsonArray(new ArrayList<>(dissoc))));
      JsonObject event = new JsonObject().put("id", id).put("source", "cluster-it").put("action", action);
      return new JsonObject().put("baseOffset", baseOffset).put("events", new JsonArray().add(event));
    }
  }

  /**
   * An acknowledgement: where the server said the event is; when the send that was answered left
   * ({@code sentNanos}) and when its answer came ({@code ackNanos}); through which node; after how
   * many sends; when the first of them left.
   */
  record Ack(Sent sent, int partition, long offset, long sentNanos, long ackNanos, int viaNode, int attempts, long firstSentNanos) {}

  private static final class Book {
    final String id;
    long lastOffset;
    boolean tainted;

    Book(String id) {
      this.id = id;
    }
  }

  private final ClusterNodes cluster;
  private final List<String> workspaces;
  private final Map<String, Integer> partitionOfWs = new HashMap<>();
  private final Duration requestTimeout;
  private final Duration eventDeadline;
  private final long thinkMs;
  private final long seed;

  private volatile List<Node> targets;
  /** The workspaces new events go to: all of them unless {@link #aim} narrowed them. */
  private volatile List<String> aimed;
  private final AtomicLong roundRobin = new AtomicLong();
  private final Map<String, Sent> attempted = new ConcurrentHashMap<>();
  private final Map<String, Ack> acks = new ConcurrentHashMap<>();
  /** When each event was first sent (nanoTime), acknowledged or not. */
  private final Map<String, Long> firstSends = new ConcurrentHashMap<>();
  private final Set<String> abandoned = ConcurrentHashMap.newKeySet();
  private final Queue<String> errors = new ConcurrentLinkedQueue<>();
  private final Map<String, LongAdder> outcomes = new ConcurrentSkipListMap<>();
  private final List<Thread> threads = new ArrayList<>();
  private volatile boolean running;
  private final AtomicLong probeCounter = new AtomicLong();
  /** The longest time any send took to be answered (or to fail), whatever the answer. */
  private final java.util.concurrent.atomic.LongAccumulator longestSendNanos = new java.util.concurrent.atomic.LongAccumulator(Math::max, 0);
  /** A wall-clock time and the nanoTime it was taken at, to print nanoTimes as times of day in the journal. */
  private final long wallMillisAtStart = System.currentTimeMillis();
  private final long nanosAtStart = System.nanoTime();

  ClusterLoad(ClusterNodes cluster, List<String> workspaces, Duration requestTimeout, Duration eventDeadline, long thinkMs, long seed) {
    this.cluster = cluster;
    this.workspaces = List.copyOf(workspaces);
    this.requestTimeout = requestTimeout;
    this.eventDeadline = eventDeadline;
    this.thinkMs = thinkMs;
    this.seed = seed;
    this.workspaces.forEach(ws -> partitionOfWs.put(ws, partitionOf(ws)));
    this.targets = cluster.running();
    this.aimed = this.workspaces;
  }

  /** The partition of a workspace: CRC32 of its UTF-8 bytes modulo the partition count (API.md, Names). */
  static int partitionOf(String ws) {
    CRC32 crc = new CRC32();
    crc.update(ws.getBytes(StandardCharsets.UTF_8));
    return (int) (crc.getValue() % ClusterNodes.PARTITIONS);
  }

  /** {@code perPartition} workspace names for each partition, named {@code prefix-N}. */
  static List<String> workspaces(String prefix, int perPartition) {
    Map<Integer, List<String>> byPartition = new TreeMap<>();
    for (int i = 0; byPartition.values().stream().mapToInt(List::size).sum() < perPartition * ClusterNodes.PARTITIONS; i++) {
      String ws = prefix + "-" + i;
      List<String> list = byPartition.computeIfAbsent(partitionOf(ws), p -> new ArrayList<>());
      if (list.size() < perPartition) {
        list.add(ws);
      }
    }
    return byPartition.values().stream().flatMap(List::stream).toList();
  }

  List<String> workspaces() {
    return workspaces;
  }

  /** New events go only to these workspaces (of {@link #workspaces}) from now on; events under way finish where they are. */
  void aim(Collection<String> some) {
    if (some.isEmpty() || !workspaces.containsAll(some)) {
      throw new IllegalArgumentException("aim at some of the load's workspaces, got " + some);
    }
    aimed = List.copyOf(some);
  }

  // ---------------------------------------------------------------------------------------------
  // Targets

  /** Where requests go from now on, round robin. */
  void targets(Collection<Node> nodes) {
    targets = List.copyOf(nodes);
  }

  void removeTarget(Node node) {
    targets = targets.stream().filter(n -> n != node).toList();
  }

  void addTarget(Node node) {
    List<Node> now = new ArrayList<>(targets);
    if (!now.contains(node)) {
      now.add(node);
    }
    targets = List.copyOf(now);
  }

  List<Node> currentTargets() {
    return targets;
  }

  private Node nextTarget() {
    List<Node> now = targets;
    return now.isEmpty() ? null : now.get((int) Math.floorMod(roundRobin.getAndIncrement(), (long) now.size()));
  }

  // ---------------------------------------------------------------------------------------------
  // The load

  void start(int threadCount) {
    running = true;
    for (int t = 0; t < threadCount; t++) {
      int index = t;
      Thread thread = new Thread(() -> run(index), "cluster-it-client-" + t);
      thread.setDaemon(true);
      threads.add(thread);
      thread.start();
    }
  }

  /** Stops issuing new events; waits for each thread to finish its current one (acknowledged or abandoned at its deadline). */
  void stop() {
    running = false;
    long limit = eventDeadline.plus(requestTimeout).plusSeconds(10).toMillis();
    long deadline = System.currentTimeMillis() + limit;
    for (Thread thread : threads) {
      try {
        thread.join(Math.max(1, deadline - System.currentTimeMillis()));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      if (thread.isAlive()) {
        errors.add(thread.getName() + " still running " + limit + " ms after the load stopped");
        thread.interrupt();
      }
    }
    threads.clear();
  }

  @Override
  public void close() {
    if (running || !threads.isEmpty()) {
      running = false;
      threads.forEach(Thread::interrupt);
      threads.clear();
    }
  }

  private void run(int thread) {
    Random random = new Random(seed * 31 + thread);
    Map<String, List<Book>> books = new HashMap<>();
    int created = 0;
    try {
      while (running) {
        List<String> now = aimed;
        String ws = now.get(random.nextInt(now.size()));
        List<Book> mine = books.computeIfAbsent(ws, w -> new ArrayList<>());
        List<Book> writable = mine.stream().filter(b -> !b.tainted).toList();
        Book book;
        Sent sent;
        if (writable.isEmpty() || random.nextInt(10) < 4) {
          book = new Book("b-" + seed + "-t" + thread + "-" + created++);
          mine.add(book);
          sent = new Sent(UUID.randomUUID().toString(), ws, partitionOfWs.get(ws), book.id, "create",
              new JsonObject().put("author", pick(random, AUTHORS)).put("genre", pick(random, GENRES)), List.of(), 0);
        } else {
          book = writable.get(random.nextInt(writable.size()));
          JsonObject assoc = new JsonObject();
          List<String> dissoc = new ArrayList<>();
          int kind = random.nextInt(10);
          if (kind < 6) {
            assoc.put("author", pick(random, AUTHORS));
          } else if (kind < 8) {
            assoc.put("genre", pick(random, GENRES));
          } else if (kind < 9) {
            assoc.put("author", pick(random, AUTHORS)).put("genre", pick(random, GENRES));
          } else {
            dissoc.add("author");
          }
          sent = new Sent(UUID.randomUUID().toString(), ws, partitionOfWs.get(ws), book.id, "update", assoc, dissoc, book.lastOffset);
        }
        Optional<Ack> ack = appendUntilAcknowledged(sent);
        if (ack.isPresent()) {
          book.lastOffset = ack.get().offset();
        } else {
          book.tainted = true;
        }
        if (thinkMs > 0) {
          Thread.sleep(thinkMs);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      errors.add(Thread.currentThread().getName() + " died: " + e);
    }
  }

  private static String pick(Random random, String[] values) {
    return values[random.nextInt(values.length)];
  }

  private Optional<Ack> appendUntilAcknowledged(Sent sent) throws InterruptedException {
    attempted.put(sent.id(), sent);
    String body = sent.body().encode();
    long first = System.nanoTime();
    firstSends.put(sent.id(), first);
    long deadline = first + eventDeadline.toNanos();
    int attempts = 0;
    String last = "not sent";
    while (System.nanoTime() < deadline) {
      Node node = nextTarget();
      if (node == null) {
        last = "no live node to send to";
        Thread.sleep(100);
        continue;
      }
      attempts++;
      long sentAt = System.nanoTime();
      Result result = send(node, sent, body, requestTimeout);
      count(result.outcome());
      if (result.ack() != null) {
        Ack a = result.ack();
        Ack ack = new Ack(sent, a.partition(), a.offset(), sentAt, a.ackNanos(), node.index(), attempts, first);
        acks.put(sent.id(), ack);
        return Optional.of(ack);
      }
      last = result.outcome() + " from node " + node.index() + (result.detail() == null ? "" : ": " + result.detail());
      if (!result.retry()) {
        abandoned.add(sent.id());
        errors.add("event " + sent.id() + " (" + sent.reason() + " book " + sent.book() + " in ws " + sent.ws() + ", partition "
            + sent.partition() + ", baseOffset " + sent.baseOffset() + ") refused: " + last);
        return Optional.empty();
      }
      Thread.sleep(50);
    }
    abandoned.add(sent.id());
    errors.add(String.format("event %s (%s book %s in ws %s, partition %d) not acknowledged within %s after %d sends; last: %s",
        sent.id(), sent.reason(), sent.book(), sent.ws(), sent.partition(), eventDeadline, attempts, last));
    return Optional.empty();
  }

  private record Result(String outcome, boolean retry, Ack ack, String detail) {}

  private Result send(Node node, Sent sent, String body, Duration timeout) {
    HttpRequest request = HttpRequest.newBuilder(URI.create(node.baseUrl() + "/v1/apps/" + ClusterNodes.APP + "/ws/" + sent.ws() + "/events"))
        .timeout(timeout)
        .header("content-type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
        .build();
    HttpResponse<String> response;
    long sentAt = System.nanoTime();
    try {
      response = cluster.http().send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (HttpTimeoutException e) {
      return new Result("timeout", true, null, null);
    } catch (IOException e) {
      return new Result("io: " + e.getClass().getSimpleName(), true, null, String.valueOf(e.getMessage()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result("interrupted", false, null, null);
    }
    long now = System.nanoTime();
    longestSendNanos.accumulate(now - sentAt);
    int status = response.statusCode();
    String code = errorCode(response.body());
    String outcome = status + (code == null ? "" : " " + code);
    if (status == 200) {
      try {
        JsonObject json = new JsonObject(response.body());
        JsonArray events = json.getJsonArray("events");
        if (events == null || events.size() != 1) {
          return new Result("200 malformed", false, null, "expected 1 event, got: " + response.body());
        }
        JsonObject stored = events.getJsonObject(0);
        if (!sent.id().equals(stored.getString("id"))) {
          return new Result("200 wrong id", false, null, "acknowledged id " + stored.getString("id") + ": " + response.body());
        }
        int partition = json.getInteger("partition", stored.getInteger("partition", -1));
        long offset = stored.getLong("offset", -1L);
        if (partition != sent.partition()) {
          errors.add("event " + sent.id() + " to ws " + sent.ws() + " acknowledged in partition " + partition + ", but CRC32 puts the ws in "
              + sent.partition());
        }
        if (offset < 1) {
          return new Result("200 without offset", false, null, response.body());
        }
        return new Result(outcome, false, new Ack(sent, partition, offset, 0, now, node.index(), 0, 0), null);
      } catch (RuntimeException e) {
        return new Result("200 unparsable", false, null, e + ": " + response.body());
      }
    }
    boolean retry = status >= 500;
    return new Result(outcome, retry, null, abbreviate(response.body()));
  }

  private static String errorCode(String body) {
    try {
      JsonObject json = new JsonObject(body);
      JsonObject error = json.getJsonObject("error");
      return error == null ? null : error.getString("code");
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static String abbreviate(String s) {
    return s == null ? null : s.length() > 300 ? s.substring(0, 300) + "…" : s;
  }

  private void count(String outcome) {
    outcomes.computeIfAbsent(outcome, o -> new LongAdder()).increment();
  }

  /**
   * One {@code create} of a new book in {@code ws}, sent once to {@code node} (not retried): what it
   * answered. An acknowledgement counts among the load's, so that the log checks cover it.
   */
  String probe(Node node, String ws, Duration timeout) {
    Sent sent = new Sent(UUID.randomUUID().toString(), ws, partitionOf(ws), "probe-" + seed + "-" + probeCounter.incrementAndGet(), "create",
        new JsonObject().put("author", AUTHORS[0]).put("genre", GENRES[0]), List.of(), 0);
    attempted.put(sent.id(), sent);
    long first = System.nanoTime();
    Result result = send(node, sent, sent.body().encode(), timeout);
    double seconds = (System.nanoTime() - first) / 1e9;
    if (result.ack() != null) {
      Ack a = result.ack();
      acks.put(sent.id(), new Ack(sent, a.partition(), a.offset(), first, a.ackNanos(), node.index(), 1, first));
      return String.format("200 after %.2f s: acknowledged at %d/%d", seconds, a.partition(), a.offset());
    }
    return String.format("%s after %.2f s", result.outcome(), seconds) + (result.detail() == null ? "" : ": " + result.detail());
  }

  // ---------------------------------------------------------------------------------------------
  // What the load saw

  Map<String, Ack> acks() {
    return Map.copyOf(acks);
  }

  List<String> errors() {
    return List.copyOf(errors);
  }

  Set<String> abandoned() {
    return Set.copyOf(abandoned);
  }

  Map<Integer, Long> acksByPartition() {
    return acks.values().stream().collect(Collectors.groupingBy(Ack::partition, TreeMap::new, Collectors.counting()));
  }

  Map<Integer, Long> acksByNode() {
    return acks.values().stream().collect(Collectors.groupingBy(Ack::viaNode, TreeMap::new, Collectors.counting()));
  }

  /**
   * When {@code partition} first acknowledged a request sent after {@code afterNanos} (an answer that
   * was already on its way, e.g. from a node paused just after it wrote, does not count).
   */
  OptionalLong firstAckSentAfter(int partition, long afterNanos) {
    return acks.values().stream().filter(a -> a.partition() == partition && a.sentNanos() >= afterNanos).mapToLong(Ack::ackNanos).min();
  }

  /**
   * The longest time within [fromNanos, toNanos] during which {@code partition} acknowledged no
   * request sent after fromNanos (counting from fromNanos to the first such acknowledgement and from
   * the last one to toNanos), in seconds.
   */
  double longestAckGapSeconds(int partition, long fromNanos, long toNanos) {
    List<Long> times = acks.values().stream().filter(a -> a.partition() == partition && a.sentNanos() >= fromNanos && a.ackNanos() <= toNanos)
        .map(Ack::ackNanos).sorted().toList();
    long previous = fromNanos;
    long longest = 0;
    for (long t : times) {
      longest = Math.max(longest, t - previous);
      previous = t;
    }
    longest = Math.max(longest, toNanos - previous);
    return longest / 1e9;
  }

  /** The longest time one send waited for its answer, of any status, in seconds (a send that timed out is counted as an outcome instead). */
  double longestAnswerSeconds() {
    return longestSendNanos.get() / 1e9;
  }

  /** How many sends ended how ("200", "503 unavailable", "timeout", "io: …"). */
  Map<String, Long> outcomes() {
    Map<String, Long> counted = new TreeMap<>();
    outcomes.forEach((k, v) -> counted.put(k, v.sum()));
    return counted;
  }

  /**
   * How long each event first sent within [fromNanos, toNanos] to one of {@code partitions} took from
   * that first send to its acknowledgement, in nanoseconds, sorted; and how many such events were
   * sent (acknowledged or not: one never acknowledged is also among the errors).
   */
  record Latencies(List<Long> nanos, long sent) {
    double quantileSeconds(double q) {
      return nanos.isEmpty() ? 0 : nanos.get(Math.min(nanos.size() - 1, (int) Math.ceil(q * nanos.size()) - 1)) / 1e9;
    }

    String describe() {
      return String.format("%d sent, %d acknowledged, p50 %.3f s, p99 %.3f s, max %.3f s", sent, nanos.size(), quantileSeconds(0.5),
          quantileSeconds(0.99), quantileSeconds(1.0));
    }
  }

  Latencies latenciesFirstSentBetween(Set<Integer> partitions, long fromNanos, long toNanos) {
    List<Long> nanos = acks.values().stream()
        .filter(a -> partitions.contains(a.partition()) && a.firstSentNanos() >= fromNanos && a.firstSentNanos() <= toNanos)
        .map(a -> a.ackNanos() - a.firstSentNanos()).sorted().toList();
    long sent = firstSends.entrySet().stream()
        .filter(e -> partitions.contains(attempted.get(e.getKey()).partition()) && e.getValue() >= fromNanos && e.getValue() <= toNanos)
        .count();
    return new Latencies(nanos, sent);
  }

  /** The longest time an acknowledged event took from its first send to its acknowledgement, in seconds. */
  double longestAckLatencySeconds() {
    return acks.values().stream().mapToLong(a -> a.ackNanos() - a.firstSentNanos()).max().orElse(0) / 1e9;
  }

  String summary() {
    Map<String, Long> counted = new LinkedHashMap<>();
    outcomes.forEach((k, v) -> counted.put(k, v.sum()));
    long retried = acks.values().stream().filter(a -> a.attempts() > 1).count();
    return String.format("%d events sent, %d acknowledged (%d after more than one send), %d abandoned; acks by partition %s, by node %s; "
            + "answers %s; longest send-to-ack %.2f s",
        attempted.size(), acks.size(), retried, abandoned.size(), acksByPartition(), acksByNode(), counted, longestAckLatencySeconds());
  }

  /**
   * Writes every event sent, in order of acknowledgement (unacknowledged last), one per line: time of
   * day sent and acknowledged, partition/offset, id, ws, book, reason, node, sends; for post-mortems
   * beside the nodes' logs.
   */
  void writeJournal(java.nio.file.Path file) {
    java.time.format.DateTimeFormatter time = java.time.format.DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(java.time.ZoneId.systemDefault());
    List<String> lines = new ArrayList<>();
    lines.add("sent\tacknowledged\tpartition/offset\tid\tws\tbook\treason\tbaseOffset\tvia node\tsends");
    acks.values().stream().sorted((a, b) -> Long.compare(a.ackNanos(), b.ackNanos())).forEach(a -> lines.add(String.join("\t",
        time.format(java.time.Instant.ofEpochMilli(wallMillis(a.sentNanos()))), time.format(java.time.Instant.ofEpochMilli(wallMillis(a.ackNanos()))),
        a.partition() + "/" + a.offset(), a.sent().id(), a.sent().ws(), a.sent().book(), a.sent().reason(), String.valueOf(a.sent().baseOffset()),
        String.valueOf(a.viaNode()), String.valueOf(a.attempts()))));
    attempted.values().stream().filter(s -> !acks.containsKey(s.id())).forEach(s -> lines.add(String.join("\t", "-", "-",
        s.partition() + "/?", s.id(), s.ws(), s.book(), s.reason(), String.valueOf(s.baseOffset()), "-", abandoned.contains(s.id()) ? "abandoned" : "unanswered")));
    errors.forEach(e -> lines.add("# " + e));
    try {
      java.nio.file.Files.write(file, lines, StandardCharsets.UTF_8);
    } catch (IOException e) {
      System.out.println("[cluster-it] cannot write " + file + ": " + e);
    }
  }

  private long wallMillis(long nanos) {
    return wallMillisAtStart + (nanos - nanosAtStart) / 1_000_000;
  }

  // ---------------------------------------------------------------------------------------------
  // Checks

  /** Every partition's whole log, read through {@code via} page by page ({@code from}, {@code limit}); replayed lines left out. */
  Map<Integer, List<JsonObject>> readLogs(Node via) {
    Map<Integer, List<JsonObject>> logs = new TreeMap<>();
    int limit = 1_000;
    for (int p = 0; p < ClusterNodes.PARTITIONS; p++) {
      List<JsonObject> log = new ArrayList<>();
      long from = 1;
      while (true) {
        String path = "/v1/apps/" + ClusterNodes.APP + "/partitions/" + p + "/events?from=" + from + "&limit=" + limit;
        HttpResponse<String> r = cluster.get(via, path, Duration.ofSeconds(30));
        if (r.statusCode() != 200) {
          throw new AssertionError("GET " + path + " on node " + via.index() + " answered " + r.statusCode() + ": " + abbreviate(r.body()));
        }
        List<JsonObject> page = r.body().lines().filter(l -> !l.isBlank()).map(JsonObject::new).filter(e -> !e.containsKey("replay")).toList();
        log.addAll(page);
        if (page.size() < limit) {
          break;
        }
        from = page.get(page.size() - 1).getLong("offset") + 1;
      }
      logs.put(p, log);
    }
    return logs;
  }

  /** The offset of the last event of each partition's log. */
  static Map<Integer, Long> lastOffsets(Map<Integer, List<JsonObject>> logs) {
    Map<Integer, Long> last = new TreeMap<>();
    logs.forEach((p, log) -> last.put(p, log.isEmpty() ? 0L : log.get(log.size() - 1).getLong("offset")));
    return last;
  }

  /**
   * Fails, listing every violation found, unless: each partition's offsets are exactly 1..n; every
   * stored event is one this load sent, in the partition of its workspace, with the content sent, and
   * is stored once; every acknowledged event is stored at the partition and offset its
   * acknowledgement gave. Stored events that were sent but never acknowledged are allowed (a send
   * whose answer was lost, then abandoned); they are counted in the returned summary.
   */
  String verifyLogs(Map<Integer, List<JsonObject>> logs) {
    List<String> problems = new ArrayList<>();
    Map<String, List<String>> storedAt = new HashMap<>();
    for (Map.Entry<Integer, List<JsonObject>> entry : logs.entrySet()) {
      int p = entry.getKey();
      List<JsonObject> log = entry.getValue();
      List<Long> offsets = log.stream().map(e -> e.getLong("offset")).toList();
      for (int i = 0; i < offsets.size(); i++) {
        if (offsets.get(i) == null || offsets.get(i) != i + 1) {
          Map<Long, Long> counts = offsets.stream().collect(Collectors.groupingBy(o -> o, TreeMap::new, Collectors.counting()));
          List<Long> duplicated = counts.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).limit(20).toList();
          long max = offsets.stream().mapToLong(o -> o == null ? 0 : o).max().orElse(0);
          List<Long> missing = java.util.stream.LongStream.rangeClosed(1, max).filter(o -> !counts.containsKey(o)).limit(20).boxed().toList();
          problems.add("partition " + p + ": offsets not 1.." + offsets.size() + " without gaps: at position " + (i + 1) + " offset "
              + offsets.get(i) + "; duplicated offsets " + duplicated + ", missing offsets " + missing);
          break;
        }
      }
      for (JsonObject event : log) {
        String id = event.getString("id");
        long offset = event.getLong("offset", -1L);
        if (id == null) {
          problems.add("partition " + p + " offset " + offset + ": stored event without an id (this test sends none): " + abbreviate(event.encode()));
          continue;
        }
        storedAt.computeIfAbsent(id, i -> new ArrayList<>()).add(p + "/" + offset);
        Sent sent = attempted.get(id);
        if (sent == null) {
          problems.add("partition " + p + " offset " + offset + ": stored event " + id + " was never sent by this test");
          continue;
        }
        if (sent.partition() != p) {
          problems.add("event " + id + " of ws " + sent.ws() + " stored in partition " + p + ", but CRC32 puts the ws in " + sent.partition());
        }
        if (!sent.ws().equals(event.getString("ws"))) {
          problems.add("event " + id + " stored with ws " + event.getString("ws") + ", sent to ws " + sent.ws());
        }
        JsonObject action = event.getJsonObject("action");
        JsonObject patch = action == null ? null : action.getJsonObject("patch");
        if (patch == null || !sent.assoc().equals(patch.getJsonObject("assoc"))
            || !sent.book().equals(String.valueOf(action.getJsonArray("aggregate").getValue(1)))) {
          problems.add("event " + id + " at " + p + "/" + offset + " stored as " + abbreviate(event.encode()) + ", sent as " + sent.body().encode());
        }
      }
    }
    storedAt.forEach((id, places) -> {
      if (places.size() > 1) {
        problems.add("event " + id + " stored " + places.size() + " times, at " + places);
      }
    });
    List<Ack> sortedAcks = acks.values().stream().sorted((a, b) -> Long.compare(a.ackNanos(), b.ackNanos())).toList();
    for (Ack ack : sortedAcks) {
      List<String> places = storedAt.getOrDefault(ack.sent().id(), List.of());
      String expected = ack.partition() + "/" + ack.offset();
      if (places.isEmpty()) {
        problems.add("acknowledged event " + ack.sent().id() + " (ws " + ack.sent().ws() + ", acknowledged at " + expected + " through node "
            + ack.viaNode() + " after " + ack.attempts() + " sends) is not in the log: lost");
      } else if (!places.contains(expected)) {
        problems.add("acknowledged event " + ack.sent().id() + " (ws " + ack.sent().ws() + ") acknowledged at " + expected + " through node "
            + ack.viaNode() + ", but stored at " + places);
      }
    }
    long storedUnacknowledged = storedAt.keySet().stream().filter(id -> attempted.containsKey(id) && !acks.containsKey(id)).count();
    long total = logs.values().stream().mapToLong(List::size).sum();
    if (!problems.isEmpty()) {
      int shown = Math.min(problems.size(), 40);
      throw new AssertionError(problems.size() + " violation(s) of the log invariants (gapless offsets, each event once, each acknowledged event at "
          + "its acknowledged offset) in " + total + " stored events; first " + shown + ":\n  " + String.join("\n  ", problems.subList(0, shown)));
    }
    return String.format("logs: %d events, last offsets %s, %d acknowledged all in place, %d stored without acknowledgement (abandoned or answer lost)",
        total, lastOffsets(logs), acks.size(), storedUnacknowledged);
  }

  /** The views the stored events should produce (the events as this load sent them, in stored order). */
  ViewModel model(Map<Integer, List<JsonObject>> logs) {
    ViewModel model = new ViewModel();
    for (List<JsonObject> log : logs.values()) {
      for (JsonObject event : log) {
        Sent sent = attempted.get(event.getString("id"));
        if (sent != null) {
          model.apply(sent.ws(), sent.book(), sent.assoc(), sent.dissoc());
        }
      }
    }
    return model;
  }

  /**
   * Reads every key the model knows of both views, in every workspace, on every node of {@code via}
   * at each of {@code levels}, consistent at its partition's last offset; fails listing every value
   * that differs from the model or could not be read.
   */
  void verifyViews(Collection<Node> via, ViewModel model, Map<Integer, Long> lastOffsets, List<String> levels) {
    List<String> problems = new ArrayList<>();
    int reads = 0;
    for (Node node : via) {
      for (String level : levels) {
        for (String ws : workspaces) {
          long at = lastOffsets.getOrDefault(partitionOfWs.get(ws), 0L);
          for (String author : model.authorKeys.getOrDefault(ws, Set.of())) {
            reads++;
            check(problems, node, ws, "books_by_author", author, at, level, model.byAuthor(ws, author));
          }
          for (String genre : model.genreKeys.getOrDefault(ws, Set.of())) {
            reads++;
            check(problems, node, ws, "genre_counts", genre, at, level, model.genreCount(ws, genre));
          }
        }
      }
    }
    if (!problems.isEmpty()) {
      int shown = Math.min(problems.size(), 40);
      throw new AssertionError(problems.size() + " of " + reads + " view reads differ from the model computed from the acknowledged events; first "
          + shown + ":\n  " + String.join("\n  ", problems.subList(0, shown)));
    }
  }

  private void check(List<String> problems, Node node, String ws, String view, String key, long at, String level, JsonObject expected) {
    String path = "/v1/apps/" + ClusterNodes.APP + "/ws/" + ws + "/views/" + view + "/" + URLEncoder.encode(key, StandardCharsets.UTF_8).replace("+", "%20")
        + "?consistentAt=" + at + "&level=" + level + "&timeoutMs=20000";
    String where = "node " + node.index() + " " + level + " ws " + ws + " " + view + "[" + key + "] consistentAt=" + at;
    try {
      HttpResponse<String> r = cluster.get(node, path, Duration.ofSeconds(25));
      if (r.statusCode() != 200) {
        problems.add(where + ": answered " + r.statusCode() + " " + abbreviate(r.body()) + ", expected 200 with " + expected.encode());
        return;
      }
      JsonObject body = new JsonObject(r.body());
      long consistentAt = body.getLong("consistentAt", -1L);
      if (consistentAt < at) {
        problems.add(where + ": consistentAt " + consistentAt + " < " + at);
      }
      if (!expected.equals(body.getJsonObject("value"))) {
        problems.add(where + ": value " + body.getJsonObject("value") + ", model " + expected.encode());
      }
    } catch (RuntimeException e) {
      problems.add(where + ": " + e);
    }
  }

  /**
   * Reads each of {@code sample}'s books at its acknowledged offset on every node of {@code via}, at
   * level cache and at level storage, and, for a {@code create}, the author's books_by_author value:
   * each must answer 200 with {@code consistentAt} ≥ the offset and {@code version} (the view's
   * {@code offs}) ≥ the event's offset. Fails listing every read that did not.
   */
  void verifyReadsAtAcknowledgedOffsets(Collection<Node> via, Collection<Ack> sample) {
    List<String> problems = new ArrayList<>();
    int reads = 0;
    for (Node node : via) {
      for (String level : List.of("cache", "storage")) {
        for (Ack ack : sample) {
          Sent sent = ack.sent();
          String where = "node " + node.index() + " " + level + " ws " + sent.ws() + " (partition " + ack.partition() + ")";
          reads++;
          String record = "/v1/apps/" + ClusterNodes.APP + "/ws/" + sent.ws() + "/aggregates/book/" + sent.book() + "?consistentAt=" + ack.offset()
              + "&level=" + level + "&timeoutMs=15000";
          readAtLeast(problems, node, record, where + " book " + sent.book(), ack.offset(), "version", ack.offset());
          if ("create".equals(sent.reason())) {
            reads++;
            String author = sent.assoc().getString("author");
            String view = "/v1/apps/" + ClusterNodes.APP + "/ws/" + sent.ws() + "/views/books_by_author/"
                + URLEncoder.encode(author, StandardCharsets.UTF_8).replace("+", "%20") + "?consistentAt=" + ack.offset() + "&level=" + level
                + "&timeoutMs=15000";
            readAtLeast(problems, node, view, where + " books_by_author[" + author + "] after creating " + sent.book(), ack.offset(), "offs",
                ack.offset());
          }
        }
      }
    }
    if (!problems.isEmpty()) {
      int shown = Math.min(problems.size(), 40);
      throw new AssertionError(problems.size() + " of " + reads + " reads at an acknowledged offset fell short; first " + shown + ":\n  "
          + String.join("\n  ", problems.subList(0, shown)));
    }
  }

  private void readAtLeast(List<String> problems, Node node, String path, String where, long consistentAt, String versionField, long version) {
    try {
      HttpResponse<String> r = cluster.get(node, path, Duration.ofSeconds(20));
      if (r.statusCode() != 200) {
        problems.add(where + " consistentAt=" + consistentAt + ": answered " + r.statusCode() + " " + abbreviate(r.body()));
        return;
      }
      JsonObject body = new JsonObject(r.body());
      long at = body.getLong("consistentAt", -1L);
      long v = body.getLong(versionField, -1L);
      if (at < consistentAt) {
        problems.add(where + ": asked consistentAt=" + consistentAt + ", answered consistentAt " + at + " (" + abbreviate(r.body()) + ")");
      }
      if (v < version) {
        problems.add(where + " consistentAt=" + consistentAt + ": " + versionField + " " + v + " < the event's offset " + version + " ("
            + abbreviate(r.body()) + ")");
      }
    } catch (RuntimeException e) {
      problems.add(where + " consistentAt=" + consistentAt + ": " + e);
    }
  }
}
