package io.highwater.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.highwater.partition.PartitionId;
import io.highwater.watermark.Level;
import io.highwater.watermark.PartitionConsistency;
import io.highwater.watermark.Watermark;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class PartitionMonitorTest {

  @Test
  void a_view_that_stops_while_the_processor_goes_on_lags_and_then_makes_the_node_unready() {
    AtomicLong now = new AtomicLong(0);
    LagHealth health = new LagHealth(new LagRule.Bounds(1_000, 1_000, 500, 5_000), now::get);
    PartitionMonitor monitor = health.monitor(new PartitionId("shop", 0), List.of("records", "view:v"));
    health.add(monitor);

    monitor.observe(new PartitionConsistency(10, Map.of("records", new Watermark(10, 10), "view:v", new Watermark(10, 10))));
    monitor.assess();
    assertThat(health.reasons()).isEmpty();

    now.set(100);
    monitor.observe(new PartitionConsistency(12, Map.of("records", new Watermark(12, 12), "view:v", new Watermark(10, 10))));
    now.set(1_200);
    monitor.assess();
    assertThat(monitor.lag("view:v", Level.STORAGE).lagEvents()).isEqualTo(2);
    assertThat(monitor.lag("view:v", Level.STORAGE).lagMs()).isEqualTo(1_100);
    assertThat(monitor.lag("records", Level.CACHE).lagEvents()).isZero();
    assertThat(health.reasons()).as("over the bound, not yet for long").isEmpty();
    now.set(1_700);
    monitor.assess();
    assertThat(health.reasons()).hasSize(2).allSatisfy(r -> assertThat(r).contains("view:v of shop/0"));

    monitor.observe(new PartitionConsistency(12, Map.of("records", new Watermark(12, 12), "view:v", new Watermark(12, 12))));
    monitor.assess();
    assertThat(health.reasons()).as("caught up").isEmpty();

    now.set(1_700 + 5_001);
    assertThat(health.reasons()).as("no assessment since").singleElement().asString().contains("have not been reported");
    health.remove(monitor);
    assertThat(health.reasons()).as("a partition gone from the node says nothing").isEmpty();
  }
}
