package io.highwater.health;

import io.highwater.partition.PartitionId;
import io.highwater.watermark.Level;
import io.highwater.watermark.PartitionConsistency;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * The lag of one partition this node owns, fed by its coordinator: every consistency it reaches
 * ({@link #observe}, cheap: it runs on the append path), and an assessment every so often
 * ({@link #assess}) that measures each entity's lag and applies the {@link LagRule}. Observed and
 * assessed on the coordinator's context; the latest consistency and assessment are read from any
 * thread (metrics, readiness).
 */
public final class PartitionMonitor {

  /** One assessment: when it was made, each entity's lag at each level, and the reasons it makes the node unready. */
  public record Assessment(long atMs, List<EntityLag> lags, List<String> reasons) {}

  /** One offset per this many milliseconds is kept to tell lags in time. */
  private static final long RESOLUTION_MS = 10;
  private static final int CAPACITY = 4096;

  private final PartitionId partition;
  private final List<String> entities;
  private final LongSupplier clock;
  private final LagTracker tracker = new LagTracker(RESOLUTION_MS, CAPACITY);
  private final LagRule rule;
  private volatile PartitionConsistency state = PartitionConsistency.EMPTY;
  private volatile Assessment assessment;

  public PartitionMonitor(PartitionId partition, List<String> entities, LagRule.Bounds bounds, LongSupplier clock) {
    this.partition = partition;
    this.entities = List.copyOf(entities);
    this.clock = clock;
    this.rule = new LagRule(bounds, partition.toString());
    this.assessment = new Assessment(clock.getAsLong(), List.of(), List.of());
  }

  public PartitionId partition() {
    return partition;
  }

  public List<String> entities() {
    return entities;
  }

  public void observe(PartitionConsistency reached) {
    state = reached;
    tracker.observe(reached.cpOffset(), clock.getAsLong());
  }

  /** Measures every entity's lag now and applies the rule; the result is {@link #latest()} from then on. */
  public Assessment assess() {
    long now = clock.getAsLong();
    PartitionConsistency current = state;
    List<EntityLag> lags = new ArrayList<>();
    long lowest = Long.MAX_VALUE;
    for (String entity : entities) {
      String note = current.status().getOrDefault(entity, "");
      for (Level level : Level.values()) {
        long watermark = current.entity(entity).at(level);
        lowest = Math.min(lowest, watermark);
        lags.add(new EntityLag(entity, level, watermark, tracker.lagEvents(watermark), tracker.lagMs(watermark, now), note));
      }
    }
    if (lowest != Long.MAX_VALUE) {
      tracker.forgetUpTo(lowest);
    }
    Assessment made = new Assessment(now, List.copyOf(lags), rule.assess(lags, now));
    assessment = made;
    return made;
  }

  /** The latest consistency observed. */
  public PartitionConsistency state() {
    return state;
  }

  public Assessment latest() {
    return assessment;
  }

  /** The lag of the entity at the level in the latest assessment, 0 when it has none yet. */
  public EntityLag lag(String entity, Level level) {
    for (EntityLag lag : assessment.lags()) {
      if (lag.entity().equals(entity) && lag.level() == level) {
        return lag;
      }
    }
    return new EntityLag(entity, level, 0, 0, 0, "");
  }
}
