package io.highwater.actualizer;

import io.highwater.auth.AuthFailure;
import io.highwater.auth.AuthKey;
import io.highwater.auth.Role;
import io.highwater.auth.Scope;
import io.highwater.auth.TokenVerifier;
import io.highwater.cluster.Addresses;
import io.highwater.partition.PartitionId;
import io.highwater.config.FaultHook;
import io.highwater.log.PartitionLog;
import io.highwater.metrics.FlushMeters;
import io.highwater.config.HighwaterConfig;
import io.highwater.watermark.Advance;
import io.highwater.coordinator.ConsistencyCoordinator;
import io.highwater.partition.GroupProjected;
import io.highwater.partition.ViewApplied;
import io.highwater.keys.KeyRing;
import io.highwater.storage.EventLog;
import io.highwater.storage.RecordStore;
import io.highwater.storage.SkippedEvents;
import io.highwater.storage.SkippedEvents.Skipped;
import io.highwater.storage.ViewCache;
import io.highwater.storage.ViewStore;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
 *
 * <p>A projector that throws stops only this view, before the event it threw at: the view is tried
 * again with back-off ({@link RetryPolicy}), then parked until an operator resumes it or skips the
 * event (recorded in {@link SkippedEvents}, and skipped by every later run and rebuild).
 */
public final class ViewActualizerVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(ViewActualizerVerticle.class);
  private static final String COPY_SUFFIX = "~rebuild";
  private static final long STOP_WAIT_MS = 5_000;
  /** How many skipped events {@code /consistency} lists, the most recent first. */
  static final int SKIPPED_SHOWN = 20;

  private final PartitionId partition;
  private final ViewDefinition view;
  private final EventLog log;
  private final RecordStore checkpoints;
  private final ViewStore store;
  private final ViewCache cache;
  private final ConsistencyCoordinator coordinator;
  private final HighwaterConfig.Views config;
  private final FaultHook faults;
  private final FlushMeters meters;
  private final KeyRing keyRing;
  private final AuthKey authKey;
  private TokenVerifier verifier;
  /** Of a sync view: the command processor's side of it, left alone while this verticle repairs the view. */
  private final SyncView syncView;
  private final SkippedEvents skippedEvents;
  private final RetryPolicy retry;
  private final Set<Long> skipped = new HashSet<>();
  private final Deque<Skipped> recentlySkipped = new ArrayDeque<>();
  private final ViewStart how;
  /** The consumers of the log's progress, while the view follows it as an async one. */
  private final List<MessageConsumer<?>> following = new ArrayList<>();
  /** Added at runtime and not caught up yet: its progress is reported as a status note. */
  private boolean building;
  private ViewTrack live;
  private ViewTrack copy;
  /** Completes when the live track is idle; a new one for each catch-up. */
  private Promise<Void> idle = promiseDone();
  /** Not projecting: its projector threw at {@link #fault} and the next try has not started. */
  private boolean failed;
  /** The failure the view is stopped at or being tried again at; null while it projects. */
  private ViewFault fault;
  private long retryTimer = -1;
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
      ViewStore store, ViewCache cache, ConsistencyCoordinator coordinator, HighwaterConfig.Views config, FaultHook faults, FlushMeters meters,
      KeyRing keyRing, SyncView syncView, SkippedEvents skippedEvents, ViewStart how, AuthKey authKey) {
    this.authKey = authKey;
    this.meters = meters;
    this.how = how;
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
    this.syncView = syncView;
    this.skippedEvents = skippedEvents;
    this.retry = new RetryPolicy(config.retry());
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
        .compose(v -> skippedEvents.all(partition, view.name()))
        .compose(all -> {
          all.forEach(this::remember);
          return checkpoints.checkpoint(partition, entity());
        })
        .compose(checkpoint -> {
          live.start(checkpoint);
          PartitionLog.offset(context, checkpoint);
          // Storage as far as the checkpoint, and no failure of an earlier run any more: it is tried afresh.
          return coordinator.commit(new Advance(0, Map.of(), Map.of(entity(), checkpoint), Map.of(entity(), note(new JsonObject()))));
        })
        .compose(v -> how.added() ? buildBeside() : view.sync() ? catchUpBeforeTheCommandProcessor() : catchUp())
        .compose(v -> how.added() ? Future.succeededFuture() : view.sync() ? takeFromCommandProcessor() : followLog())
        .compose(v -> vertx.eventBus().consumer(Addresses.viewRebuild(partition, view.name()), this::onRebuild).completion())
        .compose(v -> vertx.eventBus().<JsonObject>consumer(Addresses.viewRepair(partition, view.name()), this::onRepair).completion())
        .onSuccess(v -> LOG.info("View {} of {} at offset {} ({}{})", view.name(), partition, live.position(),
            view.sync() ? "sync" : "async", how.added() ? ", added: building beside the live views" : ""));
  }

  /**
   * Takes no new page, lets the one being projected finish (its values reach the cache before the
   * last flush), then flushes and stops. A page that does not finish in {@link #STOP_WAIT_MS} (its
   * read hangs on a PostgreSQL gone away) is not waited for: the next owner reads it again.
   */
  @Override
  public Future<?> stop() {
    stopping = true;
    vertx.cancelTimer(retryTimer);
    return idle.future().timeout(STOP_WAIT_MS, TimeUnit.MILLISECONDS)
        .eventually(() -> copy == null ? live.stop() : copy.pause().compose(v -> live.stop()));
  }

  private ViewTrack liveTrack(AggregateStates states) {
    return new ViewTrack(vertx, partition, view, view.name(), log, store, cache, states, config, faults, meters, keyRing, skipped::contains,
        upTo -> coordinator.commitStorageConsistency(entity(), upTo));
  }

  /** Sync: the command processor projects; this verticle flushes what it reports, and repairs the view when its projector throws. */
  private Future<Void> takeFromCommandProcessor() {
    Future<Void> applied = vertx.eventBus().<ViewApplied>localConsumer(Addresses.viewApplied(partition, view.name()),
        m -> {
          live.changed(m.body().changed(), m.body().offset());
          PartitionLog.offset(context, m.body().offset());
        }).completion();
    Future<Void> failures = vertx.eventBus().<JsonObject>localConsumer(Addresses.viewFailed(partition, view.name()),
        m -> stopAt(new ProjectorFailure(m.body().getLong("offset"), m.body().getString("error")))).completion();
    return Future.all(applied, failures).mapEmpty();
  }

  /**
   * Async: takes each group the command processor applied on this node as it comes, and is woken by
   * every move of the processor's offset (a group it missed is read from the log); never polling.
   */
  private Future<Void> followLog() {
    return listenToLog().compose(v -> catchUp());
  }

  private Future<Void> listenToLog() {
    MessageConsumer<GroupProjected> groups =
        vertx.eventBus().<GroupProjected>localConsumer(Addresses.groupProjected(partition), m -> {
          if (!failed) {
            tail.add(m.body());
            heard(m.body().last());
          }
        });
    MessageConsumer<JsonObject> watermarks = vertx.eventBus().<JsonObject>consumer(Addresses.watermarks(partition),
        m -> heard(m.body().getLong("cpOffset")));
    following.add(groups);
    following.add(watermarks);
    return Future.all(groups.completion(), watermarks.completion()).mapEmpty();
  }

  /**
   * Added at runtime: follows the log as an async view does, from its checkpoint (0 for a new view),
   * without holding up the start (the partition serves meanwhile), reporting its progress until it
   * has caught up; a sync view then joins the command processor.
   */
  private Future<Void> buildBeside() {
    building = true;
    return reportBuilding().compose(v -> listenToLog()).onSuccess(v -> catchUp());
  }

  private Future<?> reportBuilding() {
    return coordinator.cpOffset().compose(cp -> coordinator.commit(Advance.status(entity(), new JsonObject()
        .put("building", new JsonObject().put("offset", live.position()).put("cpOffset", cp)))));
  }

  /** Caught up once: the view is live (a sync one first joins the command processor). */
  private void built() {
    if (!building || failed || stopping || swapping || live.position() < cpHeard) {
      return;
    }
    Future<Void> joined = how.join().isPresent() ? joinCommandProcessor(how.join().get()) : Future.succeededFuture();
    joined.compose(v -> {
      building = false;
      LOG.info("View {} of {} built up to offset {}: live", view.name(), partition, live.position());
      return coordinator.commit(Advance.status(entity(), new JsonObject()));
    }).onFailure(e -> {
      LOG.warn("View {} of {} could not join its command processor; trying again on the next append", view.name(), partition, e);
      catchUp();
    });
  }

  /**
   * Holds the command processor between two groups, projects what the log has beyond this view,
   * and hands the view to the processor, which projects it from then on before each append answers.
   */
  private Future<Void> joinCommandProcessor(ViewStart.Join join) {
    swapping = true;
    ProcessorHold[] hold = {null};
    return ProcessorHold.take(vertx, partition)
        .compose(h -> {
          hold[0] = h;
          return idle.future();
        })
        .compose(v -> drainLive())
        .compose(v -> Future.join(following.stream().map(MessageConsumer::unregister).toList()))
        .compose(v -> {
          following.clear();
          return takeFromCommandProcessor();
        })
        .compose(v -> coordinator.commitCacheConsistency(entity(), live.position()))
        .compose(v -> hold[0].confirm())
        .<Void>map(v -> {
          join.into().add(join.view());
          return null;
        })
        .eventually(() -> {
          swapping = false;
          release(hold[0]);
          return Future.succeededFuture();
        });
  }

  private Future<Void> drainLive() {
    return live.step().compose(more -> more ? drainLive() : Future.succeededFuture());
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
   * (the partition is started again); a failing projector stops the view, visibly, and the
   * processor leaves the view alone until this verticle has caught it up.
   */
  private Future<Void> catchUpBeforeTheCommandProcessor() {
    idle = Promise.promise();
    return pages()
        .recover(e -> e instanceof ProjectorFailure failure ? stopAt(failure) : Future.failedFuture(e))
        .onComplete(done -> idle.complete());
  }

  /**
   * The view stops before the event its projector threw at (its watermarks stay where its last
   * projected page left them), visibly, and is tried again after the policy's wait, or parked.
   */
  private Future<Void> stopAt(ProjectorFailure failure) {
    failed = true;
    if (syncView != null) {
      // The command processor is not projecting this view now (it failed there, or has not started).
      syncView.fail(failure.offset());
    }
    fault = ViewFault.after(fault, failure.offset(), failure.error(), retry, Instant.now());
    LOG.error("View {} of {} stopped at offset {} (attempt {}, {}): {}", view.name(), partition, failure.offset(), fault.attempts(),
        fault.parked() ? "parked" : "next try at " + fault.nextRetryAt(), failure.error());
    vertx.cancelTimer(retryTimer);
    if (!fault.parked()) {
      long waitMs = Math.max(1, Duration.between(Instant.now(), fault.nextRetryAt()).toMillis());
      retryTimer = vertx.setTimer(waitMs, t -> tryAgain());
    }
    // Up to the event before it, and not over it.
    return coordinator.commit(new Advance(0, Map.of(entity(), live.position()), Map.of(), Map.of(entity(), note(fault.status()))))
        .mapEmpty();
  }

  /** Projects again from the view's position: an async view follows the log; a sync view is caught up, then handed back. */
  private void tryAgain() {
    retryTimer = -1;
    if (!failed || stopping) {
      return;
    }
    if (swapping) {
      // A rebuild is being swapped in: the try waits for it.
      retryTimer = vertx.setTimer(retry.initialBackoffMs(), t -> tryAgain());
      return;
    }
    failed = false;
    cpHeard = Long.MAX_VALUE;
    LOG.info("View {} of {}: trying again from offset {}", view.name(), partition, live.position() + 1);
    if (view.sync()) {
      catchUpSync();
    } else {
      catchUp();
    }
  }

  /**
   * A failed sync view catches up from the log while the command processor goes on without it, then
   * again, to the log's end, while the processor is held, and only then is projected by it again:
   * no event is missed, and none is projected twice.
   */
  private void catchUpSync() {
    idle = Promise.promise();
    ProcessorHold[] hold = {null};
    pages()
        .compose(v -> ProcessorHold.take(vertx, partition))
        .compose(h -> {
          hold[0] = h;
          cpHeard = Long.MAX_VALUE;
          return pages();
        })
        .compose(v -> hold[0].confirm())
        .compose(v -> {
          if (live.position() >= fault.offset()) {
            syncView.resume();
          }
          return recovered();
        })
        .eventually(() -> {
          release(hold[0]);
          return Future.succeededFuture();
        })
        .recover(e -> {
          if (e instanceof ProjectorFailure failure) {
            return stopAt(failure);
          }
          // Not the projector's doing (the log unreadable, the processor not there yet): the same try again later.
          LOG.warn("View {} of {} could not catch up after offset {}; trying again", view.name(), partition, live.position(), e);
          failed = true;
          retryTimer = vertx.setTimer(retry.initialBackoffMs(), t -> tryAgain());
          return Future.succeededFuture();
        })
        .onComplete(done -> idle.complete());
  }

  /** The view projected past the event it had failed at: its status note no longer tells of the failure. */
  private Future<Void> recovered() {
    if (fault == null || failed || live.position() < fault.offset()) {
      return Future.succeededFuture();
    }
    LOG.info("View {} of {} went past offset {}, where it had failed", view.name(), partition, fault.offset());
    fault = null;
    return coordinator.commit(new Advance(0, Map.of(), Map.of(), Map.of(entity(), note(new JsonObject())))).mapEmpty();
  }

  /** A repair may be asked for from any node: the token is checked here again ({@code admin} on the app). */
  private void onRepair(Message<JsonObject> request) {
    verifier.check(request.body().getString("credential"), Scope.app(Role.ADMIN, partition.app()))
        .onSuccess(identity -> repair(request))
        .onFailure(e -> request.fail(e instanceof AuthFailure refused ? refused.status() : 503, e.getMessage()));
  }

  /** {@code resume} tries the failed view again now; {@code skip} records its failed event as skipped, then tries again. */
  private void repair(Message<JsonObject> request) {
    String op = request.body().getString("op");
    if (!failed || fault == null) {
      request.fail(409, "view '" + view.name() + "' of partition " + partition.partition() + " is not failed or parked"
          + (fault != null ? ": it is being tried again" : ""));
      return;
    }
    if ("resume".equals(op)) {
      long at = fault.offset();
      fault = fault.resumed();
      vertx.cancelTimer(retryTimer);
      request.reply(repaired("resumed", at));
      tryAgain();
    } else if ("skip".equals(op)) {
      Long offset = request.body().getLong("offset");
      if (offset == null || offset != fault.offset()) {
        request.fail(400, "offset: must be the offset the view failed at, " + fault.offset() + ", not " + offset);
        return;
      }
      Skipped skip = new Skipped(offset, fault.error(), Instant.now());
      skippedEvents.record(partition, view.name(), skip)
          .onSuccess(v -> {
            remember(skip);
            LOG.warn("View {} of {}: the event at offset {} is skipped for this view", view.name(), partition, offset);
            fault = fault.resumed();
            vertx.cancelTimer(retryTimer);
            request.reply(repaired("skipped", offset));
            tryAgain();
          })
          .onFailure(e -> request.fail(503, "cannot record the skip: " + e.getMessage()));
    } else {
      request.fail(400, "op: expected resume or skip, got " + op);
    }
  }

  private JsonObject repaired(String status, long offset) {
    return new JsonObject().put("partition", partition.partition()).put("status", status).put("offset", offset);
  }

  private void remember(Skipped skip) {
    skipped.add(skip.offset());
    recentlySkipped.addFirst(skip);
    while (recentlySkipped.size() > SKIPPED_SHOWN) {
      recentlySkipped.removeLast();
    }
  }

  /** A status note with the events skipped for this view, the most recent first; empty (cleared) when there is nothing to tell. */
  private String note(JsonObject status) {
    JsonObject note = status.copy();
    if (!recentlySkipped.isEmpty()) {
      JsonArray list = new JsonArray();
      recentlySkipped.forEach(s -> list.add(new JsonObject().put("offset", s.offset()).put("error", s.error()).put("at", s.at().toString())));
      note.put("skipped", list);
    }
    return note.isEmpty() ? "" : note.encode();
  }

  /** The note of the view as it is now, beside another (a rebuild's progress). */
  private String noteNow(JsonObject more) {
    return note(failed && fault != null ? fault.status().mergeIn(more) : more);
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
        .compose(v -> recovered())
        .recover(e -> {
          if (e instanceof ProjectorFailure failure) {
            return stopAt(failure);
          }
          LOG.warn("View {} of {} could not read the log after offset {}; retrying on the next append", view.name(), partition,
              live.position(), e);
          return Future.succeededFuture();
        })
        .onComplete(done -> idle.complete())
        .onSuccess(v -> built());
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
      PartitionLog.offset(context, track.position());
      Future<?> committed = coordinator.commitCacheConsistency(entity(), track.position());
      return (building ? committed.compose(v -> reportBuilding()) : committed).compose(v -> pages());
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
          new AggregateStates(config.stateCacheSize(), keyRing), config, faults, FlushMeters.NONE, keyRing, skipped::contains,
          upTo -> Future.succeededFuture());
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
      return coordinator.commit(new Advance(0, Map.of(), Map.of(), Map.of(entity(), noteNow(new JsonObject()
          .put("rebuild", new JsonObject().put("offset", copy.position()).put("cpOffset", cp))))));
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
    ProcessorHold[] hold = {null};
    Future<ProcessorHold> held = view.sync() ? ProcessorHold.take(vertx, partition) : Future.succeededFuture();
    held.compose(h -> {
          hold[0] = h;
          return idle.future();
        })
        .compose(v -> drainCopy())
        .compose(v -> copy.flushNow())
        .compose(v -> copy.pause())
        .compose(v -> old.pause())
        // A sync view's copy is complete only if the processor has stood still since the hold.
        .compose(v -> hold[0] == null ? Future.succeededFuture() : hold[0].confirm())
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
          coordinator.commit(new Advance(0, Map.of(entity(), position), Map.of(entity(), position), Map.of(entity(), noteNow(new JsonObject()))))
              .onComplete(done -> catchUp().onComplete(caughtUp -> release(hold[0])));
        })
        .onFailure(e -> {
          old.resume();
          swapping = false;
          release(hold[0]);
          abandonRebuild(e);
          catchUp();
        });
  }

  /** Lets a held command processor take appends again (null: it was not held). */
  private void release(ProcessorHold hold) {
    if (hold != null) {
      hold.release().onFailure(e -> LOG.warn("Could not resume the command processor of {}; its hold expires by itself", partition, e));
    }
  }

  private Future<Void> drainCopy() {
    return copy.step().compose(more -> more ? drainCopy() : Future.succeededFuture());
  }

  private void abandonRebuild(Throwable e) {
    LOG.error("Rebuild of view {} of {} failed; the live copy keeps serving", view.name(), partition, e);
    ViewTrack abandoned = copy;
    copy = null;
    String error = e instanceof ProjectorFailure failure ? failure.getMessage() : String.valueOf(e);
    abandoned.pause().onComplete(done -> emptyCopyCache()).onComplete(done -> coordinator.commit(new Advance(0, Map.of(), Map.of(),
        Map.of(entity(), noteNow(new JsonObject().put("rebuild", new JsonObject().put("status", "failed").put("error", error)))))));
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
