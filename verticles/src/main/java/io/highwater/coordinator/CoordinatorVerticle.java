package io.highwater.coordinator;

import io.highwater.watermark.Advance;
import io.highwater.watermark.PartitionConsistency;
import io.highwater.cluster.Addresses;
import io.highwater.partition.PartitionId;
import io.highwater.health.LagHealth;
import io.highwater.health.PartitionMonitor;
import io.highwater.metrics.HighwaterMetrics;
import io.highwater.metrics.PartitionGauges;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consistency coordinator of one app partition, on its owner: the first-hand source of the
 * partition's watermarks (ADR 0013). Applies each report to the state it holds and answers at once;
 * publishes every new state to every node, and writes it into the cluster map after the report was
 * answered, coalesced. Answers any node's consistency questions about the partition. It also shows
 * the partition's monitor every consistency reached and has it assess the lags every check interval:
 * if this loop stops, the monitor's assessment ages, and readiness says so.
 */
public final class CoordinatorVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(CoordinatorVerticle.class);
  /** How long a new owner waits for the map's last copy before it starts from what PostgreSQL says. */
  static final long SEED_WAIT_MS = 2_000;
  /** How long a leaving owner waits for its last copy to reach the map. */
  static final long LAST_COPY_WAIT_MS = 2_000;

  private final PartitionId partition;
  private final long epoch;
  private final ConsistencyMap map;
  private final PartitionMonitor monitor;
  private final LagHealth health;
  private final HighwaterMetrics metrics;
  private final long checkIntervalMs;
  private PartitionGauges gauges;
  private long timerId = -1;
  private PartitionConsistency state;
  private boolean deposed;
  private CopyWriter copies;
  private List<MessageConsumer<JsonObject>> consumers = List.of();

  /**
   * The state is an index of PostgreSQL: the command processor and the actualizers report what
   * they recovered from it as they start, on top of the storage watermarks of the map's last copy.
   */
  public CoordinatorVerticle(PartitionId partition, long epoch, ConsistencyMap map, PartitionMonitor monitor, LagHealth health,
      HighwaterMetrics metrics, long checkIntervalMs) {
    this.partition = partition;
    this.epoch = epoch;
    this.map = map;
    this.monitor = monitor;
    this.health = health;
    this.metrics = metrics;
    this.checkIntervalMs = checkIntervalMs;
  }

  @Override
  public Future<?> start() {
    copies = new CopyWriter(vertx, map::publish, partition);
    return map.current(partition)
        .timeout(SEED_WAIT_MS, TimeUnit.MILLISECONDS)
        .recover(e -> {
          LOG.warn("No copy of the consistency of {} from the cluster map within {} ms; starting from the reports alone", partition, SEED_WAIT_MS);
          return Future.succeededFuture(PartitionConsistency.EMPTY);
        })
        .compose(seed -> {
          state = seed.startingUnder(epoch);
          // Its reporters run on this node: a deposed owner elsewhere must never receive their reports.
          consumers = List.of(
              vertx.eventBus().localConsumer(Addresses.coordinator(partition), this::onReport),
              vertx.eventBus().consumer(Addresses.consistency(partition), this::onQuestion),
              vertx.eventBus().consumer(Addresses.watermarks(partition), this::onPublished));
          return Future.all(consumers.stream().map(MessageConsumer::completion).toList());
        })
        .onSuccess(v -> {
          gauges = metrics.partition(monitor);
          health.add(monitor);
          monitor.observe(state);
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
    return Future.all(consumers.stream().map(MessageConsumer::unregister).toList())
        .eventually(() -> copies.stop(LAST_COPY_WAIT_MS));
  }

  /** Nothing but this node's memory is on the way to the answer: no map, no other member. */
  private void onReport(Message<JsonObject> message) {
    advance(state.advance(Advance.fromJson(message.body())));
    message.reply(state.toJson());
  }

  private void onQuestion(Message<JsonObject> message) {
    // A node that saw a newer owner's publication sends the question again, to that owner.
    message.reply(deposed ? new JsonObject().put("moved", true) : state.toJson());
  }

  /**
   * Other owners' publications: a newer epoch means this owner was deposed; an older one's storage
   * watermarks and offset are in PostgreSQL, so they may raise this owner's, never lower them.
   */
  private void onPublished(Message<JsonObject> message) {
    PartitionConsistency published = PartitionConsistency.fromJson(message.body());
    if (published.epoch() > epoch) {
      deposed = true;
    } else if (published.epoch() < epoch) {
      advance(published.merge(state));
    }
  }

  private void advance(PartitionConsistency next) {
    if (next.equals(state)) {
      return;
    }
    state = next;
    monitor.observe(state);
    vertx.eventBus().publish(Addresses.watermarks(partition), state.toJson());
    copies.offer(state);
  }
}
