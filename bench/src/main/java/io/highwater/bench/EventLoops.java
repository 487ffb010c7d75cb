package io.highwater.bench;

import io.vertx.core.AbstractVerticle;
import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * One event-loop context per event loop, on which the load runs: whatever a context starts (a connection,
 * a request) calls back on that same context, so the load spreads over every loop without sharing state
 * across threads except through thread-safe counters and histograms.
 */
final class EventLoops {

  private final List<Context> contexts;

  private EventLoops(List<Context> contexts) {
    this.contexts = contexts;
  }

  static EventLoops start(Vertx vertx, int count) {
    List<Context> contexts = new CopyOnWriteArrayList<>();
    vertx.deployVerticle(() -> new AbstractVerticle() {
      @Override
      public void start() {
        contexts.add(context);
      }
    }, new DeploymentOptions().setInstances(count)).await();
    return new EventLoops(List.copyOf(contexts));
  }

  int size() {
    return contexts.size();
  }

  Context get(int i) {
    return contexts.get(i % contexts.size());
  }

  /** Runs work on the i-th context (round-robin) and hands back its result. */
  <T> Future<T> on(int i, Supplier<Future<T>> work) {
    Promise<T> promise = Promise.promise();
    get(i).runOnContext(v -> {
      try {
        work.get().onComplete(promise);
      } catch (RuntimeException e) {
        promise.fail(e);
      }
    });
    return promise.future();
  }
}
