package io.highwater.actualizer;

import io.highwater.auth.AuthFailure;
import io.highwater.auth.AuthKey;
import io.highwater.auth.Role;
import io.highwater.auth.Scope;
import io.highwater.auth.TokenVerifier;
import io.highwater.cluster.Addresses;
import io.highwater.cluster.PartitionId;
import io.highwater.config.FaultHook;
import io.highwater.config.HighwaterConfig;
import io.highwater.coordinator.Advance;
import io.highwater.coordinator.ConsistencyCoordinator;
import io.highwater.cp.GroupProjected;
import io.highwater.cp.ViewApplied;
import io.highwater.keys.KeyRing;
import io.highwater.storage.EventLog;
import io.highwater.storage.RecordStore;
import io.highwater.storage.ViewCache;
import io.highwater.storage.ViewStore;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The actualizer of one view in one app partition. It follows the log from the view's durable
 * checkpoint, projecting each event into the view's cache (then reporting the cache watermark), and
 * flushes the cache to PostgreSQL in bundles (then reporting the storage watermark). A sync view's
 * actualizer only catches up at start; afterwards the command processor projects into the cache
 * and this verticle flushes. On request it rebuilds the view from offset 0 beside the live copy,
 * which keeps serving, and swaps the copy in once it has caught up.
 */
public final class ViewActualizerVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(ViewActualizerVerticle.class);
  private static final String COPY_SUFFIX = "~rebuild";
  private static final long STOP_WAIT_MS = 5_000;

  private final PartitionId partition;
  private final ViewDefinition view;
  private final EventLog log;
  private final RecordStore checkpoints;
  private final ViewStore store;
  private final ViewCache cache;
  private final ConsistencyCoordinator coordinator;
  private final HighwaterConfig.Views config;
  private final FaultHook faults;
  private final KeyRing keyRing;
  private final AuthKey authKey;
  private TokenVerifier verifier;
  private ViewTrack live;
  private ViewTrack copy;
  /** Completes when the live track is idle; a new one for each catch-up. */
  private Promise<Void> idle = promiseDone();
  private boolean failed;
  /** Set by {@link #stop()}: no new page is projected. */
  private boolean stopping;
  private boolean swapping;
  /** Async: the groups the command processor applied that the live track has not projected yet. */
  private LiveTail tail;
  /** The processor's offset as last heard; the log is read only while the live track is behind it. */
  private long cpHeard = Long.MAX_VALUE;
  /** Something arrived while a catch-up was running: run again when it ends. */
  private boolean woken;

  public ViewActualizerVerticle(PartitionId partition, ViewDefinition view, EventLog log, RecordStore checkpoints,
      ViewStore store, ViewCache cache, ConsistencyCoordinator coordinator, HighwaterConfig.Views config, FaultHook faults, KeyRing keyRing,
      AuthKey authKey) {
    this.authKey = authKey;
    this.partition = partition;
    this.view = view;
    this.log = log;
    this.checkpoints = checkpoints;
    this.store = store;
    this.cache = cache;
    this.coordinator = coordinator;
    this.config = config;
    this.faults = faults;
    this.keyRing = keyRing;
  }

  private String entity() {
    return view.config().entity();
  }

  private String copyName() {
    return view.name() + COPY_SUFFIX;
  }

  @Override
  public Future<?> start() {
    verifier = TokenVerifier.create(vertx, authKey);
    live = liveTrack(new AggregateStates(config.stateCacheSize(), keyRing));
    tail = new LiveTail(config.logPageSize());
    // A copy left by a rebuild that did not finish is started over on request, not resumed.
    return store.discard(partition, copyName())
        .compose(v -> checkpoints.checkpoint(partition, entity()))
        .compose(checkpoint -> {
          live.start(checkpoint);
          // Storage as far as the checkpoint, and no failure of an earlier run any more.
          return coordinator.commit(new Advance(0, Map.of(), Map.of(entity(), checkpoint), Map.of(entity(), "")));
        })
        .compose(v -> view.sync() ? catchUpBeforeTheCommandProcessor() : catchUp())
        .compose(v -> view.sync() ? takeFromCommandProcessor() : followLog())
        .compose(v -> vertx.eventBus().consumer(Addresses.viewRebuild(partition, view.name()), this::onRebuild).completion())
        .onSuccess(v -> LOG.info("View {} of {} at offset {} ({})", view.name(), partition, live.position(),
            view.sync() ? "sync" : "async"));
  }

  /**
   * Takes no new page, lets the one being projected finish (its values reach the cache before the
   * last flush), then flushes and stops. A page that does not finish in {@link #STOP_WAIT_MS} (its
   * read hangs on a PostgreSQL gone away) is not waited for: the next owner reads it again.
   */
  @Override
  public Future<?> stop() {
    stopping = true;
    return idle.future().timeout(STOP_WAIT_MS, TimeUnit.MILLISECONDS)
        .eventually(() -> copy == null ? live.stop() : copy.pause().compose(v -> live.stop()));
  }

  private ViewTrack liveTrack(AggregateStates states) {
    return new ViewTrack(vertx, partition, view, view.name(), log, store, cache, states, config, faults, keyRing,
        upTo -> coordinator.commitStorageConsistency(entity(), upTo));
  }

  /** Sync: the command processor projects; this verticle flushes what it reports. */
  private Future<Void> takeFromCommandProcessor() {
    return vertx.eventBus().<ViewApplied>localConsumer(Addresses.viewApplied(partition, view.name()),
        m -> live.changed(m.body().changed(), m.body().offset())).completion();
  }

  /**
   * Async: takes each group the command processor applied on this node as it comes, and is woken by
   * every move of the processor's offset (a group it missed is read from the log); never polling.
   */
  private Future<Void> followLog() {
    Future<Void> groups = vertx.eventBus().<GroupProjected>localConsumer(Addresses.groupProjected(partition), m -> {
      if (!failed) {
        tail.add(m.body());
        heard(m.body().last());
      }
    }).completion();
    Future<Void> watermarks = vertx.eventBus().<JsonObject>consumer(Addresses.watermarks(partition),
        m -> heard(m.body().getLong("cpOffset"))).completion();
    return Future.all(groups, watermarks).compose(v -> catchUp());
  }

  private void heard(long cpOffset) {
    cpHeard = cpHeard == Long.MAX_VALUE ? cpOffset : Math.max(cpHeard, cpOffset);
    if (!swapping && cpOffset > live.position()) {
      catchUp();
    }
  }

  /**
   * A sync view's catch-up as it starts: the command processor projects into it from the log's end
   * on, so an event this misses would be missed for good. A failure to read the log fails the start
   * (the partition is started again); a failing projector stops the view, visibly, as always.
   */
  private Future<Void> catchUpBeforeTheCommandProcessor() {
    idle = Promise.promise();
    return pages()
        .recover(e -> e instanceof ProjectorFailure failure ? stopAt(failure) : Future.failedFuture(e))
        .onComplete(done -> idle.complete());
  }

  private Future<Void> stopAt(ProjectorFailure failure) {
    failed = true;
    LOG.error("View {} of {} stopped at offset {}: its projector failed; it will not skip the event", view.name(),
        partition, failure.offset(), failure.getCause());
    return coordinator.commit(Advance.status(entity(), failure.status())).mapEmpty();
  }

  /** Projects every event after the live position, page by page, until the end of the log. */
  private Future<Void> catchUp() {
    if (failed || swapping || stopping) {
      return idle.future();
    }
    if (!idle.future().isComplete()) {
      woken = true;
      return idle.future();
    }
    idle = Promise.promise();
    return pages()
        .recover(e -> {
          if (e instanceof ProjectorFailure failure) {
            return stopAt(failure);
          }
          LOG.warn("View {} of {} could not read the log after offset {}; retrying on the next append", view.name(), partition,
              live.position(), e);
          return Future.succeededFuture();
        })
        .onComplete(done -> idle.complete());
  }

  private Future<Void> pages() {
    woken = false;
    ViewTrack track = live;
    return step(track).compose(more -> {
      if (track != live || stopping) {
        return Future.succeededFuture();
      }
      if (!more) {
        return woken ? pages() : Future.succeededFuture();
      }
      return coordinator.commitCacheConsistency(entity(), track.position()).compose(v -> pages());
    });
  }

  /** The groups handed over when they follow the position, else the next page of the log while it may hold more. */
  private Future<Boolean> step(ViewTrack track) {
    Optional<LiveTail.Run> run = tail.takeAfter(track.position());
    if (run.isPresent()) {
      return track.projectLive(run.get().events(), run.get().last()).map(true);
    }
    if (track.position() >= cpHeard) {
      return Future.succeededFuture(false);
    }
    return track.step().onSuccess(more -> {
      if (!more && cpHeard == Long.MAX_VALUE) {
        // The end of the log: the processor's offset until it is heard of.
        cpHeard = track.position();
      }
    });
  }

  /** A rebuild may be asked for from any node: the token is checked here again ({@code admin} on the app). */
  private void onRebuild(Message<JsonObject> request) {
    verifier.check(request.body().getString("credential"), Scope.app(Role.ADMIN, partition.app()))
        .onSuccess(identity -> rebuild(request))
        .onFailure(e -> request.fail(e instanceof AuthFailure refused ? refused.status() : 503, e.getMessage()));
  }

  private void rebuild(Message<JsonObject> request) {
    if (copy != null) {
      request.reply(new JsonObject().put("partition", partition.partition()).put("status", "already rebuilding"));
    } else {
      copy = new ViewTrack(vertx, partition, view, copyName(), log, store, emptyCopyCache(),
          new AggregateStates(config.stateCacheSize(), keyRing), config, faults, keyRing, upTo -> Future.succeededFuture());
      LOG.info("Rebuilding view {} of {} from offset 0 beside the live copy", view.name(), partition);
      store.discard(partition, copyName())
          .compose(v -> reportProgress())
          .onSuccess(v -> {
            copy.start(0);
            request.reply(new JsonObject().put("partition", partition.partition()).put("status", "started"));
            rebuild();
          })
          .onFailure(e -> {
            copy = null;
            request.fail(503, "cannot start the rebuild: " + e.getMessage());
          });
    }
  }

  /** Runs the copy to the end of the log, page by page, reporting its progress; then swaps it in. */
  private void rebuild() {
    copy.step()
        .compose(more -> reportProgress().map(more))
        .onSuccess(more -> {
          if (more) {
            rebuild();
          } else {
            swap();
          }
        })
        .onFailure(this::abandonRebuild);
  }

  private Future<?> reportProgress() {
    return coordinator.cpOffset().compose(cp -> {
      LOG.info("Rebuild of view {} of {}: offset {} of {}", view.name(), partition, copy.position(), cp);
      return coordinator.commit(Advance.status(entity(), new JsonObject()
          .put("rebuild", new JsonObject().put("offset", copy.position()).put("cpOffset", cp))));
    });
  }

  /**
   * Stops the live track between two pages (for a sync view: holds the command processor's
   * appends), brings the copy to the end of the log, flushes it, and makes it the view in one
   * transaction; the new live track starts where the copy is, which is never behind the old one,
   * so no watermark goes backwards.
   */
  private void swap() {
    ViewTrack old = live;
    swapping = true;
    Future<?> held = view.sync()
        ? vertx.eventBus().request(Addresses.commandProcessorHold(partition), "hold")
        : Future.succeededFuture();
    held.compose(h -> idle.future())
        .compose(v -> drainCopy())
        .compose(v -> copy.flushNow())
        .compose(v -> copy.pause())
        .compose(v -> old.pause())
        .compose(v -> store.replace(partition, view.name(), copyName(), copy.position()))
        .onSuccess(v -> {
          cache.clear();
          emptyCopyCache();
          live = liveTrack(copy.states());
          live.start(copy.position());
          long position = copy.position();
          copy = null;
          swapping = false;
          LOG.info("View {} of {} rebuilt up to offset {} and swapped in", view.name(), partition, position);
          coordinator.commit(new Advance(0, Map.of(entity(), position), Map.of(entity(), position), Map.of(entity(), "")))
              .onComplete(done -> catchUp().onComplete(caughtUp -> release()));
        })
        .onFailure(e -> {
          old.resume();
          swapping = false;
          release();
          abandonRebuild(e);
          catchUp();
        });
  }

  /** Lets a held command processor take appends again. */
  private void release() {
    if (view.sync()) {
      vertx.eventBus().request(Addresses.commandProcessorHold(partition), "resume")
          .onFailure(e -> LOG.warn("Could not resume the command processor of {}; its hold expires by itself", partition, e));
    }
  }

  private Future<Void> drainCopy() {
    return copy.step().compose(more -> more ? drainCopy() : Future.succeededFuture());
  }

  private void abandonRebuild(Throwable e) {
    LOG.error("Rebuild of view {} of {} failed; the live copy keeps serving", view.name(), partition, e);
    ViewTrack abandoned = copy;
    copy = null;
    abandoned.pause().onComplete(done -> emptyCopyCache()).onComplete(done -> coordinator.commit(Advance.status(entity(), new JsonObject()
        .put("rebuild", new JsonObject().put("status", "failed").put("error", String.valueOf(e))))));
  }

  /** The copy's cache, emptied: it may keep values once flushed (per-member ones), which a new copy must not see. */
  private ViewCache emptyCopyCache() {
    ViewCache copyCache = new ViewCache(vertx, partition, copyName());
    copyCache.clear();
    return copyCache;
  }

  private static Promise<Void> promiseDone() {
    Promise<Void> done = Promise.promise();
    done.complete();
    return done;
  }
}
