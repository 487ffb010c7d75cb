package io.highwater.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * One measured phase against the server: what it offered, what was acknowledged, and its latencies in
 * microseconds. An append counts when it was (meant to be) sent inside the measurement window; appends and
 * consistency probes are tracked until the last of them has answered.
 */
final class Phase {

  enum Kind { CLOSED, OPEN, SOAK }

  private static final long MAX_MICROS = TimeUnit.MINUTES.toMicros(10);

  final String name;
  final Kind kind;
  final int batchSize;
  /** Appends per second offered (open loop), or NaN (closed loop: as fast as answers come). */
  final double offeredRate;
  final int clients;
  final long windowStart;
  final long windowEnd;

  final Histogram ack = new ConcurrentHistogram(MAX_MICROS, 3);
  final Histogram ttcCache = new ConcurrentHistogram(MAX_MICROS, 3);
  final Histogram ttcStorage = new ConcurrentHistogram(MAX_MICROS, 3);
  /** Who used the CPU during the window; set once it has passed. */
  volatile CpuClock.Usage cpu = CpuClock.Usage.NONE;
  final LongAdder appends = new LongAdder();
  final LongAdder errors = new LongAdder();
  final LongAdder ttcFailures = new LongAdder();
  private final AtomicLong sampled = new AtomicLong();
  private final AtomicLong lastAck = new AtomicLong();
  private final AtomicLong inFlight = new AtomicLong();
  private final Promise<Void> drained = Promise.promise();
  private volatile boolean closed;
  private volatile String firstError;

  Phase(String name, Kind kind, int batchSize, double offeredRate, int clients, Duration warmup, Duration duration) {
    this.name = name;
    this.kind = kind;
    this.batchSize = batchSize;
    this.offeredRate = offeredRate;
    this.clients = clients;
    this.windowStart = System.nanoTime() + warmup.toNanos();
    this.windowEnd = windowStart + duration.toNanos();
  }

  boolean counts(long sentNanos) {
    return sentNanos >= windowStart && sentNanos < windowEnd;
  }

  /** Whether this acknowledged append is the one in n whose time to consistency is measured. */
  boolean sample(int every) {
    return sampled.getAndIncrement() % every == 0;
  }

  void acked(long sentNanos, long ackNanos) {
    appends.increment();
    ack.recordValue(Math.min(MAX_MICROS, (ackNanos - sentNanos) / 1000));
    lastAck.accumulateAndGet(ackNanos, Math::max);
  }

  void failed(String what) {
    errors.increment();
    noteError(what);
  }

  void ttcFailed(String what) {
    ttcFailures.increment();
    noteError(what);
  }

  private void noteError(String what) {
    if (firstError == null) {
      firstError = what.length() > 300 ? what.substring(0, 300) + "…" : what;
      System.err.println("[" + name + "] first error: " + firstError);
    }
  }

  String firstError() {
    return firstError;
  }

  /** An append or a probe has started. */
  void begin() {
    inFlight.incrementAndGet();
  }

  /** An append or a probe has ended. */
  void end() {
    if (inFlight.decrementAndGet() == 0 && closed) {
      drained.tryComplete();
    }
  }

  /** No more will begin: completes once everything begun has ended. */
  Future<Void> close() {
    closed = true;
    if (inFlight.get() == 0) {
      drained.tryComplete();
    }
    return drained.future();
  }

  /** The window, stretched to the last ack when the server answered the window's appends later. */
  double seconds() {
    return (Math.max(windowEnd, lastAck.get()) - windowStart) / 1e9;
  }

  double appendsPerSecond() {
    return appends.sum() / seconds();
  }

  double eventsPerSecond() {
    return appendsPerSecond() * batchSize;
  }

  /** The server's CPU milliseconds per acknowledged append over the window. */
  double serverMsPerAppend() {
    return 1000 * cpu.serverCores() / Math.max(1e-9, appendsPerSecond());
  }
}
