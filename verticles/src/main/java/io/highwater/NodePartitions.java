package io.highwater;

import io.highwater.actualizer.CachedView;
import io.highwater.actualizer.RecordsActualizerVerticle;
import io.highwater.actualizer.SyncView;
import io.highwater.actualizer.ViewActualizerVerticle;
import io.highwater.actualizer.ViewDefinition;
import io.highwater.auth.AuthKey;
import io.highwater.cluster.Deployments;
import io.highwater.cluster.OwnedPartitions;
import io.highwater.cluster.Ownership;
import io.highwater.cluster.PartitionHost;
import io.highwater.cluster.PartitionId;
import io.highwater.config.AppConfig;
import io.highwater.config.HighwaterConfig;
import io.highwater.coordinator.ConsistencyMap;
import io.highwater.coordinator.CoordinatorClient;
import io.highwater.coordinator.CoordinatorVerticle;
import io.highwater.cp.CommandProcessorVerticle;
import io.highwater.http.CacheReadVerticle;
import io.highwater.keys.KeyRing;
import io.highwater.storage.EventLog;
import io.highwater.storage.RecordStore;
import io.highwater.storage.RecordsCache;
import io.highwater.storage.ViewCache;
import io.highwater.storage.ViewStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.util.ArrayList;
import java.util.List;

/** The verticles of each partition this node owns, started in the order recovery needs. */
final class NodePartitions implements PartitionHost {

  private final Vertx vertx;
  private final HighwaterConfig config;
  private final Pool pool;
  private final KeyRing keyRing;
  private final ConsistencyMap consistency;
  private final OwnedPartitions owned;
  private final Deployments deployments;
  private final AuthKey authKey;

  NodePartitions(Vertx vertx, HighwaterConfig config, Pool pool, KeyRing keyRing, ConsistencyMap consistency, OwnedPartitions owned,
      AuthKey authKey) {
    this.authKey = authKey;
    this.vertx = vertx;
    this.config = config;
    this.pool = pool;
    this.keyRing = keyRing;
    this.consistency = consistency;
    this.owned = owned;
    this.deployments = new Deployments(vertx);
  }

  /**
   * The coordinator that takes reports, the actualizers (sync views catch up from the log here), the
   * command processor, which recovers the records cache and only then takes appends, and the reader
   * of its caches. Nothing in this node's memory from an earlier ownership is trusted.
   */
  @Override
  public Future<Void> start(Ownership ownership) {
    PartitionId partition = ownership.partition();
    AppConfig app = config.apps().get(partition.app());
    List<ViewDefinition> views = ViewDefinition.of(app);
    forgetMemory(partition, views);
    CoordinatorClient coordinator = new CoordinatorClient(vertx.eventBus(), consistency, partition, ownership.epoch());
    EventLog log = new EventLog(pool, owned);
    RecordStore records = new RecordStore(pool, owned);
    ViewStore viewStore = new ViewStore(pool, owned);
    RecordsCache cache = new RecordsCache(vertx, partition);
    List<SyncView> syncViews = new ArrayList<>();
    Future<String> deployed = deployments.deploy(partition, new CoordinatorVerticle(partition, consistency))
        .compose(id -> deployments.deploy(partition,
            new RecordsActualizerVerticle(partition, cache, records, coordinator, config.records(), config.faults())));
    for (ViewDefinition view : views) {
      ViewCache viewCache = new ViewCache(vertx, partition, view.name());
      if (view.sync()) {
        syncViews.add(new SyncView(view, new CachedView(partition, view.name(), viewCache, viewStore), keyRing));
      }
      deployed = deployed.compose(id -> deployments.deploy(partition,
          new ViewActualizerVerticle(partition, view, log, records, viewStore, viewCache, coordinator, config.views(), config.faults(), keyRing, authKey)));
    }
    return deployed
        .compose(id -> deployments.deploy(partition, new CommandProcessorVerticle(partition, log, records, cache, coordinator, syncViews,
            config.commandProcessor(), config.faults(), keyRing, authKey)))
        .compose(id -> deployments.deploy(partition, new CacheReadVerticle(ownership, config, pool, owned, consistency, keyRing, authKey)))
        .mapEmpty();
  }

  /** In the reverse order: the reader and the command processor first, the coordinator last. */
  @Override
  public Future<Void> stop(PartitionId partition) {
    return deployments.undeploy(partition)
        .eventually(() -> {
          forgetMemory(partition, ViewDefinition.of(config.apps().get(partition.app())));
          return Future.succeededFuture();
        });
  }

  private void forgetMemory(PartitionId partition, List<ViewDefinition> views) {
    new RecordsCache(vertx, partition).clear();
    views.forEach(view -> new ViewCache(vertx, partition, view.name()).clear());
    keyRing.evictAll(partition);
  }
}
