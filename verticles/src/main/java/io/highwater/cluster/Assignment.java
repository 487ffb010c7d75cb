package io.highwater.cluster;

import io.highwater.partition.PartitionId;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which member should own which partition. Every member computes the same answer from the same
 * member list; shares differ by at most one partition; and when a member joins or leaves, most
 * partitions stay where they are: each partition ranks the members by a hash of the pair
 * (rendezvous hashing) and goes to the first one in its ranking that still has room.
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
    List<PartitionId> ordered = partitions.stream().distinct().sorted(ORDER).toList();
    int base = ordered.size() / sorted.size();
    int extras = ordered.size() % sorted.size();
    Map<String, Integer> counts = new HashMap<>();
    for (PartitionId partition : ordered) {
      List<String> ranking = sorted.stream()
          .sorted(Comparator.comparingLong((String m) -> weight(partition, m)).reversed().thenComparing(m -> m))
          .toList();
      for (String member : ranking) {
        int count = counts.getOrDefault(member, 0);
        // Up to `base` each; `extras` members may take one more.
        if (count < base || (count == base && extras > 0)) {
          if (count == base) {
            extras--;
          }
          counts.put(member, count + 1);
          owners.put(partition, member);
          break;
        }
      }
    }
    return owners;
  }

  /** A well-mixed, JVM-independent weight of the pair (String.hashCode is fixed by the language). */
  private static long weight(PartitionId partition, String member) {
    long h = partition.key().hashCode() * 0x9E3779B97F4A7C15L + member.hashCode();
    h ^= h >>> 33;
    h *= 0xFF51AFD7ED558CCDL;
    h ^= h >>> 33;
    h *= 0xC4CEB9FE1A85EC53L;
    return h ^ (h >>> 33);
  }

  /** The partitions {@code member} should own. */
  public static Set<PartitionId> ownedBy(String member, Collection<String> members, Collection<PartitionId> partitions) {
    return of(members, partitions).entrySet().stream()
        .filter(e -> e.getValue().equals(member))
        .map(Map.Entry::getKey)
        .collect(Collectors.toCollection(java.util.LinkedHashSet::new));
  }
}
