package io.highwater.health;

import io.highwater.partition.PartitionId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The monitors of the partitions this node owns, each added by its coordinator as it starts and
 * removed as it stops, and what they say of readiness. Shared by the node's verticles.
 */
public final class LagHealth {

  private final LagRule.Bounds bounds;
  private final LongSupplier clock;
  private final Map<PartitionId, PartitionMonitor> monitors = new ConcurrentHashMap<>();

  public LagHealth(LagRule.Bounds bounds, LongSupplier clock) {
    this.bounds = bounds;
    this.clock = clock;
  }

  public PartitionMonitor monitor(PartitionId partition, List<String> entities) {
    return new PartitionMonitor(partition, entities, bounds, clock);
  }

  public void add(PartitionMonitor monitor) {
    monitors.put(monitor.partition(), monitor);
  }

  public void remove(PartitionMonitor monitor) {
    monitors.remove(monitor.partition(), monitor);
  }

  public Collection<PartitionMonitor> monitors() {
    return monitors.values();
  }

  /** Why this node should not take traffic because of lag, in partition order; empty when it should. */
  public List<String> reasons() {
    long now = clock.getAsLong();
    List<String> reasons = new ArrayList<>();
    monitors.values().stream()
        .sorted((a, b) -> a.partition().toString().compareTo(b.partition().toString()))
        .forEach(m -> {
          PartitionMonitor.Assessment latest = m.latest();
          List<String> silent = LagRule.silence(m.partition().toString(), latest.atMs(), now, bounds.maxSilenceMs());
          reasons.addAll(silent.isEmpty() ? latest.reasons() : silent);
        });
    return reasons;
  }
}
