package io.highwater.cluster;

import io.highwater.partition.PartitionId;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Partitions dealt over members: every partition once, balanced, the same answer on every member. */
class AssignmentTest {

  private static List<PartitionId> partitions(String app, int count) {
    return IntStream.range(0, count).mapToObj(p -> new PartitionId(app, p)).toList();
  }

  @Test
  void threeMembersShareFourPartitionsTwoOneOne() {
    List<String> members = List.of("c", "a", "b");
    Map<PartitionId, String> owners = Assignment.of(members, partitions("bookstore", 4));
    assertThat(owners).containsOnlyKeys(partitions("bookstore", 4));
    Map<String, Integer> counts = new HashMap<>();
    owners.values().forEach(m -> counts.merge(m, 1, Integer::sum));
    assertThat(counts.values()).containsExactlyInAnyOrder(2, 1, 1);
    for (String member : members) {
      assertThat(Assignment.ownedBy(member, members, partitions("bookstore", 4))).hasSize(counts.get(member));
    }
  }

  @Test
  void mostPartitionsStayWhenAMemberLeavesOrJoins() {
    Random random = new Random(7);
    int moved = 0;
    int kept = 0;
    for (int round = 0; round < 200; round++) {
      List<String> members = new ArrayList<>();
      for (int m = 0; m < 3 + random.nextInt(4); m++) {
        members.add(UUID.randomUUID().toString());
      }
      List<PartitionId> all = partitions("bookstore", 16 + random.nextInt(48));
      Map<PartitionId, String> before = Assignment.of(members, all);
      String gone = members.get(random.nextInt(members.size()));
      List<String> survivors = new ArrayList<>(members);
      survivors.remove(gone);
      Map<PartitionId, String> after = Assignment.of(survivors, all);
      for (PartitionId p : all) {
        if (!before.get(p).equals(gone)) {
          if (before.get(p).equals(after.get(p))) {
            kept++;
          } else {
            moved++;
          }
        }
      }
    }
    // Round-robin would move most of the survivors' partitions; here only a few move to even out shares.
    assertThat((double) moved / (moved + kept)).as("moved %d, kept %d", moved, kept).isLessThan(0.25);
  }

  @Test
  void aLoneMemberOwnsEverythingAndNoMemberOwnsNothing() {
    assertThat(Assignment.ownedBy("solo", List.of("solo"), partitions("bookstore", 4))).hasSize(4);
    assertThat(Assignment.of(List.of(), partitions("bookstore", 4))).isEmpty();
    assertThat(Assignment.ownedBy("gone", List.of("a", "b"), partitions("bookstore", 4))).isEmpty();
  }

  @Test
  void randomClustersAreBalancedAndAgreedWhateverTheOrderMembersAreListedIn() {
    Random random = new Random(42);
    for (int round = 0; round < 200; round++) {
      List<String> members = new ArrayList<>();
      for (int m = 0; m < 1 + random.nextInt(7); m++) {
        members.add(UUID.randomUUID().toString());
      }
      List<PartitionId> all = new ArrayList<>(partitions("bookstore", 1 + random.nextInt(16)));
      all.addAll(partitions("ledger", random.nextInt(8)));
      Map<PartitionId, String> owners = Assignment.of(members, all);

      List<String> shuffled = new ArrayList<>(members);
      Collections.shuffle(shuffled, random);
      List<PartitionId> shuffledPartitions = new ArrayList<>(all);
      Collections.shuffle(shuffledPartitions, random);
      assertThat(Assignment.of(shuffled, shuffledPartitions)).isEqualTo(owners);

      assertThat(owners.keySet()).isEqualTo(Set.copyOf(all));
      Map<String, Integer> counts = new HashMap<>();
      members.forEach(m -> counts.put(m, 0));
      owners.values().forEach(m -> counts.merge(m, 1, Integer::sum));
      int min = Collections.min(counts.values());
      int max = Collections.max(counts.values());
      assertThat(max - min).as("shares %s", counts).isLessThanOrEqualTo(1);
      int total = 0;
      for (String member : members) {
        total += Assignment.ownedBy(member, members, all).size();
      }
      assertThat(total).isEqualTo(all.size());
    }
  }
}
