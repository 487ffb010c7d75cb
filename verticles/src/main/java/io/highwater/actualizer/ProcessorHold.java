package io.highwater.actualizer;

import io.highwater.cluster.Addresses;
import io.highwater.partition.Hold;
import io.highwater.partition.PartitionId;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * A hold on a partition's command processor (no group starts while it lasts), renewed every
 * {@link #RENEW_MS} until released, so that it does not expire under a holder still at work. Before
 * anything that counts on the processor having stood still (a view swapped in, a sync view handed
 * to the processor), the holder {@link #confirm}s it: a hold that expired meanwhile fails that step
 * instead of losing the appends made since.
 */
final class ProcessorHold {

  /** Far within any request timeout a processor's hold lasts for unrenewed. */
  static final long RENEW_MS = 500;

  private final Vertx vertx;
  private final String address;
  private final long timer;
  private boolean lost;

  private ProcessorHold(Vertx vertx, PartitionId partition) {
    this.vertx = vertx;
    this.address = Addresses.commandProcessorHold(partition);
    this.timer = vertx.setPeriodic(RENEW_MS, t -> renew().onSuccess(held -> lost |= !held));
  }

  /** Holds the partition's command processor: completes once no group of it is in flight. */
  static Future<ProcessorHold> take(Vertx vertx, PartitionId partition) {
    return vertx.eventBus().request(Addresses.commandProcessorHold(partition), Hold.HOLD).map(held -> new ProcessorHold(vertx, partition));
  }

  /** Fails with {@link HoldLost} if the processor has taken appends since the hold was taken. */
  Future<Void> confirm() {
    return renew().compose(held -> {
      lost |= !held;
      return lost ? Future.failedFuture(new HoldLost(address)) : Future.succeededFuture();
    });
  }

  /** Lets the processor take appends again. */
  Future<Void> release() {
    vertx.cancelTimer(timer);
    return vertx.eventBus().request(address, Hold.RESUME).mapEmpty();
  }

  private Future<Boolean> renew() {
    return vertx.eventBus().<Hold.State>request(address, Hold.RENEW).map(reply -> reply.body() == Hold.State.HELD);
  }

  /** The processor's hold expired while its holder was still at work. */
  static final class HoldLost extends IllegalStateException {
    HoldLost(String address) {
      super("the hold on " + address + " expired before its holder was done");
    }
  }
}
