package io.highwater.config;

import io.highwater.partition.PartitionId;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Everything the server reads from {@code conf/config.json} after environment overrides. */
public record HighwaterConfig(
    Http http,
    Threads threads,
    Path dataDir,
    Postgres postgres,
    Cluster cluster,
    CommandProcessor commandProcessor,
    Records records,
    Views views,
    Reads reads,
    Limits limits,
    WebSocket webSocket,
    Path pluginsDir,
    Deployment deployment,
    Health health,
    Map<String, AppConfig> apps,
    Path confDir,
    FaultHook faults,
    Keys keys,
    Auth auth) {

  /**
   * Where the master key comes from (environment only, never the config file): inline, a file, or
   * neither. {@code mustBeGiven}: the node runs in Kubernetes, where a key it generated would be its
   * own, unlike every other pod's, so it refuses to start without one.
   */
  public record Keys(Optional<String> masterKey, Optional<String> masterKeyFile, boolean mustBeGiven) {
    public static final Keys NONE = new Keys(Optional.empty(), Optional.empty(), false);
  }

  /** The HTTP API; with both PEM files ({@code tlsCertFile}, {@code tlsKeyFile}) it speaks HTTPS only. */
  public record Http(String host, int port, Optional<String> tlsCertFile, Optional<String> tlsKeyFile) {

    public Http {
      if (tlsCertFile.isPresent() != tlsKeyFile.isPresent()) {
        throw new IllegalArgumentException("http: TLS needs both tlsCertFile and tlsKeyFile (HIGHWATER_HTTP_TLS_CERT_FILE, "
            + "HIGHWATER_HTTP_TLS_KEY_FILE), got only " + (tlsCertFile.isPresent() ? "tlsCertFile" : "tlsKeyFile"));
      }
    }

    public Http(String host, int port) {
      this(host, port, Optional.empty(), Optional.empty());
    }

    public boolean tls() {
      return tlsCertFile.isPresent();
    }
  }

  /**
   * How calls are authenticated (API.md): {@code mode} {@code jwt} (tokens verified under the HS256
   * {@code hs256Secret}, base64, or the RS256/ES256 public key in the PEM file {@code publicKeyFile};
   * with neither, a secret generated under the data directory) or {@code none}. {@code mustBeGiven}:
   * the node runs in Kubernetes, where a secret it generated would be its own, so it refuses to start
   * without a key.
   */
  public record Auth(String mode, Optional<String> hs256Secret, Optional<String> publicKeyFile, boolean mustBeGiven) {

    public static final String JWT = "jwt";
    public static final String NONE = "none";

    public Auth {
      if (!JWT.equals(mode) && !NONE.equals(mode)) {
        throw new IllegalArgumentException("auth.mode: expected \"jwt\" or \"none\", got \"" + mode + "\"");
      }
      if (hs256Secret.isPresent() && publicKeyFile.isPresent()) {
        throw new IllegalArgumentException("auth: expected hs256Secret or publicKeyFile, not both");
      }
    }

    public boolean checks() {
      return JWT.equals(mode);
    }
  }

  /**
   * Vert.x event loops and HTTP verticle instances; 0 means one per core. Fewer threads than
   * Vert.x's default of two loops per core: on a small machine shared with PostgreSQL, every extra
   * loop costs wake-ups and hand-offs between threads (README, Benchmark).
   */
  public record Threads(int eventLoops, int httpInstances) {

    public Threads {
      if (eventLoops < 0 || httpInstances < 0) {
        throw new IllegalArgumentException("threads: expected counts >= 0 (0: one per core), got eventLoops "
            + eventLoops + ", httpInstances " + httpInstances);
      }
    }

    public int eventLoopCount(int cores) {
      return eventLoops == 0 ? Math.max(1, cores) : eventLoops;
    }

    public int httpInstanceCount(int cores) {
      return httpInstances == 0 ? Math.max(1, cores) : httpInstances;
    }
  }

  /** {@code url} empty: start the embedded PostgreSQL under the data directory. */
  public record Postgres(Optional<String> url, int poolSize, int embeddedPort) {}

  /**
   * The Hazelcast member on {@code port} ({@code discovery}: {@code tcp-ip} with {@code members}, or
   * {@code kubernetes} through the headless service {@code kubernetesService}), the clustered event
   * bus on {@code eventBusPort} (0: any free port), and partition ownership: each node renews a
   * lease in PostgreSQL every {@code heartbeatIntervalMs}; a partition whose owner's lease is older
   * than {@code ownerLeaseMs} may be claimed; a claim that may not yet be made is tried again every
   * {@code claimRetryMs}; a request that finds no owner is sent again every {@code routeRetryMs}
   * until its timeout.
   */
  public record Cluster(String name, String host, int port, int eventBusPort, List<String> members, String hazelcastConfig,
      String discovery, String kubernetesService, long heartbeatIntervalMs, long ownerLeaseMs, long claimRetryMs, long routeRetryMs) {

    public static final String TCP_IP = "tcp-ip";
    public static final String KUBERNETES = "kubernetes";

    public Cluster {
      if (!TCP_IP.equals(discovery) && !KUBERNETES.equals(discovery)) {
        throw new IllegalArgumentException("cluster.discovery: expected \"tcp-ip\" or \"kubernetes\", got \"" + discovery + "\"");
      }
      if (ownerLeaseMs <= 2 * heartbeatIntervalMs) {
        throw new IllegalArgumentException("cluster.ownerLeaseMs: expected more than two heartbeats ("
            + 2 * heartbeatIntervalMs + " ms), got " + ownerLeaseMs);
      }
    }
  }

  /**
   * Per partition: a group's and the queue's bounds (the bytes are the batches' request bodies), and
   * how many aggregates the command processor remembers the last touch of (ADR 0009).
   */
  public record CommandProcessor(int maxGroupEvents, long maxGroupBytes, int maxQueuedBatches, long maxQueuedBytes,
      long requestTimeoutMs, int heldAggregates) {}

  public record Records(long flushIntervalMs, int bundleSize) {}

  /**
   * Views' flushing, the log pages async actualizers read, the aggregate states they keep, and how
   * many members of flushed per-member values each view keeps cached per partition, and how a view
   * whose projector threw is retried.
   */
  public record Views(long flushIntervalMs, int bundleSize, int logPageSize, int stateCacheSize, long keptMembers, Retry retry) {}

  /** A failed view is tried again {@code attempts} times, waiting from {@code initialBackoffMs} doubling up to {@code maxBackoffMs}. */
  public record Retry(int attempts, long initialBackoffMs, long maxBackoffMs) {

    public Retry {
      if (attempts < 0) {
        throw new IllegalArgumentException("views.retry.attempts: must be 0 or more, got " + attempts);
      }
      if (initialBackoffMs < 1) {
        throw new IllegalArgumentException("views.retry.initialBackoffMs: must be 1 or more, got " + initialBackoffMs);
      }
      if (maxBackoffMs < initialBackoffMs) {
        throw new IllegalArgumentException("views.retry.maxBackoffMs: must be at least initialBackoffMs, got " + maxBackoffMs);
      }
    }
  }

  /** Consistent reads' waits; a read forwarded to the partition's owner gets {@code ownerMarginMs} more for the trip. */
  public record Reads(long defaultTimeoutMs, long maxTimeoutMs, long ownerMarginMs) {}

  /**
   * Request limits: events and bytes per append, events per log read, the request line's length (a
   * view key is read by its full text in the path), and how long a connection may send and receive
   * nothing before it is closed.
   */
  public record Limits(int maxEvents, int maxBodyBytes, int defaultStreamLimit, int maxStreamLimit, int maxRequestLineBytes,
      int idleTimeoutSeconds) {

    /** An idle timeout no longer than a consistent read's longest wait would cut such reads short. */
    void checkAgainst(Reads reads) {
      if (idleTimeoutSeconds * 1000L <= reads.maxTimeoutMs() + reads.ownerMarginMs()) {
        throw new IllegalArgumentException("limits.idleTimeoutSeconds: expected more than reads.maxTimeoutMs + "
            + "reads.ownerMarginMs (" + (reads.maxTimeoutMs() + reads.ownerMarginMs()) + " ms), got " + idleTimeoutSeconds + " s");
      }
    }
  }

  /**
   * {@code GET /v1/ws}: messages up to {@code maxFrameBytes} are read, larger ones up to
   * {@code transportMaxBytes} get an error frame, larger still close the socket (1009); a connection
   * holds at most {@code maxSubscriptionsPerConnection} awaits and watches, and a client that falls
   * {@code maxQueuedBytes} behind is disconnected; a closing socket that does not answer is dropped
   * after {@code closingTimeoutSeconds}. The server pings every {@code pingIntervalSeconds}, so a
   * quiet subscription is not taken for an idle connection.
   */
  public record WebSocket(int maxFrameBytes, int maxSubscriptionsPerConnection, int maxQueuedBytes, int transportMaxBytes,
      int closingTimeoutSeconds, int pingIntervalSeconds) {}

  /**
   * Apps deployed at runtime: every node reads the stored definitions' versions every
   * {@code pollIntervalMs} (besides hearing each change published), and the rows of a removed view
   * are dropped {@code retiredViewGraceMs} after its removal.
   */
  public record Deployment(long pollIntervalMs, long retiredViewGraceMs) {

    public Deployment {
      if (pollIntervalMs < 1 || retiredViewGraceMs < 0) {
        throw new IllegalArgumentException("deployment: expected pollIntervalMs >= 1 and retiredViewGraceMs >= 0, got "
            + pollIntervalMs + " and " + retiredViewGraceMs);
      }
    }
  }

  /**
   * Readiness by lag: the node is unready while an entity of a partition it owns stays more than
   * {@code maxViewLagEvents} events or {@code maxViewLagMs} behind the command processor for
   * {@code overForMs}, or while a partition's watermarks were not assessed for {@code maxSilenceMs};
   * they are assessed every {@code checkIntervalMs}.
   */
  public record Health(long maxViewLagEvents, long maxViewLagMs, long overForMs, long maxSilenceMs, long checkIntervalMs) {

    public Health {
      if (checkIntervalMs < 1 || maxSilenceMs <= checkIntervalMs) {
        throw new IllegalArgumentException("health.maxSilenceMs: expected more than checkIntervalMs (" + checkIntervalMs
            + " ms, itself at least 1), got " + maxSilenceMs);
      }
    }
  }

  /** Every partition of every app declared in the configuration file. */
  public List<PartitionId> partitions() {
    return apps.values().stream().flatMap(app -> app.partitionIds().stream()).toList();
  }

  public Optional<AppConfig> app(String name) {
    return Optional.ofNullable(apps.get(name));
  }

  /** Reads the JSON document; every key must be present (conf/config.json holds every default). */
  public static HighwaterConfig fromJson(JsonObject json, Path confDir) {
    return fromJson(json, confDir, FaultHook.NONE, Keys.NONE, false);
  }

  public static HighwaterConfig fromJson(JsonObject json, Path confDir, FaultHook faults, Keys keys, boolean inKubernetes) {
    JsonObject auth = json.getJsonObject("auth");
    JsonObject http = json.getJsonObject("http");
    JsonObject threads = json.getJsonObject("threads");
    JsonObject pg = json.getJsonObject("postgres");
    JsonObject cluster = json.getJsonObject("cluster");
    JsonObject cp = json.getJsonObject("commandProcessor");
    JsonObject records = json.getJsonObject("records");
    JsonObject views = json.getJsonObject("views");
    JsonObject reads = json.getJsonObject("reads");
    JsonObject limits = json.getJsonObject("limits");
    JsonObject webSocket = json.getJsonObject("webSocket");
    JsonObject deployment = json.getJsonObject("deployment");
    JsonObject health = json.getJsonObject("health");
    Map<String, AppConfig> apps = new LinkedHashMap<>();
    json.getJsonObject("apps").forEach(e -> apps.put(e.getKey(), AppConfig.fromJson(e.getKey(), (JsonObject) e.getValue())));
    HighwaterConfig config = new HighwaterConfig(
        new Http(http.getString("host"), http.getInteger("port"), present(http, "tlsCertFile"), present(http, "tlsKeyFile")),
        new Threads(threads.getInteger("eventLoops"), threads.getInteger("httpInstances")),
        Path.of(json.getString("dataDir")),
        new Postgres(
            Optional.ofNullable(pg.getString("url")).filter(s -> !s.isBlank()),
            pg.getInteger("poolSize"),
            pg.getInteger("embeddedPort")),
        new Cluster(
            cluster.getString("name"),
            cluster.getString("host"),
            cluster.getInteger("port"),
            cluster.getInteger("eventBusPort"),
            cluster.getJsonArray("members").stream().map(Object::toString).toList(),
            cluster.getString("hazelcastConfig"),
            cluster.getString("discovery"),
            cluster.getString("kubernetesService"),
            cluster.getLong("heartbeatIntervalMs"),
            cluster.getLong("ownerLeaseMs"),
            cluster.getLong("claimRetryMs"),
            cluster.getLong("routeRetryMs")),
        new CommandProcessor(cp.getInteger("maxGroupEvents"), cp.getLong("maxGroupBytes"), cp.getInteger("maxQueuedBatches"),
            cp.getLong("maxQueuedBytes"), cp.getLong("requestTimeoutMs"), cp.getInteger("heldAggregates")),
        new Records(records.getLong("flushIntervalMs"), records.getInteger("bundleSize")),
        new Views(views.getLong("flushIntervalMs"), views.getInteger("bundleSize"),
            views.getInteger("logPageSize"), views.getInteger("stateCacheSize"), views.getLong("keptMembers"),
            new Retry(views.getJsonObject("retry").getInteger("attempts"), views.getJsonObject("retry").getLong("initialBackoffMs"),
                views.getJsonObject("retry").getLong("maxBackoffMs"))),
        new Reads(reads.getLong("defaultTimeoutMs"), reads.getLong("maxTimeoutMs"), reads.getLong("ownerMarginMs")),
        new Limits(
            limits.getInteger("maxEvents"),
            limits.getInteger("maxBodyBytes"),
            limits.getInteger("defaultStreamLimit"),
            limits.getInteger("maxStreamLimit"),
            limits.getInteger("maxRequestLineBytes"),
            limits.getInteger("idleTimeoutSeconds")),
        new WebSocket(
            webSocket.getInteger("maxFrameBytes"),
            webSocket.getInteger("maxSubscriptionsPerConnection"),
            webSocket.getInteger("maxQueuedBytes"),
            webSocket.getInteger("transportMaxBytes"),
            webSocket.getInteger("closingTimeoutSeconds"),
            webSocket.getInteger("pingIntervalSeconds")),
        Path.of(json.getString("pluginsDir")),
        new Deployment(deployment.getLong("pollIntervalMs"), deployment.getLong("retiredViewGraceMs")),
        new Health(health.getLong("maxViewLagEvents"), health.getLong("maxViewLagMs"), health.getLong("overForMs"),
            health.getLong("maxSilenceMs"), health.getLong("checkIntervalMs")),
        Map.copyOf(apps),
        confDir,
        faults,
        keys,
        new Auth(auth.getString("mode"), present(auth, "hs256Secret"), present(auth, "publicKeyFile"), inKubernetes));
    config.limits().checkAgainst(config.reads());
    return config;
  }

  private static Optional<String> present(JsonObject json, String key) {
    return Optional.ofNullable(json.getString(key)).filter(s -> !s.isBlank());
  }
}
