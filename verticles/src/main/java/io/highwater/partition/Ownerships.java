package io.highwater.partition;

import java.util.Optional;

/** Where a writer finds the ownership, and so the epoch, it writes a partition under. */
@FunctionalInterface
public interface Ownerships {

  /** The ownership a write of {@code partition} is made under; empty: none may be made. */
  Optional<Ownership> get(PartitionId partition);
}
