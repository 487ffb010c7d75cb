package io.highwater.http;

import io.highwater.cluster.Addresses;
import io.highwater.partition.PartitionId;
import io.highwater.coordinator.ConsistencyMap;
import io.highwater.coordinator.ConsistencySource;
import io.highwater.watermark.PartitionConsistency;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * A partition's consistency as its owner answers it, wherever it runs, sent again while the
 * partition moves; or, for a node's first look only, the cluster map's copy when the owner does not
 * answer in time (it may lag behind the owner, never run ahead of it).
 */
final class OwnerConsistency implements ConsistencySource {

  private final OwnerRoute route;
  private final ConsistencyMap map;
  private final long ownerWaitMs;

  OwnerConsistency(OwnerRoute route, ConsistencyMap map, long ownerWaitMs) {
    this.route = route;
    this.map = map;
    this.ownerWaitMs = ownerWaitMs;
  }

  /** The owner's answer: fails when no owner answered within {@code timeoutMs}. */
  Future<PartitionConsistency> ask(PartitionId partition, long timeoutMs) {
    return route.<JsonObject>request(Addresses.consistency(partition), new JsonObject(), timeoutMs, reply -> reply.getBoolean("moved", false))
        .compose(reply -> reply.body().getBoolean("moved", false)
            ? Future.failedFuture("partition " + partition + " is moving to another node")
            : Future.succeededFuture(PartitionConsistency.fromJson(reply.body())));
  }

  @Override
  public Future<PartitionConsistency> current(PartitionId partition) {
    return ask(partition, ownerWaitMs).recover(e -> map.current(partition));
  }
}
