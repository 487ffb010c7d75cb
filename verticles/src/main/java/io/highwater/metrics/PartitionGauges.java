package io.highwater.metrics;

import io.highwater.watermark.Level;
import io.highwater.health.PartitionMonitor;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.List;

/**
 * The gauges of one partition this node owns, read from its monitor at each scrape: the command
 * processor's offset, and each entity's watermark and lag per level. Removed when the partition
 * leaves the node, so that only its owner reports it.
 */
public final class PartitionGauges {

  private final MeterRegistry registry;
  private final List<Meter> meters = new ArrayList<>();

  PartitionGauges(MeterRegistry registry, PartitionMonitor monitor) {
    this.registry = registry;
    Tags partition = Tags.of("app", monitor.partition().app(), "partition", String.valueOf(monitor.partition().partition()));
    meters.add(Gauge.builder("highwater.cp.offset", monitor, m -> m.state().cpOffset())
        .description("Offset of the last event the command processor made durable").tags(partition).register(registry));
    for (String entity : monitor.entities()) {
      for (Level level : Level.values()) {
        Tags tags = partition.and("entity", entity, "level", level.wireName());
        meters.add(Gauge.builder("highwater.watermark", monitor, m -> m.state().entity(entity).at(level))
            .description("Offset up to which an entity is consistent, per level").tags(tags).register(registry));
        meters.add(Gauge.builder("highwater.lag.events", monitor, m -> m.lag(entity, level).lagEvents())
            .description("Events the command processor made durable beyond an entity's watermark").tags(tags).register(registry));
        meters.add(Gauge.builder("highwater.lag.seconds", monitor, m -> m.lag(entity, level).lagMs() / 1000.0)
            .description("How long the first event beyond an entity's watermark has been durable").tags(tags).register(registry));
      }
    }
  }

  public void remove() {
    meters.forEach(registry::remove);
    meters.clear();
  }
}
