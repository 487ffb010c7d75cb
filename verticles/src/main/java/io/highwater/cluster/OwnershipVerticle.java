package io.highwater.cluster;

import io.highwater.partition.OwnedPartitions;
import io.highwater.partition.Ownership;
import io.highwater.partition.PartitionId;
import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import io.highwater.config.HighwaterConfig;
import io.highwater.storage.Catalog;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.ArrayList;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the partitions this node owns equal to its share of the {@link Assignment} over the current
 * members (ADR 0005). A partition it should give up is drained, flushed and released; one it should
 * take is claimed in PostgreSQL under a new epoch (only once it is released or its owner's lease has
 * run out) and recovered from there. A write refused by the fence deposes the partition here at once.
 * Meanwhile the node renews its own lease.
 */
public final class OwnershipVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(OwnershipVerticle.class);

  private final HazelcastInstance hazelcast;
  private final Catalog catalog;
  private final PartitionHost host;
  private final OwnedPartitions owned;
  private final StartFailures startFailures;
  /** Every partition of every app this node runs now: apps deployed at runtime add theirs. */
  private final Supplier<List<PartitionId>> partitions;
  private final HighwaterConfig.Cluster config;
  private final String httpAddress;
  private final Promise<Void> settled = Promise.promise();
  /** Ownerships a refused write or the heartbeat found ended: partition and epoch. */
  private final Map<PartitionId, Long> deposed = new HashMap<>();
  /** Partitions whose verticles are stopping: not taken again until they have stopped. */
  private final Set<PartitionId> stoppingHere = new HashSet<>();
  /** Members that announced a graceful leave: their partitions are dealt to the others at once. */
  private final Set<String> leaving = new HashSet<>();
  private Context context;
  private UUID listenerId;
  private long heartbeatTimer = -1;
  private long retryTimer = -1;
  private boolean reconciling;
  private boolean again;
  private boolean stopping;

  public OwnershipVerticle(HazelcastInstance hazelcast, Catalog catalog, PartitionHost host, OwnedPartitions owned,
      StartFailures startFailures, Supplier<List<PartitionId>> partitions, HighwaterConfig.Cluster config, String httpAddress) {
    this.hazelcast = hazelcast;
    this.catalog = catalog;
    this.host = host;
    this.owned = owned;
    this.startFailures = startFailures;
    this.partitions = partitions;
    this.config = config;
    this.httpAddress = httpAddress;
  }

  /** Completes the first time this node owns exactly its share. */
  public Future<Void> settled() {
    return settled.future();
  }

  @Override
  public Future<?> start() {
    context = vertx.getOrCreateContext();
    MessageConsumer<JsonObject> deposals = vertx.eventBus().localConsumer(Addresses.deposed(), m -> {
      deposed.put(PartitionId.parse(m.body().getString("partition")), m.body().getLong("epoch"));
      reconcile();
    });
    MessageConsumer<String> leaves = vertx.eventBus().consumer(Addresses.leaving(), m -> {
      leaving.add(m.body());
      reconcile();
    });
    MessageConsumer<String> applied = vertx.eventBus().localConsumer(Addresses.appApplied(), m -> appChanged(m.body()));
    return Future.all(deposals.completion(), leaves.completion(), applied.completion()).compose(v -> catalog.heartbeat(localId(), httpAddress)).compose(v -> {
      heartbeatTimer = vertx.setPeriodic(config.heartbeatIntervalMs(), t -> catalog.heartbeat(localId(), httpAddress)
          .compose(renewed -> catalog.owners())
          .onSuccess(this::checkOwnerships)
          .onFailure(e -> LOG.warn("Could not renew this node's lease: {}", e.getMessage())));
      listenerId = hazelcast.getCluster().addMembershipListener(new MembershipListener() {
        @Override
        public void memberAdded(MembershipEvent event) {
          context.runOnContext(x -> reconcile());
        }

        @Override
        public void memberRemoved(MembershipEvent event) {
          context.runOnContext(x -> reconcile());
        }
      });
      reconcile();
      return Future.succeededFuture();
    });
  }

  /**
   * A graceful leave: every partition drained, flushed and released, then the lease ended. Call it
   * before undeploying this verticle: the partitions' verticles are its children, which Vert.x
   * would otherwise stop first, in no particular order.
   */
  public Future<Void> leave() {
    Promise<Void> left = Promise.promise();
    context.runOnContext(v -> {
      vertx.eventBus().publish(Addresses.leaving(), localId());
      stopping = true;
      vertx.cancelTimer(retryTimer);
      if (listenerId != null) {
        hazelcast.getCluster().removeMembershipListener(listenerId);
      }
      List<Future<Void>> released = owned.all().stream().map(o -> release(o.partition())).toList();
      Future.join(released)
          .eventually(() -> {
            vertx.cancelTimer(heartbeatTimer);
            return catalog.leave(localId());
          })
          .onComplete(done -> left.complete());
    });
    return left.future();
  }

  /**
   * A partition this node runs that PostgreSQL says is owned under a newer epoch was claimed while
   * this node could not tell (it was paused, or cut off): stop it, even if no write
   * has been refused yet, so that nothing is served from its stale cache.
   */
  private void checkOwnerships(List<Ownership> inDatabase) {
    boolean stale = false;
    for (Ownership truth : inDatabase) {
      Optional<Ownership> mine = owned.get(truth.partition());
      // Epochs only grow: an older one is a snapshot read before this node's own claim committed.
      if (mine.isPresent() && truth.epoch() > mine.get().epoch()) {
        deposed.put(truth.partition(), mine.get().epoch());
        stale = true;
      }
    }
    if (stale) {
      reconcile();
    }
  }

  /**
   * This member's id as the cluster knows it now: a member that rejoins after a split-brain merge
   * comes back under a new one.
   */
  private String localId() {
    return hazelcast.getCluster().getLocalMember().getUuid().toString();
  }

  private void reconcile() {
    if (stopping) {
      return;
    }
    if (reconciling) {
      again = true;
      return;
    }
    reconciling = true;
    again = false;
    vertx.cancelTimer(retryTimer);
    Set<String> members = new LinkedHashSet<>();
    for (Member member : hazelcast.getCluster().getMembers()) {
      members.add(member.getUuid().toString());
    }
    leaving.retainAll(members);
    members.removeAll(leaving);
    String localId = localId();
    Set<PartitionId> desired = Assignment.ownedBy(localId, members, partitions.get());
    startFailures.retainOnly(desired);
    List<Future<Void>> steps = new ArrayList<>();
    // A refusal reported late, for an ownership that has already ended here, changes nothing.
    deposed.forEach((partition, epoch) -> owned.get(partition)
        .filter(ownership -> ownership.epoch() == epoch)
        .ifPresent(ownership -> steps.add(depose(partition))));
    deposed.clear();
    for (Ownership ownership : owned.all()) {
      if (!desired.contains(ownership.partition())) {
        steps.add(release(ownership.partition()));
      } else if (!ownership.owner().equals(localId)) {
        steps.add(adopt(ownership, localId));
      }
    }
    for (PartitionId partition : desired) {
      if (owned.get(partition).isEmpty() && !stoppingHere.contains(partition)) {
        steps.add(acquire(partition, localId));
      }
    }
    Future.join(steps).onComplete(done -> {
      reconciling = false;
      boolean complete = desired.stream().allMatch(p -> owned.get(p).filter(o -> o.owner().equals(localId)).isPresent())
          && owned.all().size() == desired.size();
      if (again) {
        reconcile();
      } else if (!complete) {
        retryTimer = vertx.setTimer(config.claimRetryMs(), t -> reconcile());
      } else {
        settled.tryComplete();
      }
    });
  }

  /**
   * A new version of the app: its partitions are dealt again (a new app's are claimed), and each
   * one running here brings its views to the definition.
   */
  private void appChanged(String app) {
    if (stopping) {
      return;
    }
    reconcile();
    for (Ownership ownership : owned.all()) {
      if (ownership.partition().app().equals(app)) {
        host.refresh(ownership.partition())
            .onFailure(e -> LOG.warn("Could not apply the new definition of {} to partition {}", app, ownership.partition(), e));
      }
    }
  }

  /** Claims the partition if it may be claimed now, then recovers and serves it. */
  private Future<Void> acquire(PartitionId partition, String localId) {
    return catalog.claim(partition, localId, config.ownerLeaseMs()).compose(epoch -> {
      if (epoch.isEmpty()) {
        return Future.succeededFuture();
      }
      Ownership ownership = new Ownership(partition, localId, epoch.get());
      owned.add(ownership);
      LOG.info("Took partition {} under epoch {}", partition, ownership.epoch());
      return host.start(ownership).onSuccess(v -> startFailures.started(partition)).recover(failure -> {
        LOG.warn("Could not start partition {} under epoch {}; letting it go", partition, ownership.epoch(), failure);
        startFailures.failed(partition, failure);
        owned.remove(partition);
        return host.stop(partition).otherwiseEmpty()
            .compose(v -> catalog.release(partition, localId, ownership.epoch()))
            .otherwiseEmpty();
      });
    }).otherwise(failure -> {
      LOG.warn("Claiming partition {} failed: {}", partition, failure.getMessage());
      return null;
    });
  }

  /**
   * A partition this node holds under the id it had before it rejoined the cluster: the same
   * process, the same epoch, so its work goes on; only the owner row takes the new id (whose lease
   * the heartbeat renews), or, if another node has claimed it meanwhile, this node stops it.
   */
  private Future<Void> adopt(Ownership ownership, String localId) {
    PartitionId partition = ownership.partition();
    return catalog.adopt(partition, ownership.owner(), localId, ownership.epoch()).compose(kept -> {
      if (!kept) {
        return depose(partition);
      }
      owned.get(partition).filter(o -> o.epoch() == ownership.epoch())
          .ifPresent(o -> owned.add(new Ownership(partition, localId, o.epoch())));
      LOG.info("Kept partition {} under epoch {}: this member rejoined the cluster as {}", partition, ownership.epoch(), localId);
      return Future.<Void>succeededFuture();
    }).otherwise(failure -> {
      LOG.warn("Could not move partition {} to this member's new id: {}", partition, failure.getMessage());
      return null;
    });
  }

  /** Drains and flushes under the still valid epoch, then gives the partition up. */
  private Future<Void> release(PartitionId partition) {
    Ownership ownership = owned.get(partition).orElseThrow();
    stoppingHere.add(partition);
    return host.stop(partition)
        .eventually(() -> {
          stoppingHere.remove(partition);
          return Future.succeededFuture();
        })
        .otherwise(failure -> {
          LOG.warn("Stopping partition {} failed; releasing it anyway", partition, failure);
          return null;
        })
        .compose(v -> {
          owned.remove(partition);
          return catalog.release(partition, ownership.owner(), ownership.epoch());
        })
        .onSuccess(v -> LOG.info("Released partition {} (epoch {})", partition, ownership.epoch()))
        .otherwise(failure -> {
          LOG.warn("Releasing partition {} failed: {}", partition, failure.getMessage());
          return null;
        });
  }

  /** Another node owns the partition under a newer epoch: stop at once; its writes are refused anyway. */
  private Future<Void> depose(PartitionId partition) {
    LOG.warn("Partition {} was claimed by another node; stopping it here", partition);
    owned.remove(partition);
    stoppingHere.add(partition);
    return host.stop(partition).otherwise(failure -> null).onComplete(stopped -> stoppingHere.remove(partition));
  }
}
