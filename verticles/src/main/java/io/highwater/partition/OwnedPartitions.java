package io.highwater.partition;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The partitions this node owns right now, each under the epoch of its ownership: the epoch every
 * write of the partition is fenced with in PostgreSQL.
 */
public final class OwnedPartitions {

  private final Map<PartitionId, Ownership> owned = new ConcurrentHashMap<>();

  public void add(Ownership ownership) {
    owned.put(ownership.partition(), ownership);
  }

  public void remove(PartitionId partition) {
    owned.remove(partition);
  }

  public Optional<Ownership> get(PartitionId partition) {
    return Optional.ofNullable(owned.get(partition));
  }

  public List<Ownership> all() {
    return owned.values().stream().sorted((a, b) -> a.partition().key().compareTo(b.partition().key())).toList();
  }
}
