package io.highwater.coordinator;

import io.highwater.watermark.Advance;
import io.highwater.watermark.PartitionConsistency;
import io.highwater.watermark.Watermark;
import io.highwater.cluster.Addresses;
import io.highwater.partition.PartitionId;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import java.util.Map;

/**
 * The coordinator as its reporters and this node's readers see it: commits, stamped with the epoch
 * of this node's ownership, and questions travel over the event bus to the partition's coordinator
 * verticle on this node, which answers from its memory.
 */
public final class CoordinatorClient implements ConsistencyCoordinator {

  private final EventBus eventBus;
  private final PartitionId partition;
  private final long epoch;

  public CoordinatorClient(EventBus eventBus, PartitionId partition, long epoch) {
    this.eventBus = eventBus;
    this.partition = partition;
    this.epoch = epoch;
  }

  @Override
  public Future<PartitionConsistency> commitCacheConsistency(String entity, long offset) {
    return commit(Advance.cache(entity, offset));
  }

  @Override
  public Future<PartitionConsistency> commitStorageConsistency(String entity, long offset) {
    return commit(Advance.storage(entity, offset));
  }

  @Override
  public Future<Long> cpOffset() {
    return current().map(PartitionConsistency::cpOffset);
  }

  /** What the coordinator holds: a report of nothing, answered with its state. */
  public Future<PartitionConsistency> current() {
    return commit(new Advance(0, Map.of(), Map.of()));
  }

  @Override
  public Future<PartitionConsistency> commit(Advance report) {
    return eventBus.<JsonObject>request(Addresses.coordinator(partition), report.under(epoch).toJson())
        .map(reply -> PartitionConsistency.fromJson(reply.body()));
  }
}
