package io.highwater.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Single-event appends of one source offered at a fixed rate whatever the answers, spread over every event loop. Each append's latency
 * runs from the time it was meant to be sent, so a stalled server or client is charged for every append it
 * delayed (no coordinated omission).
 */
final class OpenLoop {

  private final Vertx vertx;
  private final EventLoops loops;
  private final Appender appender;
  private final AppendSource source;
  private final CpuClock cpu;

  OpenLoop(Vertx vertx, EventLoops loops, Appender appender, AppendSource source, CpuClock cpu) {
    this.vertx = vertx;
    this.loops = loops;
    this.appender = appender;
    this.source = source;
    this.cpu = cpu;
  }

  /** Blocking: call from the main thread. */
  Phase run(String name, Phase.Kind kind, double rate, int connections, Duration duration) throws InterruptedException {
    Phase phase = new Phase(name, kind, 1, rate, connections, Duration.ZERO, duration);
    int schedulers = loops.size();
    long interval = Math.round(1e9 * schedulers / rate);
    List<Future<Void>> running = new ArrayList<>();
    for (int i = 0; i < schedulers; i++) {
      long first = phase.windowStart + Math.round(1e9 * i / rate);
      running.add(loops.on(i, () -> schedule(phase, first, interval)));
    }
    cpu.measure(phase);
    Future.all(running).await();
    phase.close().await();
    return phase;
  }

  /** Sends what is due by now (the intended times are first, first + interval, …), then sleeps until the next. */
  private Future<Void> schedule(Phase phase, long first, long interval) {
    Promise<Void> done = Promise.promise();
    tick(phase, first, interval, done);
    return done.future();
  }

  private void tick(Phase phase, long due, long interval, Promise<Void> done) {
    long now = System.nanoTime();
    while (due <= now && due < phase.windowEnd) {
      appender.append(phase, source, 1, due);
      due += interval;
    }
    if (due >= phase.windowEnd) {
      done.complete();
      return;
    }
    long next = due;
    vertx.setTimer(Math.max(1, (next - now + 999_999) / 1_000_000), t -> tick(phase, next, interval, done));
  }
}
