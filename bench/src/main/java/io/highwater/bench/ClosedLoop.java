package io.highwater.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** N clients, each sending its next append as soon as the previous one is answered, for a fixed time. */
final class ClosedLoop {

  private final EventLoops loops;
  private final Appender appender;
  private final CpuClock cpu;

  ClosedLoop(EventLoops loops, Appender appender, CpuClock cpu) {
    this.loops = loops;
    this.appender = appender;
    this.cpu = cpu;
  }

  /** Blocking: call from the main thread. Latency runs from each append's actual send. */
  Phase run(String name, AppendSource source, int clients, int batchSize, Duration warmup, Duration duration)
      throws InterruptedException {
    Phase phase = new Phase(name, Phase.Kind.CLOSED, batchSize, Double.NaN, clients, warmup, duration);
    List<Future<Void>> running = new ArrayList<>();
    for (int i = 0; i < clients; i++) {
      running.add(loops.on(i, () -> {
        Promise<Void> done = Promise.promise();
        next(phase, source, done);
        return done.future();
      }));
    }
    cpu.measure(phase);
    Future.all(running).await();
    phase.close().await();
    return phase;
  }

  private void next(Phase phase, AppendSource source, Promise<Void> done) {
    long sent = System.nanoTime();
    if (sent >= phase.windowEnd) {
      done.complete();
      return;
    }
    appender.append(phase, source, phase.batchSize, sent).onComplete(ar -> next(phase, source, done));
  }
}
