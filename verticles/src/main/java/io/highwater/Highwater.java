package io.highwater;

import com.hazelcast.core.HazelcastInstance;
import io.highwater.actualizer.CachedView;
import io.highwater.actualizer.RecordsActualizerVerticle;
import io.highwater.actualizer.SyncView;
import io.highwater.actualizer.ViewActualizerVerticle;
import io.highwater.actualizer.ViewDefinition;
import io.highwater.cluster.ClusterView;
import io.highwater.cluster.Deployments;
import io.highwater.cluster.HazelcastSetup;
import io.highwater.cluster.LocalFirstCodec;
import io.highwater.cluster.Ownership;
import io.highwater.cluster.PartitionId;
import io.highwater.config.AppConfig;
import io.highwater.config.HighwaterConfig;
import io.highwater.coordinator.ConsistencyMap;
import io.highwater.coordinator.CoordinatorClient;
import io.highwater.coordinator.CoordinatorVerticle;
import io.highwater.cp.AppendRequest;
import io.highwater.cp.CommandProcessorVerticle;
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
import io.highwater.storage.EventLog;
import io.highwater.storage.RecordStore;
import io.highwater.storage.RecordsCache;
import io.highwater.storage.ViewCache;
import io.highwater.storage.ViewStore;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Highwater node: its Hazelcast member and clustered Vert.x, its database, and the verticles of
 * every partition it owns (coordinator, records actualizer, command processor) behind the HTTP API.
 */
public final class Highwater {

  private static final Logger LOG = LoggerFactory.getLogger(Highwater.class);

  private final Vertx vertx;
  private final Optional<EmbeddedPostgres> embedded;
  private final int httpPort;
  private final Deployments deployments;

  private Highwater(Vertx vertx, Optional<EmbeddedPostgres> embedded, int httpPort, Deployments deployments) {
    this.vertx = vertx;
    this.embedded = embedded;
    this.httpPort = httpPort;
    this.deployments = deployments;
  }

  /** Starts a node; the future completes once it serves HTTP and has recovered its partitions. */
  public static Future<Highwater> start(HighwaterConfig config) {
    HazelcastClusterManager clusterManager = new HazelcastClusterManager(HazelcastSetup.config(config));
    return Vertx.builder()
        .with(new VertxOptions())
        .withClusterManager(clusterManager)
        .buildClustered()
        .compose(vertx -> startOn(vertx, clusterManager.getHazelcastInstance(), config)
            .recover(failure -> vertx.close().compose(v -> Future.failedFuture(failure))));
  }

  private static Future<Highwater> startOn(Vertx vertx, HazelcastInstance hazelcast, HighwaterConfig config) {
    registerCodecs(vertx.eventBus());
    Future<MasterKey> master = vertx.executeBlocking(() -> MasterKey.load(config.keys(), config.dataDir()));
    return master.compose(m -> vertx.executeBlocking(() -> embeddedIfNeeded(config))).compose(embedded -> {
      String url = config.postgres().url().orElseGet(() -> embedded.orElseThrow().url());
      return Database.open(vertx, url, config.postgres().poolSize())
          .compose(db -> {
            KeyRing keyRing = new KeyRing(vertx, db.pool(), master.result());
            Deployments deployments = new Deployments(vertx);
            return deploy(vertx, hazelcast, config, db, keyRing, deployments)
              .map(port -> {
                LOG.info("Highwater listening on http://{}:{}, database {}{}, cluster '{}' member {}:{}",
                    config.http().host(), port, db.describe(), embedded.isPresent() ? " (embedded)" : "",
                    config.cluster().name(), config.cluster().host(), config.cluster().port());
                return new Highwater(vertx, embedded, port, deployments);
              });
          });
    });
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

  private static Future<Integer> deploy(Vertx vertx, HazelcastInstance hazelcast, HighwaterConfig config, Database db,
      KeyRing keyRing, Deployments deployments) {
    Catalog catalog = new Catalog(db.pool());
    ClusterView cluster = new ClusterView(hazelcast);
    Readiness readiness = new Readiness();
    ConsistencyMap consistency = new ConsistencyMap(vertx, hazelcast);
    int instances = Math.max(1, Runtime.getRuntime().availableProcessors());
    Future<Void> apps = Future.all(config.apps().values().stream().map(catalog::registerApp).toList()).mapEmpty();
    return apps
        .compose(v -> vertx.deployVerticle(() -> new HttpVerticle(config, db.pool(), hazelcast, cluster, readiness, keyRing),
            new DeploymentOptions().setInstances(instances)))
        .compose(v -> {
          List<Future<?>> partitions = new ArrayList<>();
          for (AppConfig app : config.apps().values()) {
            List<ViewDefinition> views = ViewDefinition.of(app);
            for (PartitionId partition : app.partitionIds()) {
              partitions.add(catalog.claim(partition, cluster.localMemberId())
                  .compose(epoch -> {
                    cluster.owned(new Ownership(partition, cluster.localMemberId(), epoch));
                    return deployPartition(vertx, config, db, keyRing, consistency, partition, views, deployments);
                  }));
            }
          }
          return Future.all(partitions);
        })
        .map(v -> {
          readiness.markRecovered();
          return config.http().port();
        });
  }

  /**
   * A partition's verticles, in the order recovery needs: the coordinator that takes reports, the
   * actualizers (sync views catch up from the log here), then the command processor, which recovers
   * the records cache and only then takes appends.
   */
  private static Future<String> deployPartition(Vertx vertx, HighwaterConfig config, Database db, KeyRing keyRing,
      ConsistencyMap consistency,
      PartitionId partition, List<ViewDefinition> views, Deployments deployments) {
    CoordinatorClient coordinator = new CoordinatorClient(vertx.eventBus(), consistency, partition);
    EventLog log = new EventLog(db.pool());
    RecordStore records = new RecordStore(db.pool());
    ViewStore viewStore = new ViewStore(db.pool());
    RecordsCache cache = new RecordsCache(vertx, partition);
    List<SyncView> syncViews = new ArrayList<>();
    Future<String> deployed = deployments.deploy(partition, new CoordinatorVerticle(partition, consistency))
        .compose(id -> deployments.deploy(partition, new RecordsActualizerVerticle(partition, cache, records, coordinator, config.records(), config.faults())));
    for (ViewDefinition view : views) {
      ViewCache viewCache = new ViewCache(vertx, partition, view.name());
      if (view.sync()) {
        syncViews.add(new SyncView(view, new CachedView(partition, view.name(), viewCache, viewStore), keyRing));
      }
      deployed = deployed.compose(id -> deployments.deploy(partition,
          new ViewActualizerVerticle(partition, view, log, records, viewStore, viewCache, coordinator, config.views(), config.faults(), keyRing)));
    }
    return deployed.compose(id -> deployments.deploy(partition,
        new CommandProcessorVerticle(partition, log, records, cache, coordinator, syncViews, config.commandProcessor(), config.faults(), keyRing)));
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
  }

  public int httpPort() {
    return httpPort;
  }

  /**
   * Stops gracefully: each partition's verticles in reverse order (the actualizers flush while the
   * coordinator still takes their reports), then Vert.x with the cluster member, then the database.
   */
  public Future<Void> stop() {
    return deployments.undeployAll().eventually(vertx::close).eventually(() -> {
      embedded.ifPresent(EmbeddedPostgres::close);
      return Future.succeededFuture();
    });
  }
}
