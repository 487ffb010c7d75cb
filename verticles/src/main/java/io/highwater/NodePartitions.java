package io.highwater;

import io.highwater.actualizer.CachedView;
import io.highwater.actualizer.RecordsActualizerVerticle;
import io.highwater.actualizer.SyncView;
import io.highwater.actualizer.ViewActualizerVerticle;
import io.highwater.actualizer.ViewDefinition;
import io.highwater.actualizer.ViewStart;
import io.highwater.apps.AppChange;
import io.highwater.apps.AppRegistry;
import io.highwater.auth.AuthKey;
import io.highwater.cluster.Deployments;
import io.highwater.partition.OwnedPartitions;
import io.highwater.partition.Ownership;
import io.highwater.partition.Ownerships;
import io.highwater.cluster.PartitionHost;
import io.highwater.partition.PartitionId;
import io.highwater.config.AppConfig;
import io.highwater.config.HighwaterConfig;
import io.highwater.config.ViewConfig;
import io.highwater.coordinator.ConsistencyMap;
import io.highwater.coordinator.CoordinatorClient;
import io.highwater.coordinator.CoordinatorVerticle;
import io.highwater.watermark.PartitionConsistency;
import io.highwater.cp.CommandProcessorVerticle;
import io.highwater.health.LagHealth;
import io.highwater.http.CacheReadVerticle;
import io.highwater.keys.KeyRing;
import io.highwater.plugin.ProjectorKinds;
import io.highwater.metrics.HighwaterMetrics;
import io.highwater.storage.EventLog;
import io.highwater.storage.RecordStore;
import io.highwater.storage.RecordsCache;
import io.highwater.storage.SkippedEvents;
import io.highwater.storage.ViewCache;
import io.highwater.storage.ViewStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The verticles of each partition this node owns, started in the order recovery needs. */
final class NodePartitions implements PartitionHost {

  private static final Logger LOG = LoggerFactory.getLogger(NodePartitions.class);

  /** One view running in a partition: its deployment, and the sync view the command processor projects, if it is one. */
  private record RunningView(ViewConfig config, String deploymentId, SyncView syncView) {}

  /** What runs of one partition: its views, and the list of sync views its command processor projects. */
  private record Running(Ownership ownership, CoordinatorClient coordinator, Map<String, RunningView> views, List<SyncView> syncViews) {}

  private final Vertx vertx;
  private final HighwaterConfig config;
  private final AppRegistry apps;
  private final Pool pool;
  private final KeyRing keyRing;
  private final ConsistencyMap consistency;
  private final OwnedPartitions owned;
  private final Deployments deployments;
  private final ProjectorKinds kinds;
  private final HighwaterMetrics metrics;
  private final LagHealth health;
  private final AuthKey authKey;
  private final Map<PartitionId, Running> running = new ConcurrentHashMap<>();
  /** Each partition's last start, refresh or stop: the next one waits for it. */
  private final Map<PartitionId, Future<Void>> busy = new ConcurrentHashMap<>();

  NodePartitions(Vertx vertx, HighwaterConfig config, AppRegistry apps, Pool pool, KeyRing keyRing, ConsistencyMap consistency,
      OwnedPartitions owned, ProjectorKinds kinds, HighwaterMetrics metrics, LagHealth health, AuthKey authKey) {
    this.authKey = authKey;
    this.metrics = metrics;
    this.health = health;
    this.vertx = vertx;
    this.config = config;
    this.apps = apps;
    this.pool = pool;
    this.keyRing = keyRing;
    this.consistency = consistency;
    this.owned = owned;
    this.deployments = new Deployments(vertx);
    this.kinds = kinds;
  }

  private Future<Void> serially(PartitionId partition, Supplier<Future<Void>> step) {
    Future<Void> next = busy.getOrDefault(partition, Future.succeededFuture()).transform(before -> step.get());
    busy.put(partition, next);
    return next;
  }

  /**
   * The coordinator that takes reports, the actualizers (sync views catch up from the log here), the
   * command processor, which recovers the records cache and only then takes appends, and the reader
   * of its caches. Nothing in this node's memory from an earlier ownership is trusted.
   */
  @Override
  public Future<Void> start(Ownership ownership) {
    return serially(ownership.partition(), () -> startNow(ownership));
  }

  private Future<Void> startNow(Ownership ownership) {
    PartitionId partition = ownership.partition();
    AppConfig app = apps.app(partition.app()).orElseThrow(() -> new IllegalStateException("no app '" + partition.app() + "' here"));
    List<ViewDefinition> views = ViewDefinition.of(app, kinds);
    forgetMemory(partition, app.views().keySet());
    CoordinatorClient coordinator = new CoordinatorClient(vertx.eventBus(), partition, ownership.epoch());
    RecordsCache cache = new RecordsCache(vertx, partition);
    // Every write of this run is made under this ownership's epoch, never a later one's.
    Ownerships fence = owned.pinnedTo(ownership);
    Running run = new Running(ownership, coordinator, new ConcurrentHashMap<>(), new CopyOnWriteArrayList<>());
    running.put(partition, run);
    Future<String> deployed = deployments.deploy(ownership, new CoordinatorVerticle(partition, ownership.epoch(), consistency,
            health.monitor(partition, app.entities()), health, metrics, config.health().checkIntervalMs()))
        .compose(id -> deployments.deploy(ownership, new RecordsActualizerVerticle(partition, cache, new RecordStore(pool, fence),
            coordinator, config.records(), config.faults(), metrics.flushes(partition.app(), PartitionConsistency.RECORDS))));
    for (ViewDefinition view : views) {
      SyncView sync = view.sync() ? syncView(ownership, view) : null;
      if (sync != null) {
        run.syncViews().add(sync);
      }
      deployed = deployed.compose(id -> deployments.deploy(ownership, actualizer(ownership, view, coordinator, sync, ViewStart.WITH_PARTITION))
          .onSuccess(viewId -> run.views().put(view.name(), new RunningView(view.config(), viewId, sync))));
    }
    return deployed
        .compose(id -> deployments.deploy(ownership, new CommandProcessorVerticle(partition, new EventLog(pool, fence),
            new RecordStore(pool, fence), cache, coordinator, run.syncViews(), config.commandProcessor(), config.faults(), keyRing,
            metrics.groupEvents(partition.app()), authKey)))
        .compose(id -> deployments.deploy(ownership, new CacheReadVerticle(ownership, config, apps, pool, owned, keyRing, authKey)))
        .<Void>mapEmpty()
        // The app may have changed while the partition started.
        .compose(v -> refreshNow(partition));
  }

  @Override
  public Future<Void> refresh(PartitionId partition) {
    return serially(partition, () -> refreshNow(partition));
  }

  private Future<Void> refreshNow(PartitionId partition) {
    Running run = running.get(partition);
    AppConfig app = apps.app(partition.app()).orElse(null);
    if (run == null || app == null) {
      return Future.succeededFuture();
    }
    AppChange change = AppChange.running(run.views().values().stream().map(RunningView::config).toList(), app.views().values());
    Future<Void> done = Future.succeededFuture();
    for (String removed : change.removed()) {
      done = done.compose(v -> removeView(partition, run, removed));
    }
    List<ViewDefinition> added = ViewDefinition.of(new AppConfig(app.name(), app.partitions(),
        change.added().stream().collect(Collectors.toMap(ViewConfig::name, v -> v))), kinds);
    for (ViewDefinition view : added) {
      done = done.compose(v -> addView(partition, run, view));
    }
    return done;
  }

  /** Built from its checkpoint (0: a new view) beside the live views, as a rebuild is; a sync one then joins the command processor. */
  private Future<Void> addView(PartitionId partition, Running run, ViewDefinition view) {
    LOG.info("View {} added to {}: building it beside the live views", view.name(), partition);
    new ViewCache(vertx, partition, view.name()).clear();
    SyncView sync = view.sync() ? syncView(run.ownership(), view) : null;
    ViewStart how = sync == null ? ViewStart.addedAsync() : ViewStart.addedSync(sync, run.syncViews());
    return deployments.deploy(run.ownership(), actualizer(run.ownership(), view, run.coordinator(), sync, how))
        .onSuccess(id -> run.views().put(view.name(), new RunningView(view.config(), id, sync)))
        .mapEmpty();
  }

  /** The command processor stops projecting it, its actualizer stops, and its cache is emptied. */
  private Future<Void> removeView(PartitionId partition, Running run, String name) {
    RunningView view = run.views().remove(name);
    LOG.info("View {} removed from {}: stopping it", name, partition);
    if (view.syncView() != null) {
      run.syncViews().remove(view.syncView());
    }
    return deployments.undeployOne(partition, view.deploymentId())
        .eventually(() -> {
          new ViewCache(vertx, partition, name).clear();
          return Future.succeededFuture();
        });
  }

  /** In the reverse order: the reader and the command processor first, the coordinator last. */
  @Override
  public Future<Void> stop(PartitionId partition) {
    return serially(partition, () -> {
      Running run = running.remove(partition);
      return deployments.undeploy(partition)
          .eventually(() -> {
            forgetMemory(partition, run == null ? List.of() : run.views().keySet());
            return Future.succeededFuture();
          });
    });
  }

  private SyncView syncView(Ownership ownership, ViewDefinition view) {
    PartitionId partition = ownership.partition();
    ViewCache viewCache = new ViewCache(vertx, partition, view.name());
    return new SyncView(view, new CachedView(partition, view.name(), viewCache, new ViewStore(pool, owned.pinnedTo(ownership))), keyRing);
  }

  private ViewActualizerVerticle actualizer(Ownership ownership, ViewDefinition view, CoordinatorClient coordinator, SyncView sync,
      ViewStart how) {
    PartitionId partition = ownership.partition();
    Ownerships fence = owned.pinnedTo(ownership);
    return new ViewActualizerVerticle(partition, view, new EventLog(pool, fence), new RecordStore(pool, fence), new ViewStore(pool, fence),
        new ViewCache(vertx, partition, view.name()), coordinator, config.views(), config.faults(),
        metrics.flushes(partition.app(), view.config().entity()), keyRing, sync,
        new SkippedEvents(pool, fence), how, authKey);
  }

  private void forgetMemory(PartitionId partition, Collection<String> views) {
    new RecordsCache(vertx, partition).clear();
    views.forEach(view -> new ViewCache(vertx, partition, view).clear());
    keyRing.evictAll(partition);
  }
}
