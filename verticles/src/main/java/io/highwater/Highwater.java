package io.highwater;

import com.hazelcast.core.HazelcastInstance;
import io.highwater.auth.AuthKey;
import io.highwater.auth.AuthKeys;
import io.highwater.auth.DevToken;
import io.highwater.cluster.ClusterView;
import io.highwater.cluster.HazelcastSetup;
import io.highwater.cluster.LocalFirstCodec;
import io.highwater.cluster.OwnedPartitions;
import io.highwater.cluster.OwnershipVerticle;
import io.highwater.cluster.StartFailures;
import io.highwater.config.HighwaterConfig;
import io.highwater.coordinator.ConsistencyMap;
import io.highwater.cp.AppendRequest;
import io.highwater.cp.GroupProjected;
import io.highwater.cp.Outcome;
import io.highwater.cp.OutcomeJson;
import io.highwater.cp.RecordsApplied;
import io.highwater.cp.ViewApplied;
import io.highwater.http.HttpVerticle;
import io.highwater.http.Readiness;
import io.highwater.keys.KeyRing;
import io.highwater.keys.MasterKey;
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
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Highwater node: its Hazelcast member and clustered Vert.x, its database, the HTTP API, and
 * the verticles of every partition the node owns (its share of the cluster's partitions).
 */
public final class Highwater {

  private static final Logger LOG = LoggerFactory.getLogger(Highwater.class);

  private final Vertx vertx;
  private final Optional<EmbeddedPostgres> embedded;
  private final int httpPort;
  private final OwnershipVerticle ownership;

  private Highwater(Vertx vertx, Optional<EmbeddedPostgres> embedded, int httpPort, OwnershipVerticle ownership) {
    this.vertx = vertx;
    this.embedded = embedded;
    this.httpPort = httpPort;
    this.ownership = ownership;
  }

  /** Starts a node; the future completes once it serves HTTP and owns (and has recovered) its share of the partitions. */
  public static Future<Highwater> start(HighwaterConfig config) {
    HazelcastClusterManager clusterManager = new HazelcastClusterManager(HazelcastSetup.config(config));
    return Vertx.builder()
        .with(new VertxOptions()
            .setEventLoopPoolSize(config.threads().eventLoopCount(Runtime.getRuntime().availableProcessors()))
            .setEventBusOptions(new EventBusOptions()
            // Other nodes reach this one's event bus where its Hazelcast member is, on a port of its
            // own (0: any free one; pinned where a network policy names it).
            .setHost(config.cluster().host())
            .setClusterPublicHost(config.cluster().host())
            .setPort(config.cluster().eventBusPort())))
        .withClusterManager(clusterManager)
        .buildClustered()
        .compose(vertx -> {
          // Not bound to a context of the Vert.x being closed: its event loops are gone when it fails.
          Promise<Highwater> started = Promise.promise();
          startOn(vertx, clusterManager.getHazelcastInstance(), config).onComplete(ar -> {
            if (ar.succeeded()) {
              started.complete(ar.result());
            } else {
              vertx.close().onComplete(closed -> started.fail(ar.cause()));
            }
          });
          return started.future();
        });
  }

  private static Future<Highwater> startOn(Vertx vertx, HazelcastInstance hazelcast, HighwaterConfig config) {
    registerCodecs(vertx.eventBus());
    Future<MasterKey> master = vertx.executeBlocking(() -> MasterKey.load(config.keys(), config.dataDir()));
    Future<AuthKey> auth = master.compose(m -> vertx.executeBlocking(() -> authKey(vertx, config)));
    return auth.compose(m -> vertx.executeBlocking(() -> embeddedIfNeeded(config))).compose(embedded -> {
      String url = config.postgres().url().orElseGet(() -> embedded.orElseThrow().url());
      return Database.open(vertx, url, config.postgres().poolSize())
          .compose(db -> deploy(vertx, hazelcast, config, db, new KeyRing(vertx, db.pool(), master.result()), auth.result())
              .map(ownership -> {
                LOG.info("Highwater listening on {}://{}:{}, database {}{}, cluster '{}' member {}:{}",
                    config.http().tls() ? "https" : "http", config.http().host(), config.http().port(), db.describe(), embedded.isPresent() ? " (embedded)" : "",
                    config.cluster().name(), config.cluster().host(), config.cluster().port());
                return new Highwater(vertx, embedded, config.http().port(), ownership);
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

  private static Optional<EmbeddedPostgres> embeddedIfNeeded(HighwaterConfig config) {
    if (config.postgres().url().isPresent()) {
      return Optional.empty();
    }
    try {
      return Optional.of(EmbeddedPostgres.start(config.dataDir(), config.postgres().embeddedPort()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The HTTP API, then the ownership of partitions; completes once the node owns its share. */
  private static Future<OwnershipVerticle> deploy(Vertx vertx, HazelcastInstance hazelcast, HighwaterConfig config, Database db,
      KeyRing keyRing, AuthKey authKey) {
    Catalog catalog = new Catalog(db.pool());
    OwnedPartitions owned = new OwnedPartitions();
    ClusterView cluster = new ClusterView(hazelcast, catalog);
    StartFailures startFailures = new StartFailures();
    Readiness readiness = new Readiness(startFailures);
    ConsistencyMap consistency = new ConsistencyMap(vertx, hazelcast);
    int instances = config.threads().httpInstanceCount(Runtime.getRuntime().availableProcessors());
    OwnershipVerticle ownership = new OwnershipVerticle(hazelcast, catalog,
        new NodePartitions(vertx, config, db.pool(), keyRing, consistency, owned, authKey), owned, startFailures, config.partitions(), config.cluster(),
        HazelcastSetup.advertisedHttp(config));
    Future<Void> apps = Future.all(config.apps().values().stream().map(catalog::registerApp).toList()).mapEmpty();
    return apps
        .compose(v -> keyRing.followExpiries())
        .compose(v -> vertx.deployVerticle(() -> new HttpVerticle(config, db.pool(), hazelcast, cluster, readiness, keyRing, owned, authKey),
            new DeploymentOptions().setInstances(instances)))
        .compose(v -> vertx.deployVerticle(ownership))
        .compose(id -> ownership.settled())
        .onSuccess(v -> readiness.markRecovered())
        .map(ownership);
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
  }

  public int httpPort() {
    return httpPort;
  }

  /** The node's Vert.x, for whoever embeds it (tests send on its clustered event bus like another node would). */
  public Vertx vertx() {
    return vertx;
  }

  /**
   * Leaves gracefully: every owned partition drained, flushed and released (so its next owner need
   * not wait for this node's lease to end), then Vert.x with the cluster member, then the database.
   */
  public Future<Void> stop() {
    return ownership.leave().eventually(vertx::close).eventually(() -> {
      embedded.ifPresent(EmbeddedPostgres::close);
      return Future.succeededFuture();
    });
  }
}
