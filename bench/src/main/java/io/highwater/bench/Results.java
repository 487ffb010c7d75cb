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
    Ceilings ceilings,
    List<Phase> phases,
    Aggregates aggregates,
    List<GrowthStep> growth,
    Memory memory) {

  /**
   * PostgreSQL alone: pgbench's runs before and after the server's phases (none when there is no pgbench),
   * and the in-JVM runs through vertx-pg-client. The ceiling of record is pgbench's median, else the in-JVM run.
   * pgbench: its version and path, or why there was none.
   */
  record Ceilings(String pgbench, List<Ceiling.Result> pgbenchOneRow, List<Ceiling.Result> pgbenchBatches,
      Ceiling.Result jvmOneRow, Ceiling.Result jvmBatches) {

    boolean hasPgbench() {
      return !pgbenchOneRow.isEmpty();
    }

    /** Ceiling (a) of record, commits/s. */
    double oneRow() {
      return hasPgbench() ? median(pgbenchOneRow.stream().map(Ceiling.Result::commitsPerSecond).toList()) : jvmOneRow.commitsPerSecond();
    }

    /** Ceiling (b) of record, rows/s. */
    double batchRows() {
      return hasPgbench() ? median(pgbenchBatches.stream().map(Ceiling.Result::rowsPerSecond).toList()) : jvmBatches.rowsPerSecond();
    }

    /** Whose figures the ratios are against. */
    String basis() {
      return hasPgbench() ? "pgbench" : "in-JVM";
    }

    static double median(List<Double> values) {
      List<Double> sorted = values.stream().sorted().toList();
      int n = sorted.size();
      return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
  }

  /** The long-lived aggregates' pool: its books, their history before the phase, and their mean events at its end. */
  record Aggregates(int books, int history, double meanEventsAtEnd, BulkLoad.Result creation) {}

  /** A single-event measurement with so many events in the log, and the load that filled it (none for the first). */
  record GrowthStep(long logEvents, Phase phase, Optional<BulkLoad.Result> fill) {}

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

  /** A throughput as a fraction of the ceiling of record: single events against (a) commits, batches against (b) rows. */
  double ratioToCeiling(Phase phase) {
    return phase.batchSize == 1 ? phase.appendsPerSecond() / ceilings.oneRow() : phase.eventsPerSecond() / ceilings.batchRows();
  }
}
