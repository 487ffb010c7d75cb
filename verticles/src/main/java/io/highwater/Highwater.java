package io.highwater;

import com.hazelcast.core.HazelcastInstance;
import io.highwater.apps.AppDeployer;
import io.highwater.apps.AppRegistry;
import io.highwater.apps.AppsVerticle;
import io.highwater.auth.AuthKey;
import io.highwater.auth.AuthKeys;
import io.highwater.auth.DevToken;
import io.highwater.cluster.ClusterView;
import io.highwater.cluster.GuardedClusterManager;
import io.highwater.cluster.HazelcastSetup;
import io.highwater.cluster.LocalFirstCodec;
import io.highwater.partition.OwnedPartitions;
import io.highwater.cluster.OwnershipVerticle;
import io.highwater.cluster.RegistryGuardVerticle;
import io.highwater.cluster.StartFailures;
import io.highwater.actualizer.ViewDefinition;
import io.highwater.config.HighwaterConfig;
import io.highwater.coordinator.ConsistencyMap;
import io.highwater.cp.AppendRequest;
import io.highwater.partition.GroupProjected;
import io.highwater.partition.Hold;
import io.highwater.cp.Outcome;
import io.highwater.cp.OutcomeJson;
import io.highwater.partition.RecordsApplied;
import io.highwater.partition.ViewApplied;
import io.highwater.health.LagHealth;
import io.highwater.health.LagRule;
import io.highwater.http.HttpVerticle;
import io.highwater.http.Readiness;
import io.highwater.keys.KeyCheck;
import io.highwater.keys.KeyRing;
import io.highwater.keys.MasterKey;
import io.highwater.plugin.PluginJars;
import io.highwater.plugin.ProjectorKinds;
import io.highwater.storage.AppDefinitions;
import io.highwater.metrics.HighwaterMetrics;
import io.highwater.storage.Catalog;
import io.highwater.storage.Database;
import io.highwater.storage.EmbeddedPostgres;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Highwater node: its Hazelcast member and clustered Vert.x, its database, the HTTP API, and
 * the verticles of every partition the node owns (its share of the cluster's partitions).
 */
public final class Highwater {

  private static final Logger LOG = LoggerFactory.getLogger(Highwater.class);
  /** How often a node checks that the cluster's event-bus registry still holds its consumers (a look at every entry). */
  private static final long REGISTRY_CHECK_MS = 2_000;
  /** How long a difference from the registry must last to be put right (one being made lasts milliseconds). */
  private static final long REGISTRY_SETTLE_MS = 300;

  private final Vertx vertx;
  private final Optional<EmbeddedPostgres> embedded;
  private final int httpPort;
  private final OwnershipVerticle ownership;
  private final String httpDeployment;
  private final HighwaterMetrics metrics;
  private Future<Void> stopped;

  private Highwater(Vertx vertx, Optional<EmbeddedPostgres> embedded, int httpPort, Deployed deployed, HighwaterMetrics metrics) {
    this.vertx = vertx;
    this.embedded = embedded;
    this.httpPort = httpPort;
    this.ownership = deployed.ownership();
    this.httpDeployment = deployed.http();
    this.metrics = metrics;
  }

  /** The HTTP verticles' deployment and the ownership verticle, which a stop takes down in that order. */
  private record Deployed(String http, OwnershipVerticle ownership) {}

  /** Starts a node; the future completes once it serves HTTP and owns (and has recovered) its share of the partitions. */
  public static Future<Highwater> start(HighwaterConfig config) {
    GuardedClusterManager clusterManager = new GuardedClusterManager(HazelcastSetup.config(config), REGISTRY_SETTLE_MS);
    HighwaterMetrics metrics = new HighwaterMetrics();
    return Vertx.builder()
        .with(new VertxOptions()
            // Vert.x keeps its registries by name: a name of this node's own, for nodes sharing a JVM (tests).
            .setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true).setRegistryName("highwater-" + UUID.randomUUID())
                .addLabels(Label.HTTP_ROUTE))
            .setEventLoopPoolSize(config.threads().eventLoopCount(Runtime.getRuntime().availableProcessors()))
            .setEventBusOptions(new EventBusOptions()
            // Other nodes reach this one's event bus where its Hazelcast member is, on a port of its
            // own (0: any free one; pinned where a network policy names it).
            .setHost(config.cluster().host())
            .setClusterPublicHost(config.cluster().host())
            .setPort(config.cluster().eventBusPort())))
        .withClusterManager(clusterManager)
        .withMetrics(new MicrometerMetricsFactory(metrics.registry()))
        .buildClustered()
        .onFailure(e -> metrics.close())
        .compose(vertx -> {
          // Not bound to a context of the Vert.x being closed: its event loops are gone when it fails.
          Promise<Highwater> started = Promise.promise();
          // Set once the embedded database runs, so that a failed start stops it too (nothing else would).
          Promise<Optional<EmbeddedPostgres>> database = Promise.promise();
          startOn(vertx, clusterManager, config, database, metrics).onComplete(ar -> {
            if (ar.succeeded()) {
              started.complete(ar.result());
            } else {
              database.tryComplete(Optional.empty());
              vertx.close().onComplete(closed -> {
                metrics.close();
                database.future().result().ifPresent(EmbeddedPostgres::close);
                started.fail(ar.cause());
              });
            }
          });
          return started.future();
        });
  }

  private static Future<Highwater> startOn(Vertx vertx, GuardedClusterManager clusterManager, HighwaterConfig config,
      Promise<Optional<EmbeddedPostgres>> database, HighwaterMetrics metrics) {
    HazelcastInstance hazelcast = clusterManager.getHazelcastInstance();
    registerCodecs(vertx.eventBus());
    Future<ProjectorKinds> kinds = vertx.executeBlocking(() -> projectorKinds(config));
    Future<MasterKey> master = kinds.compose(k -> vertx.executeBlocking(() -> MasterKey.load(config.keys(), config.dataDir())));
    Future<AuthKey> auth = master.compose(m -> vertx.executeBlocking(() -> authKey(vertx, config)));
    return auth.compose(a -> vertx.executeBlocking(() -> embeddedIfNeeded(config))).compose(embedded -> {
      database.complete(embedded);
      String url = config.postgres().url().orElseGet(() -> embedded.orElseThrow().url());
      return Database.open(vertx, url, config.postgres().poolSize())
          .compose(db -> KeyCheck.verify(db.pool(), master.result()).map(db))
          .compose(db -> deploy(vertx, clusterManager, config, db, new KeyRing(vertx, db.pool(), master.result()), kinds.result(), metrics,
                  auth.result())
              .map(deployed -> {
                LOG.info("Highwater listening on {}://{}:{}, database {}{}, cluster '{}' member {}:{}",
                    config.http().tls() ? "https" : "http", config.http().host(), config.http().port(), db.describe(),
                    embedded.isPresent() ? " (embedded)" : "",
                    config.cluster().name(), config.cluster().host(), config.cluster().port());
                return new Highwater(vertx, embedded, config.http().port(), deployed, metrics);
              }));
    });
  }

  /** The key tokens are checked with; a generated one comes with a development token, {@code none} with a warning. */
  private static AuthKey authKey(Vertx vertx, HighwaterConfig config) {
    AuthKey key = AuthKeys.load(config.auth(), config.dataDir());
    if (key instanceof AuthKey.None) {
      LOG.warn("HIGHWATER_AUTH=none: no call is authenticated; anyone who reaches port {} may read, write and administer every app",
          config.http().port());
    } else if (key instanceof AuthKey.Hs256 hs && hs.generated()) {
      String host = "0.0.0.0".equals(config.http().host()) ? "localhost" : config.http().host();
      DevToken.write(vertx, hs, config.dataDir(), (config.http().tls() ? "https" : "http") + "://" + host + ":" + config.http().port());
    }
    return key;
  }

  /**
   * The projector kinds of the server and of the plug-ins' jars, checked against every configured
   * view before anything else starts, so that a missing or broken plug-in stops the start at once.
   */
  private static ProjectorKinds projectorKinds(HighwaterConfig config) {
    List<Path> jars = PluginJars.in(config.pluginsDir());
    ProjectorKinds kinds = ProjectorKinds.load(PluginJars.loader(jars, Highwater.class.getClassLoader()));
    if (!jars.isEmpty()) {
      LOG.info("Plug-ins from {}: {}; projector kinds {}", config.pluginsDir().toAbsolutePath(),
          jars.stream().map(j -> j.getFileName().toString()).toList(), kinds.kinds());
    }
    config.apps().values().forEach(app -> ViewDefinition.of(app, kinds));
    return kinds;
  }

  private static Optional<EmbeddedPostgres> embeddedIfNeeded(HighwaterConfig config) {
    if (config.postgres().url().isPresent()) {
      return Optional.empty();
    }
    try {
      // Stopped by stop() after the node has left, not by a shutdown hook of its own racing the node's.
      return Optional.of(EmbeddedPostgres.start(config.dataDir(), config.postgres().embeddedPort(), false));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The HTTP API, then the ownership of partitions; completes once the node owns its share. */
  private static Future<Deployed> deploy(Vertx vertx, GuardedClusterManager clusterManager, HighwaterConfig config, Database db,
      KeyRing keyRing, ProjectorKinds kinds, HighwaterMetrics metrics, AuthKey authKey) {
    HazelcastInstance hazelcast = clusterManager.getHazelcastInstance();
    Catalog catalog = new Catalog(db.pool());
    OwnedPartitions owned = new OwnedPartitions();
    ClusterView cluster = new ClusterView(hazelcast, catalog);
    StartFailures startFailures = new StartFailures();
    HighwaterConfig.Health health = config.health();
    LagHealth lagHealth = new LagHealth(
        new LagRule.Bounds(health.maxViewLagEvents(), health.maxViewLagMs(), health.overForMs(), health.maxSilenceMs()),
        System::currentTimeMillis);
    Readiness readiness = new Readiness(startFailures, lagHealth);
    ConsistencyMap consistency = new ConsistencyMap(vertx, hazelcast);
    int instances = config.threads().httpInstanceCount(Runtime.getRuntime().availableProcessors());
    AppRegistry registry = new AppRegistry();
    AppDefinitions definitions = new AppDefinitions(db.pool());
    AppDeployer deployer = new AppDeployer(vertx, definitions, registry, kinds);
    OwnershipVerticle ownership = new OwnershipVerticle(hazelcast, catalog,
        new NodePartitions(vertx, config, registry, db.pool(), keyRing, consistency, owned, kinds, metrics, lagHealth, authKey), owned,
        startFailures, registry::partitions, config.cluster(), HazelcastSetup.advertisedHttp(config));
    // The apps of conf/config.json as version 1 where none is stored, then every stored one.
    Future<Void> apps = Future.all(config.apps().values().stream().map(deployer::seed).toList()).compose(v -> deployer.refresh());
    return apps
        .compose(v -> vertx.deployVerticle(new RegistryGuardVerticle(clusterManager, REGISTRY_CHECK_MS)))
        .compose(v -> keyRing.followExpiries())
        .compose(v -> vertx.deployVerticle(new AppsVerticle(deployer, definitions, config.deployment())))
        .compose(v -> vertx.deployVerticle(() -> new HttpVerticle(config, db.pool(), hazelcast, cluster, readiness, keyRing, owned, deployer,
                metrics, authKey),
            new DeploymentOptions().setInstances(instances)))
        .compose(http -> vertx.deployVerticle(ownership)
            .compose(id -> ownership.settled())
            .onSuccess(v -> readiness.markRecovered())
            .map(v -> new Deployed(http, ownership)));
  }

  private static void registerCodecs(EventBus eventBus) {
    eventBus.registerDefaultCodec(AppendRequest.class,
        new LocalFirstCodec<>("highwater.append", AppendRequest::toJson, AppendRequest::fromJson));
    eventBus.codecSelector(body -> body instanceof Outcome ? "highwater.outcome" : null);
    eventBus.registerCodec(new LocalFirstCodec<Outcome>("highwater.outcome", OutcomeJson::encode, OutcomeJson::decode));
    eventBus.registerDefaultCodec(ViewApplied.class,
        new LocalFirstCodec<>("highwater.view.applied", ViewApplied::toJson, ViewApplied::fromJson));
    eventBus.registerDefaultCodec(RecordsApplied.class,
        new LocalFirstCodec<>("highwater.records.applied", RecordsApplied::toJson, RecordsApplied::fromJson));
    eventBus.registerDefaultCodec(GroupProjected.class, LocalFirstCodec.localOnly("highwater.group.projected"));
    eventBus.registerDefaultCodec(Hold.class, LocalFirstCodec.localOnly("highwater.cp.hold"));
    eventBus.registerDefaultCodec(Hold.State.class, LocalFirstCodec.localOnly("highwater.cp.hold.state"));
  }

  public int httpPort() {
    return httpPort;
  }

  /** The node's Vert.x, for whoever embeds it (tests send on its clustered event bus like another node would). */
  public Vertx vertx() {
    return vertx;
  }

  /**
   * The one way a node stops, in this order: it stops taking requests (and answers those it took);
   * drains, flushes and hands over every partition it owns (so its next owner need not wait for this
   * node's lease to end); leaves the cluster; and stops the embedded database last, which every step
   * before needs. Stopping a stopped node answers the first stop's outcome.
   */
  public synchronized Future<Void> stop() {
    if (stopped == null) {
      stopped = stopNow();
    }
    return stopped;
  }

  private Future<Void> stopNow() {
    // A future of no context: the steps after vertx.close() must not wait for its closed event loops.
    Promise<Void> served = Promise.promise();
    vertx.undeploy(httpDeployment).onComplete(ar -> served.complete());
    return served.future()
        .eventually(ownership::leave)
        .eventually(vertx::close)
        .eventually(() -> {
          metrics.close();
          embedded.ifPresent(EmbeddedPostgres::close);
          return Future.succeededFuture();
        });
  }
}
