package io.highwater.cp;

import io.highwater.actualizer.SyncView;
import io.highwater.auth.AuthFailure;
import io.highwater.auth.AuthKey;
import io.highwater.auth.Role;
import io.highwater.auth.Scope;
import io.highwater.auth.TokenVerifier;
import io.highwater.cluster.Addresses;
import io.highwater.partition.Hold;
import io.highwater.partition.PartitionId;
import io.highwater.config.FaultHook;
import io.highwater.config.HighwaterConfig;
import io.highwater.watermark.Advance;
import io.highwater.coordinator.ConsistencyCoordinator;
import io.highwater.watermark.PartitionConsistency;
import io.highwater.event.AggregateKey;
import io.highwater.event.Event;
import io.highwater.event.StoredEvent;
import io.highwater.keys.DataKey;
import io.highwater.keys.KeyRing;
import io.highwater.keys.TriggerKey;
import io.highwater.log.PartitionLog;
import io.highwater.storage.EventLog;
import io.highwater.storage.FencedException;
import io.highwater.storage.PlanOutdated;
import io.highwater.storage.RecordState;
import io.highwater.storage.RecordStore;
import io.highwater.storage.RecordsCache;
import io.highwater.storage.StreamFilter;
import io.micrometer.core.instrument.DistributionSummary;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The command processor of one app partition: the only writer of its log. Batches
 * that arrive while a commit is in flight wait and are committed together in the next statement
 * (group commit), each still atomic and conflict-checked in arrival order. After the commit it
 * applies the records to the cache, tells the records actualizer, and reports its offset and the
 * records' cache watermark to the coordinator before it answers.
 */
public final class CommandProcessorVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(CommandProcessorVerticle.class);
  /** Events read per query while the cache is rebuilt from the log. */
  private static final int RECOVERY_PAGE = 5_000;
  private static final long RECOVERY_FIRST_DELAY_MS = 50;
  private static final long RECOVERY_MAX_DELAY_MS = 5_000;

  private record Pending(AppendRequest request, Message<AppendRequest> message) {}

  private final PartitionId partition;
  private final EventLog log;
  private final RecordStore recordStore;
  private final RecordsCache cache;
  private final ConsistencyCoordinator coordinator;
  private final HighwaterConfig.CommandProcessor config;
  private final List<SyncView> syncViews;
  private final FaultHook faults;
  private final KeyRing keyRing;
  private final AppendQueue<Pending> queue;
  private final TouchIndex touches;
  private final AuthKey authKey;
  private TokenVerifier verifier;
  private final DistributionSummary groupEvents;
  private GroupApplier applier;
  private MessageConsumer<AppendRequest> consumer;
  private boolean committing;
  /** Set once this node gives the partition up (or was deposed): no new group starts. */
  private boolean stopping;
  /** Appends wait in the queue while a sync view's storage is being replaced. */
  private boolean held;
  private Promise<Void> groupDone;
  private long holdTimerId = -1;
  /** The offset the next event takes; every event before it is durable and in the cache. */
  private long nextOffset;

  public CommandProcessorVerticle(PartitionId partition, EventLog log, RecordStore recordStore, RecordsCache cache,
      ConsistencyCoordinator coordinator, List<SyncView> syncViews, HighwaterConfig.CommandProcessor config, FaultHook faults,
      KeyRing keyRing, DistributionSummary groupEvents, AuthKey authKey) {
    this.groupEvents = groupEvents;
    this.authKey = authKey;
    this.partition = partition;
    this.log = log;
    this.recordStore = recordStore;
    this.cache = cache;
    this.coordinator = coordinator;
    // Not copied: a sync view added at runtime joins this list while the processor is held.
    this.syncViews = syncViews;
    this.config = config;
    this.faults = faults;
    this.keyRing = keyRing;
    this.touches = new TouchIndex(config.heldAggregates());
    this.queue = new AppendQueue<>(
        new AppendQueue.Limits(config.maxQueuedBatches(), config.maxQueuedBytes(), config.maxGroupEvents(), config.maxGroupBytes()),
        p -> p.request().batch().events().size(), p -> p.request().bytes(), CommandProcessorVerticle::expiresKeys);
  }

  @Override
  public Future<?> start() {
    verifier = TokenVerifier.create(vertx, authKey);
    applier = new GroupApplier(partition, log, recordStore, cache, coordinator, syncViews, keyRing, faults, vertx.eventBus());
    return recordStore.checkpoint(partition, PartitionConsistency.RECORDS)
        .compose(checkpoint -> catchUp(checkpoint, true))
        .compose(v -> {
          LOG.info("Command processor {} recovered at offset {}", partition, nextOffset - 1);
          vertx.eventBus().<Hold>localConsumer(Addresses.commandProcessorHold(partition), this::onHold);
          consumer = vertx.eventBus().consumer(Addresses.commandProcessor(partition), this::onAppend);
          return consumer.completion();
        });
  }

  /**
   * Stops taking appends; the group in flight finishes and is answered, the batches still queued
   * are answered {@link Outcome.Moved} (nothing of them was written), so their senders try the next owner.
   */
  @Override
  public Future<?> stop() {
    stopping = true;
    Future<Void> unregistered = consumer == null ? Future.succeededFuture() : consumer.unregister();
    Future<Void> idle = committing ? groupDone.future() : Future.succeededFuture();
    return Future.join(unregistered, idle).eventually(() -> {
      movedAway(queue.drainAll(), "partition " + partition + " is moving to another node; send again");
      return Future.succeededFuture();
    });
  }

  private static void movedAway(java.util.Collection<Pending> pending, String why) {
    Outcome moved = new Outcome.Moved(why);
    pending.forEach(p -> p.message().reply(moved));
    pending.clear();
  }

  /**
   * The append may come from any node: its token is checked here again (signature, expiry, a
   * {@code write} grant on the workspace), whatever the sending node decided.
   */
  private void onAppend(Message<AppendRequest> message) {
    AppendRequest request = message.body();
    verifier.check(request.credential(), Scope.workspace(Role.WRITE, partition.app(), request.ws()))
        .onSuccess(identity -> admit(message))
        .onFailure(e -> message.reply(e instanceof AuthFailure refused ? new Outcome.Refused(refused.code(), refused.getMessage())
            : new Outcome.Unavailable("the token could not be checked: " + e.getMessage())));
  }

  private void admit(Message<AppendRequest> message) {
    if (stopping) {
      message.reply(new Outcome.Moved("partition " + partition + " is moving to another node; send again"));
      return;
    }
    if (!queue.offer(new Pending(message.body(), message))) {
      message.reply(new Outcome.Unavailable("partition " + partition + " is overloaded; retry later"));
      return;
    }
    drain();
  }

  /**
   * {@link Hold#HOLD}: answers once no group is in flight, and starts no new one until
   * {@link Hold#RESUME}. A holder renews its hold ({@link Hold#RENEW}) well within
   * {@code requestTimeoutMs}, after which an unrenewed hold expires, so a holder that died cannot
   * stop the partition for good, while one at work keeps it for as long as it needs.
   */
  private void onHold(Message<Hold> message) {
    switch (message.body()) {
      case RESUME -> {
        resume();
        message.reply(Hold.State.RELEASED);
      }
      case RENEW -> {
        if (held) {
          expireHoldLater();
        }
        message.reply(held ? Hold.State.HELD : Hold.State.RELEASED);
      }
      case HOLD -> {
        held = true;
        expireHoldLater();
        Future<Void> idle = committing ? groupDone.future() : Future.succeededFuture();
        idle.onComplete(done -> message.reply(Hold.State.HELD));
      }
    }
  }

  private void expireHoldLater() {
    vertx.cancelTimer(holdTimerId);
    holdTimerId = vertx.setTimer(config.requestTimeoutMs(), t -> {
      LOG.warn("Hold on {} expired; taking appends again", partition);
      resume();
    });
  }

  private void resume() {
    held = false;
    vertx.cancelTimer(holdTimerId);
    drain();
  }

  private void drain() {
    if (committing || held || stopping || queue.isEmpty()) {
      return;
    }
    committing = true;
    groupDone = Promise.promise();
    List<Pending> group = queue.nextGroup();
    commit(group).onComplete(done -> {
      committing = false;
      groupDone.complete();
      drain();
    });
  }

  private static boolean expiresKeys(Pending pending) {
    return pending.request().batch().events().stream().anyMatch(e -> SealedGroup.expiring(pending.request().ws(), e) != null);
  }

  /** What a group's write left: the plan, each batch's outcome, and (when something was written) what it stored. */
  private record Written(GroupPlan plan, List<Outcome> outcomes, SealedGroup sealed) {}

  /** Plans, writes and applies one group; every batch of it gets exactly one reply. */
  private Future<Void> commit(List<Pending> group) {
    long first = nextOffset;
    List<AppendRequest> requests = group.stream().map(Pending::request).toList();
    Set<AggregateKey> aggregates = new LinkedHashSet<>();
    Set<TriggerKey> keyed = new LinkedHashSet<>();
    Set<TriggerKey> expiring = new LinkedHashSet<>();
    for (AppendRequest request : requests) {
      String ws = request.ws();
      for (Event e : request.batch().events()) {
        if (e.isAction()) {
          aggregates.add(new AggregateKey(ws, e.action().aggregate()));
          if (!e.seal().isEmpty()) {
            keyed.add(SealedGroup.sealingTrigger(ws, e));
          }
        } else {
          Optional.ofNullable(SealedGroup.expiring(ws, e)).ifPresent(t -> {
            keyed.add(t);
            expiring.add(t);
          });
        }
      }
    }
    // The records before the group are read while it is planned and written: only this verticle
    // changes them, and only after the write.
    Future<Map<AggregateKey, RecordState>> bases = applier.bases(aggregates);
    Future<Map<TriggerKey, DataKey>> keys = keyRing.keys(partition, keyed);
    return keys
        .compose(found -> planAndWrite(requests, found, true))
        .compose(written -> {
          if (written.sealed() == null) {
            return Future.succeededFuture(written.outcomes());
          }
          SealedGroup sealed = written.sealed();
          nextOffset = written.plan().nextOffset();
          groupEvents.record(sealed.events().size());
          PartitionLog.offset(context, nextOffset - 1);
          faults.reached("group-committed", PartitionConsistency.RECORDS, nextOffset - 1);
          // Destroyed keys leave memory before any watermark covers the effect; the states
          // before it are still opened with the group's own copy of them.
          sealed.expired().forEach(t -> keyRing.forget(partition, t));
          sealed.created().forEach((trigger, key) -> keyRing.remember(partition, trigger, key));
          return bases.compose(found -> applier.apply(sealed.events(), new HashMap<>(found), true, sealed.used(keys.result())))
              .map(written.outcomes());
        })
        .onSuccess(outcomes -> {
          for (int i = 0; i < group.size(); i++) {
            group.get(i).message().reply(outcomes.get(i));
          }
        })
        .recover(failure -> {
          if (FencedException.is(failure)) {
            // Nothing of the group was written: another node owns the partition now.
            LOG.warn("Group commit on {} refused: {}", partition, failure.getMessage());
            stopping = true;
            movedAway(new ArrayList<>(group), "partition " + partition + " has moved to another node; send again");
            movedAway(queue.drainAll(), "partition " + partition + " has moved to another node; send again");
            vertx.eventBus().send(Addresses.deposed(), ((FencedException) failure).deposal());
            return Future.succeededFuture(List.<Outcome>of());
          }
          LOG.warn("Group commit on {} failed; the group is answered unavailable", partition, failure);
          Outcome unavailable = new Outcome.Unavailable("storage unavailable: " + failure.getMessage());
          group.forEach(p -> p.message().reply(unavailable));
          // Whether a destroyed key's row went with the statement is PostgreSQL's to say now, and so is
          // whether the group is in the log: what memory says of the touched aggregates may be behind.
          expiring.forEach(t -> keyRing.evict(partition, t));
          touches.clear();
          // The statement may have committed, and any part of the group may be unapplied: take the
          // log up again from the group's first offset (applying is idempotent by offset).
          return recoverFrom(first - 1, RECOVERY_FIRST_DELAY_MS).map(List.<Outcome>of());
        })
        .mapEmpty();
  }

  /**
   * Plans the group, from memory when it can (the write then checks what memory does not hold), else
   * from the log's answers, and writes what it accepts. A write that finds the log not as planned
   * from memory wrote nothing: the group is planned again from the log.
   */
  private Future<Written> planAndWrite(List<AppendRequest> requests, Map<TriggerKey, DataKey> keys, boolean fromMemory) {
    Optional<History> remembered = fromMemory ? PlanFromMemory.history(requests, touches) : Optional.empty();
    Future<History> history = remembered.map(Future::succeededFuture).orElseGet(() -> lookUp(requests));
    return history.compose(known -> {
      GroupPlan plan = new GroupPlan(partition.partition(), nextOffset, known);
      List<Outcome> outcomes = requests.stream().map(r -> plan.add(r.ws(), r.batch())).toList();
      if (remembered.isPresent() && !PlanFromMemory.answers(requests, outcomes)) {
        return planAndWrite(requests, keys, false);
      }
      if (plan.accepted().isEmpty()) {
        return Future.succeededFuture(new Written(plan, outcomes, null));
      }
      SealedGroup sealed = SealedGroup.seal(plan.accepted(), keys);
      List<EventLog.NewKey> created = new ArrayList<>();
      sealed.created().forEach((trigger, key) -> created.add(new EventLog.NewKey(trigger.ws(), trigger.trigger(), keyRing.wrap(key))));
      List<EventLog.ExpiredKey> expired = sealed.expired().stream().map(t -> new EventLog.ExpiredKey(t.ws(), t.trigger())).toList();
      Map<AggregateKey, Long> checks = PlanFromMemory.checks(requests, outcomes, touches, remembered.isPresent());
      return log.append(partition, sealed.events(), created, expired, checks)
          .map(storedLinks -> {
            touches.committed(sealed.events(), storedLinks);
            return new Written(plan, outcomes, sealed);
          })
          .recover(failure -> failure instanceof PlanOutdated && remembered.isPresent()
              ? planAndWrite(requests, keys, false)
              : Future.failedFuture(failure));
    });
  }

  /** The log's answers for the group: what touched its aggregates after the lowest base offset, their links, and its ids. */
  private Future<History> lookUp(List<AppendRequest> requests) {
    Set<AggregateKey> aggregates = new LinkedHashSet<>();
    Set<String> ids = new LinkedHashSet<>();
    long minBase = Long.MAX_VALUE;
    boolean effects = false;
    for (AppendRequest request : requests) {
      minBase = Math.min(minBase, request.batch().baseOffset());
      for (Event e : request.batch().events()) {
        if (e.isAction()) {
          aggregates.add(new AggregateKey(request.ws(), e.action().aggregate()));
        } else {
          effects = true;
        }
        e.idIfAny().ifPresent(ids::add);
      }
    }
    Future<List<EventLog.Touch>> touching = log.touching(partition, aggregates, minBase);
    Future<List<EventLog.Link>> links = effects ? log.links(partition, aggregates) : Future.succeededFuture(List.of());
    Future<List<StoredEvent>> repeats = log.byIds(partition, ids);
    return Future.all(touching, links, repeats).map(found -> {
      History history = new History();
      touching.result().forEach(t -> history.addStoredTouch(t.aggregate(), t.event()));
      links.result().forEach(l -> history.link(l.aggregate(), l.trigger()));
      repeats.result().forEach(history::addStoredId);
      return history;
    });
  }

  /**
   * Catches up from after {@code applied} until it succeeds, waiting longer after each failure. No
   * new group starts meanwhile (the caller holds {@code committing}), so no watermark is reported
   * over events that are in the log but not applied. Gives up only when the partition is stopping:
   * the next owner recovers from the checkpoint.
   */
  private Future<Void> recoverFrom(long applied, long delayMs) {
    return catchUp(applied, false).recover(failure -> {
      if (stopping) {
        LOG.warn("Recovery of {} abandoned: the partition is stopping", partition);
        return Future.succeededFuture();
      }
      LOG.warn("Recovery of {} from offset {} failed; retrying in {} ms", partition, applied + 1, delayMs, failure);
      Promise<Void> retried = Promise.promise();
      vertx.setTimer(delayMs, t -> recoverFrom(applied, Math.min(delayMs * 2, RECOVERY_MAX_DELAY_MS)).onComplete(retried));
      return retried.future();
    });
  }

  /** Applies every stored event after {@code applied} to the cache, then takes up after the log's end. */
  private Future<Void> catchUp(long applied, boolean starting) {
    return log.read(partition, applied + 1, RECOVERY_PAGE, null, StreamFilter.NONE).compose(page -> {
      if (page.isEmpty()) {
        nextOffset = applied + 1;
        PartitionLog.offset(context, applied);
        return coordinator.commit(new Advance(applied, Map.of(PartitionConsistency.RECORDS, applied), Map.of())).mapEmpty();
      }
      Set<AggregateKey> keys = new LinkedHashSet<>();
      page.stream().filter(e -> e.event().isAction())
          .forEach(e -> keys.add(new AggregateKey(e.ws(), e.event().action().aggregate())));
      // The sync views caught up from the log themselves before this verticle started.
      return applier.bases(keys).compose(bases -> applier.apply(page, bases, !starting, Map.of())).compose(v -> catchUp(page.get(page.size() - 1).offset(), starting));
    });
  }

}
