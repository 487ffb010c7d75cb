package io.highwater.http;

import io.highwater.partition.PartitionId;
import io.highwater.watermark.PartitionConsistency;
import io.highwater.watermark.Watermark;
import io.vertx.core.Vertx;
import java.util.function.Consumer;

/**
 * An {@code await}: answers exactly once, {@code consistent} when an offered consistency covers the
 * offset, or {@code timeout} when its timer fires first.
 *
 * <p>It is fed by the socket's {@link SubscriptionIndex} rather than by {@code ConsistencyWatch.await},
 * because that wait cannot be cancelled: a {@code cancel} or a closed socket must release the timer
 * and the index entry at once, not when the timeout ends.
 */
final class AwaitSubscription implements Subscription {

  private final WebSocketRequest.Await request;
  private final Vertx vertx;
  private final WebSocketOutbox outbox;
  private final Consumer<Subscription> finished;
  private Watermark latest = Watermark.NONE;
  private long timerId = -1;
  private boolean done;

  private AwaitSubscription(WebSocketRequest.Await request, Vertx vertx, WebSocketOutbox outbox, Consumer<Subscription> finished) {
    this.request = request;
    this.vertx = vertx;
    this.outbox = outbox;
    this.finished = finished;
  }

  /** An await whose timeout runs from now; {@code finished} is told before it answers. */
  static AwaitSubscription start(WebSocketRequest.Await request, Vertx vertx, WebSocketOutbox outbox,
      Consumer<Subscription> finished) {
    AwaitSubscription await = new AwaitSubscription(request, vertx, outbox, finished);
    await.timerId = vertx.setTimer(request.timeoutMs(), t -> await.answer("timeout"));
    return await;
  }

  @Override
  public String id() {
    return request.id();
  }

  @Override
  public PartitionId partition() {
    return request.partition();
  }

  @Override
  public void offer(PartitionConsistency state) {
    if (done) {
      return;
    }
    Watermark offered = state.entity(request.entity());
    // The larger of each: an older state offered after a newer one must not lower what we report.
    latest = latest.max(offered);
    if (latest.at(request.level()) >= request.offset()) {
      answer("consistent");
    }
  }

  @Override
  public void stop() {
    done = true;
    vertx.cancelTimer(timerId);
  }

  private void answer(String type) {
    if (done) {
      return;
    }
    stop();
    finished.accept(this);
    outbox.reply(WebSocketFrames.awaited(type, request, latest));
  }
}
