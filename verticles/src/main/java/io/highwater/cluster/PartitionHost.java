package io.highwater.cluster;

import io.highwater.partition.Ownership;
import io.highwater.partition.PartitionId;
import io.vertx.core.Future;

/** Runs the verticles of the partitions a node owns. */
public interface PartitionHost {

  /** Recovers the partition from PostgreSQL and starts serving it under {@code ownership}'s epoch. */
  Future<Void> start(Ownership ownership);

  /**
   * Brings a running partition's views to its app's current definition: views removed from it
   * stop, new ones are built beside the others. Nothing for a partition not running here.
   */
  Future<Void> refresh(PartitionId partition);

  /** Stops the partition's verticles: the command processor drains, the actualizers flush. */
  Future<Void> stop(PartitionId partition);
}
