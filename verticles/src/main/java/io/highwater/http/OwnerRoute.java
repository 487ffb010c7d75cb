package io.highwater.http;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.util.function.Predicate;

/**
 * Requests to a partition's owner, on whichever node it runs. While the partition has no owner (it
 * is moving: the old owner has let go, the new one is recovering), or the owner answers that it
 * has just let go, the request is sent again every {@code retryMs} until its time is up. Only
 * answers that guarantee nothing was done are retried.
 */
final class OwnerRoute {

  private final Vertx vertx;
  private final long retryMs;

  OwnerRoute(Vertx vertx, long retryMs) {
    this.vertx = vertx;
    this.retryMs = retryMs;
  }

  <T> Future<Message<T>> request(String address, Object body, long timeoutMs, Predicate<T> letGo) {
    return attempt(address, body, System.nanoTime() + timeoutMs * 1_000_000L, letGo);
  }

  private <T> Future<Message<T>> attempt(String address, Object body, long deadline, Predicate<T> letGo) {
    long remainingMs = Math.max(1, (deadline - System.nanoTime()) / 1_000_000L);
    return vertx.eventBus().<T>request(address, body, new DeliveryOptions().setSendTimeout(remainingMs)).transform(ar -> {
      boolean retry = ar.succeeded()
          ? letGo.test(ar.result().body())
          : ar.cause() instanceof ReplyException reply && reply.failureType() == ReplyFailure.NO_HANDLERS;
      if (!retry || (deadline - System.nanoTime()) / 1_000_000L <= retryMs) {
        return ar.succeeded() ? Future.succeededFuture(ar.result()) : Future.failedFuture(ar.cause());
      }
      return vertx.timer(retryMs).compose(t -> attempt(address, body, deadline, letGo));
    });
  }
}
