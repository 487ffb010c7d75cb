package io.highwater.cluster;

import io.highwater.partition.PartitionId;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The partitions of this node's share that it could not start (it keeps trying), with why: while
 * any is listed the node is not ready, although it may have been before. Shared between threads.
 */
public final class StartFailures {

  private final Map<PartitionId, String> failed = new ConcurrentHashMap<>();

  void failed(PartitionId partition, Throwable cause) {
    failed.put(partition, String.valueOf(cause.getMessage()));
  }

  void started(PartitionId partition) {
    failed.remove(partition);
  }

  /** A partition no longer in this node's share is not this node's to start. */
  void retainOnly(Collection<PartitionId> share) {
    failed.keySet().retainAll(share);
  }

  /** Each failed partition's key and the error of its last start, in partition order. */
  public Map<String, String> current() {
    Map<String, String> now = new TreeMap<>();
    failed.forEach((partition, error) -> now.put(partition.key(), error));
    return now;
  }
}
