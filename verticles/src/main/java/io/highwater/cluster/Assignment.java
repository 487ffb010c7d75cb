package io.highwater.cluster;

import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which member should own which partition: the partitions in order, dealt round-robin over the
 * members sorted by id, so every member computes the same answer from the same member list and no
 * member has more than one partition more than another.
 */
public final class Assignment {

  private static final Comparator<PartitionId> ORDER =
      Comparator.comparing(PartitionId::app).thenComparingInt(PartitionId::partition);

  private Assignment() {}

  /** Every partition with its member; empty when there is no member. */
  public static Map<PartitionId, String> of(Collection<String> members, Collection<PartitionId> partitions) {
    List<String> sorted = members.stream().distinct().sorted().toList();
    Map<PartitionId, String> owners = new LinkedHashMap<>();
    if (sorted.isEmpty()) {
      return owners;
    }
    List<PartitionId> ordered = partitions.stream().sorted(ORDER).toList();
    for (int i = 0; i < ordered.size(); i++) {
      owners.put(ordered.get(i), sorted.get(i % sorted.size()));
    }
    return owners;
  }

  /** The partitions {@code member} should own. */
  public static Set<PartitionId> ownedBy(String member, Collection<String> members, Collection<PartitionId> partitions) {
    return of(members, partitions).entrySet().stream()
        .filter(e -> e.getValue().equals(member))
        .map(Map.Entry::getKey)
        .collect(Collectors.toCollection(java.util.LinkedHashSet::new));
  }
}
