package io.highwater.coordinator;

import io.highwater.watermark.PartitionConsistency;
import io.highwater.partition.PartitionId;
import io.vertx.core.Future;

/** Where a node first learns a partition's consistency, before publications keep it current. */
@FunctionalInterface
public interface ConsistencySource {

  Future<PartitionConsistency> current(PartitionId partition);
}
