package io.highwater.partition;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The partitions this node owns right now, each under the epoch of its ownership: the epoch every
 * write of the partition is fenced with in PostgreSQL.
 */
public final class OwnedPartitions implements Ownerships {

  private final Map<PartitionId, Ownership> owned = new ConcurrentHashMap<>();

  public void add(Ownership ownership) {
    owned.put(ownership.partition(), ownership);
  }

  public void remove(PartitionId partition) {
    owned.remove(partition);
  }

  @Override
  public Optional<Ownership> get(PartitionId partition) {
    return Optional.ofNullable(owned.get(partition));
  }

  /**
   * What a writer that started under {@code ownership} writes under: that ownership, while this node
   * holds the partition under the same epoch, and nothing once it does not. A writer left over from
   * an earlier ownership of a partition this node has since claimed again is refused, never lent
   * the newer epoch.
   */
  public Ownerships pinnedTo(Ownership ownership) {
    return partition -> partition.equals(ownership.partition())
        ? get(partition).filter(now -> now.epoch() == ownership.epoch())
        : Optional.empty();
  }

  public List<Ownership> all() {
    return owned.values().stream().sorted((a, b) -> a.partition().key().compareTo(b.partition().key())).toList();
  }
}
