package io.highwater.http;

import io.highwater.partition.PartitionId;
import io.highwater.watermark.PartitionConsistency;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The subscriptions of one HttpVerticle instance's sockets, by partition, so that a consistency
 * change costs only the subscriptions of its partition. Used from that verticle's context only.
 */
final class SubscriptionIndex {

  private static final Logger LOG = LoggerFactory.getLogger(SubscriptionIndex.class);

  private final Map<PartitionId, Set<Subscription>> byPartition = new HashMap<>();

  void add(Subscription subscription) {
    byPartition.computeIfAbsent(subscription.partition(), p -> new LinkedHashSet<>()).add(subscription);
  }

  void remove(Subscription subscription) {
    Set<Subscription> set = byPartition.get(subscription.partition());
    if (set != null && set.remove(subscription) && set.isEmpty()) {
      byPartition.remove(subscription.partition());
    }
  }

  /** The ConsistencyWatch listener: fans a change out to the partition's subscriptions. */
  void changed(PartitionId partition, PartitionConsistency state) {
    Set<Subscription> set = byPartition.get(partition);
    if (set == null) {
      return;
    }
    // A copy: offering may end subscriptions (an await answered, a slow client closed) mid-loop.
    List<Subscription> snapshot = new ArrayList<>(set);
    for (Subscription subscription : snapshot) {
      try {
        subscription.offer(state);
      } catch (RuntimeException e) {
        // One broken subscription must not keep the change from the others, nor from other listeners.
        LOG.error("WebSocket subscription {} failed on a change of {}", subscription.id(), partition, e);
      }
    }
  }
}
