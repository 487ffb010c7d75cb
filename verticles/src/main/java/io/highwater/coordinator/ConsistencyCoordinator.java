package io.highwater.coordinator;

import io.highwater.watermark.Advance;
import io.highwater.watermark.PartitionConsistency;
import io.highwater.watermark.Watermark;
import io.vertx.core.Future;

/**
 * The consistency coordinator of one app partition: fed by the command processor (its
 * offset, records cache consistency) and the actualizers (cache and storage consistency of views
 * and records); asked by any processor.
 */
public interface ConsistencyCoordinator {

  Future<PartitionConsistency> commitCacheConsistency(String entity, long offset);

  Future<PartitionConsistency> commitStorageConsistency(String entity, long offset);

  Future<Long> cpOffset();

  /** Several commits in one report, applied atomically. */
  Future<PartitionConsistency> commit(Advance report);
}
