package io.highwater.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Unmeasured load through the server's own append API: batches from a source, from many connections at once,
 * until so many events are stored. It fills the log for the growth phases and creates the long-lived
 * aggregates; only its rate and its CPU are recorded. A failed append is sent again (its events still count
 * as missing); too many failures end the load.
 */
final class BulkLoad {

  private static final long MAX_ERRORS = 100;

  private final EventLoops loops;
  private final Appender appender;
  private final CpuClock cpu;

  BulkLoad(EventLoops loops, Appender appender, CpuClock cpu) {
    this.loops = loops;
    this.appender = appender;
    this.cpu = cpu;
  }

  /** What a load stored, how fast, and at what CPU. */
  record Result(long events, int batchSize, int connections, double seconds, long errors, CpuClock.Usage cpu) {
    double eventsPerSecond() {
      return events / seconds;
    }

    /** Server CPU milliseconds per stored event. */
    double serverMsPerEvent() {
      return 1000 * cpu.serverCores() * seconds / Math.max(1, events);
    }
  }

  /** Blocking: call from the main thread. Fails when more than MAX_ERRORS appends failed. */
  Result run(AppendSource source, long events, int batchSize, int connections) {
    AtomicLong reserved = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    AtomicReference<String> firstError = new AtomicReference<>();
    long started = System.nanoTime();
    CpuClock.Reading start = cpu.read();
    List<Future<Void>> running = new ArrayList<>();
    for (int i = 0; i < connections; i++) {
      running.add(loops.on(i, () -> {
        Promise<Void> done = Promise.promise();
        next(new Progress(source, events, batchSize, reserved, errors, firstError), done);
        return done.future();
      }));
    }
    Future.all(running).await();
    Result result = new Result(events, batchSize, connections, (System.nanoTime() - started) / 1e9, errors.get(), cpu.since(start));
    if (errors.get() > MAX_ERRORS) {
      throw new IllegalStateException("bulk load stopped after " + errors.get() + " failed appends; first: " + firstError.get());
    }
    return result;
  }

  private record Progress(AppendSource source, long target, int batchSize, AtomicLong reserved, AtomicLong errors,
      AtomicReference<String> firstError) {}

  /** Reserves the next batch's events, sends it, and gives them back when it fails. */
  private void next(Progress p, Promise<Void> done) {
    long from;
    int events;
    do {
      from = p.reserved().get();
      if (from >= p.target() || p.errors().get() > MAX_ERRORS) {
        done.complete();
        return;
      }
      events = (int) Math.min(p.batchSize(), p.target() - from);
    } while (!p.reserved().compareAndSet(from, from + events));
    int sent = events;
    appender.post(p.source().next(events)).onComplete(ar -> {
      if (ar.failed() || ar.result().statusCode() != 200) {
        p.errors().incrementAndGet();
        p.firstError().compareAndSet(null, ar.failed() ? String.valueOf(ar.cause()) : ar.result().statusCode() + " " + ar.result().bodyAsString());
        p.reserved().addAndGet(-sent);
      }
      next(p, done);
    });
  }
}
