package io.highwater.bench;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Everything one run measured, which the report and the plot are made from. */
record Results(
    Instant started,
    String command,
    String machine,
    String loadAverages,
    String postgres,
    String ttcMethod,
    int ttcSampleEvery,
    long flushIntervalMs,
    long serverWarmupSeconds,
    Ceiling.Result oneRow,
    Ceiling.Result batches,
    List<Phase> phases,
    Memory memory) {

  /** The server's resident memory in KiB: after it became ready, at the end, and around the soak (-1: none). */
  record Memory(long startKib, long endKib, long soakStartKib, long soakEndKib, long soakMaxKib, double soakMinutes) {}

  /** The closed-loop phase with single-event appends: the server's maximum. */
  Phase singleMax() {
    return phases.stream().filter(p -> p.kind == Phase.Kind.CLOSED && p.batchSize == 1).findFirst().orElseThrow();
  }

  Optional<Phase> batchMax() {
    return phases.stream().filter(p -> p.kind == Phase.Kind.CLOSED && p.batchSize > 1).findFirst();
  }

  /** The open-loop phase offered closest to half the maximum, where the latency targets apply. */
  Optional<Phase> atHalfMax() {
    double half = singleMax().appendsPerSecond() / 2;
    return phases.stream().filter(p -> p.kind == Phase.Kind.OPEN)
        .min((a, b) -> Double.compare(Math.abs(a.offeredRate - half), Math.abs(b.offeredRate - half)));
  }

  /** A throughput as a fraction of its ceiling: single events against (a) commits, batches against (b) rows. */
  double ratioToCeiling(Phase phase) {
    return phase.batchSize == 1
        ? phase.appendsPerSecond() / oneRow.commitsPerSecond()
        : phase.eventsPerSecond() / batches.rowsPerSecond();
  }
}
