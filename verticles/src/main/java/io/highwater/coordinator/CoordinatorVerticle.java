package io.highwater.coordinator;

import io.highwater.cluster.Addresses;
import io.highwater.cluster.PartitionId;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;

/**
 * The consistency coordinator of one app partition. Applies each report to the cluster-wide map
 * (forward only) and publishes the partition's new consistency, which wakes waiting reads and
 * subscriptions on every node.
 */
public final class CoordinatorVerticle extends VerticleBase {

  private final PartitionId partition;
  private final ConsistencyMap map;
  private MessageConsumer<JsonObject> consumer;

  /**
   * The map is an index rebuilt from PostgreSQL: the command processor and the actualizers report
   * what they recovered from it as they start.
   */
  public CoordinatorVerticle(PartitionId partition, ConsistencyMap map) {
    this.partition = partition;
    this.map = map;
  }

  @Override
  public Future<?> start() {
    // Its reporters run on this node: a deposed owner elsewhere must never receive their reports.
    consumer = vertx.eventBus().localConsumer(Addresses.coordinator(partition), this::onReport);
    return consumer.completion();
  }

  private void onReport(Message<JsonObject> message) {
    map.advance(partition, Advance.fromJson(message.body()))
        .onSuccess(state -> {
          publish(state);
          message.reply(state.toJson());
        })
        .onFailure(e -> message.fail(503, "consistency map unavailable: " + e.getMessage()));
  }

  private void publish(PartitionConsistency state) {
    vertx.eventBus().publish(Addresses.watermarks(partition), state.toJson());
  }
}
