package io.highwater.coordinator;

import io.highwater.cluster.Addresses;
import io.highwater.cluster.PartitionId;
import io.highwater.health.LagHealth;
import io.highwater.health.PartitionMonitor;
import io.highwater.metrics.HighwaterMetrics;
import io.highwater.metrics.PartitionGauges;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;

/**
 * The consistency coordinator of one app partition. Applies each report to the cluster-wide map
 * (forward only) and publishes the partition's new consistency, which wakes waiting reads and
 * subscriptions on every node. It also shows the partition's monitor every consistency reached and
 * has it assess the lags every check interval: if this loop stops, the monitor's assessment ages,
 * and readiness says so.
 */
public final class CoordinatorVerticle extends VerticleBase {

  private final PartitionId partition;
  private final ConsistencyMap map;
  private final PartitionMonitor monitor;
  private final LagHealth health;
  private final HighwaterMetrics metrics;
  private final long checkIntervalMs;
  private MessageConsumer<JsonObject> consumer;
  private PartitionGauges gauges;
  private long timerId = -1;

  /**
   * The map is an index rebuilt from PostgreSQL: the command processor and the actualizers report
   * what they recovered from it as they start.
   */
  public CoordinatorVerticle(PartitionId partition, ConsistencyMap map, PartitionMonitor monitor, LagHealth health,
      HighwaterMetrics metrics, long checkIntervalMs) {
    this.partition = partition;
    this.map = map;
    this.monitor = monitor;
    this.health = health;
    this.metrics = metrics;
    this.checkIntervalMs = checkIntervalMs;
  }

  @Override
  public Future<?> start() {
    // Its reporters run on this node: a deposed owner elsewhere must never receive their reports.
    consumer = vertx.eventBus().localConsumer(Addresses.coordinator(partition), this::onReport);
    return consumer.completion().onSuccess(v -> {
      gauges = metrics.partition(monitor);
      health.add(monitor);
      timerId = vertx.setPeriodic(checkIntervalMs, t -> monitor.assess());
    });
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timerId);
    health.remove(monitor);
    if (gauges != null) {
      gauges.remove();
    }
    return Future.succeededFuture();
  }

  private void onReport(Message<JsonObject> message) {
    map.advance(partition, Advance.fromJson(message.body()))
        .onSuccess(state -> {
          monitor.observe(state);
          publish(state);
          message.reply(state.toJson());
        })
        .onFailure(e -> message.fail(503, "consistency map unavailable: " + e.getMessage()));
  }

  private void publish(PartitionConsistency state) {
    vertx.eventBus().publish(Addresses.watermarks(partition), state.toJson());
  }
}
