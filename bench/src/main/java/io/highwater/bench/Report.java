package io.highwater.bench;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import org.HdrHistogram.Histogram;

/** The run as a markdown document: the ceiling, a row per phase, the server's memory, and the targets. */
final class Report {

  private Report() {}

  static String markdown(Results r, String plotFile) {
    StringBuilder md = new StringBuilder();
    md.append("# Highwater benchmark, ")
        .append(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").format(r.started().atOffset(ZoneOffset.UTC))).append("\n\n");
    md.append("- Machine: ").append(r.machine()).append('\n');
    md.append("- Load average (1 min) at the start and the end: ").append(r.loadAverages())
        .append(busyMachine(r.loadAverages()) ? " (above the core count: other work competed for the CPU)\n" : "\n");
    md.append("- Database: ").append(r.postgres()).append(", shared by the ceiling and the server\n");
    md.append("- Command: `").append(r.command()).append("`\n");
    md.append("- Server warm-up: ").append(r.serverWarmupSeconds())
        .append(" s of single-event closed loop before the first measured phase, not measured\n");
    md.append("- Time to consistency: ").append(r.ttcMethod()).append(", for one acknowledged append in ")
        .append(r.ttcSampleEvery()).append(", from its ack until `view:books_by_author` is consistent at its offset\n\n");

    ceilings(md, r.ceilings());

    md.append("\n## Highwater over HTTP (`POST /v1/apps/bookstore/ws/{ws}/events`)\n\n");
    md.append("Ratios are against the ").append(r.ceilings().basis()).append(" ceiling")
        .append(r.ceilings().hasPgbench() ? " (the median of its runs before and after these phases)" : "")
        .append(": single events against (a) commits/s, batches against (b) rows/s. Server CPU is the server process's"
            + " CPU time over the phase's window divided by the appends acknowledged in it.\n\n");
    md.append("| phase | clients | offered appends/s | appends/s | events/s | of ").append(r.ceilings().basis())
        .append(" ceiling | ack p50 ms | ack p99 ms | ack p99.9 ms | server CPU ms/append"
            + " | TTC cache p50 ms | TTC cache p99 ms | TTC storage p50 ms | TTC storage p99 ms | errors |\n");
    md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Phase p : r.phases()) {
      md.append("| ").append(p.name)
          .append(" | ").append(p.clients)
          .append(" | ").append(Double.isNaN(p.offeredRate) ? "max" : rate(p.offeredRate))
          .append(" | ").append(rate(p.appendsPerSecond()))
          .append(" | ").append(rate(p.eventsPerSecond()))
          .append(" | ").append(percent(r.ratioToCeiling(p))).append(p.batchSize == 1 ? " of (a)" : " of (b)")
          .append(" | ").append(ms(p.ack, 50)).append(" | ").append(ms(p.ack, 99)).append(" | ").append(ms(p.ack, 99.9))
          .append(" | ").append(cpuMs(p.serverMsPerAppend()))
          .append(" | ").append(ms(p.ttcCache, 50)).append(" | ").append(ms(p.ttcCache, 99))
          .append(" | ").append(ms(p.ttcStorage, 50)).append(" | ").append(ms(p.ttcStorage, 99))
          .append(" | ").append(p.errors.sum() + p.ttcFailures.sum()).append(" |\n");
    }
    md.append("\nAck latency runs from the send (closed loop) or from the intended send time (open loop: no coordinated"
        + " omission). Throughput counts the appends sent in the window, over the window stretched to their last ack."
        + " Errors: failed or non-200 appends, and consistency waits that timed out. Hot key: every book of a workspace"
        + " by one author, so each append adds a member to that workspace's one growing `books_by_author` value.\n");
    Results.Aggregates a = r.aggregates();
    md.append(String.format(Locale.ROOT, "Long-lived: %,d books created first with %d events each (%s events/s, not measured),"
            + " then updated one event per append, each based at its own last offset; %.0f events per book at the end.%n",
        a.books(), a.history(), rate(a.creation().eventsPerSecond()), a.meanEventsAtEnd()));
    for (Phase p : r.phases()) {
      if (p.firstError() != null) {
        md.append("\nFirst error in \"").append(p.name).append("\": `").append(p.firstError().replace('`', '\'').replace('\n', ' ')).append("`\n");
      }
    }
    md.append("\n![Ack latency against offered load](").append(plotFile).append(")\n");
    growth(md, r);

    md.append("\n## CPU during each phase's window (cores; the machine has ")
        .append(Runtime.getRuntime().availableProcessors()).append(")\n\n");
    md.append("| phase | server | load generator | whole machine (PostgreSQL and anything else included) | server CPU ms per append |\n");
    md.append("|---|---:|---:|---:|---:|\n");
    for (Phase p : r.phases()) {
      md.append("| ").append(p.name).append(" | ").append(cores(p.cpu.serverCores())).append(" | ").append(cores(p.cpu.benchCores()))
          .append(" | ").append(cores(p.cpu.machineCores())).append(" | ")
          .append(cpuMs(p.serverMsPerAppend())).append(" |\n");
    }

    Results.Memory m = r.memory();
    md.append("\n## Server memory (VmRSS)\n\n| when | MiB |\n|---|---:|\n");
    md.append("| ready, before the load | ").append(mib(m.startKib())).append(" |\n");
    if (m.soakMinutes() > 0) {
      md.append("| soak start | ").append(mib(m.soakStartKib())).append(" |\n");
      md.append("| soak end (").append(String.format(Locale.ROOT, "%.1f", m.soakMinutes())).append(" min) | ")
          .append(mib(m.soakEndKib())).append(" |\n");
      md.append("| soak maximum | ").append(mib(m.soakMaxKib())).append(" |\n");
    }
    md.append("| end of the run | ").append(mib(m.endKib())).append(" |\n");

    md.append("\n## Targets\n\n");
    targets(md, r);
    return md.toString();
  }

  private static void targets(StringBuilder md, Results r) {
    Phase single = r.singleMax();
    String basis = r.ceilings().basis();
    target(md, "Single-event appends/s at least " + basis + " ceiling (a)", r.ratioToCeiling(single) >= 1,
        rate(single.appendsPerSecond()) + " vs " + rate(r.ceilings().oneRow()) + " (" + percent(r.ratioToCeiling(single)) + ")");
    r.batchMax().ifPresent(batch -> target(md, "Events/s with " + batch.batchSize + "-event batches at least 50 % of " + basis
            + " ceiling (b)", r.ratioToCeiling(batch) >= 0.5,
        rate(batch.eventsPerSecond()) + " vs " + rate(r.ceilings().batchRows()) + " (" + percent(r.ratioToCeiling(batch)) + ")"));
    r.atHalfMax().ifPresent(half -> {
      String at = " at " + rate(half.offeredRate) + " appends/s offered";
      target(md, "Ack p99 under 20 ms" + at, p(half.ack, 99) < 20, ms(half.ack, 99) + " ms");
      target(md, "Time to consistency p99 under 5 ms at level cache" + at, p(half.ttcCache, 99) < 5, ms(half.ttcCache, 99) + " ms");
      long storageLimit = r.flushIntervalMs() + 20;
      target(md, "Time to consistency p99 under " + storageLimit + " ms (flush interval + 20) at level storage" + at,
          p(half.ttcStorage, 99) < storageLimit, ms(half.ttcStorage, 99) + " ms");
    });
    Results.Memory m = r.memory();
    if (m.soakMinutes() > 0) {
      double growth = (double) m.soakEndKib() / m.soakStartKib() - 1;
      target(md, "Resident memory flat over the soak (end within 10 % of start)", growth <= 0.10,
          mib(m.soakStartKib()) + " → " + mib(m.soakEndKib()) + " MiB (" + String.format(Locale.ROOT, "%+.1f %%", 100 * growth) + ")");
    } else {
      md.append("- Resident memory over a soak: not measured (run with `--soak-minutes 10`)\n");
    }
  }

  private static void target(StringBuilder md, String what, boolean met, String measured) {
    md.append("- ").append(what).append(": **").append(met ? "met" : "not met").append("**, ").append(measured).append('\n');
  }

  private static void ceilings(StringBuilder md, Results.Ceilings c) {
    md.append("## Ceiling: PostgreSQL alone, the server's `events` rows\n\n");
    if (c.hasPgbench()) {
      md.append("The ceiling of record: ").append(c.pgbench()).append(", prepared statements, run before and after the"
          + " server's phases into a scratch database with the server's `events` table (its first migration: same columns,"
          + " same indexes); (b) is one `INSERT … SELECT` over `generate_series`, each row's body text cast to jsonb."
          + " Beside it, the same rows through the server's client library (vertx-pg-client) from this JVM.\n\n");
    } else {
      md.append("**No pgbench** (").append(c.pgbench()).append("): the ceiling of record is the in-JVM one, the server's rows"
          + " through its client library (vertx-pg-client).\n\n");
    }
    md.append("| run | client | connections | rows per commit | commits/s | rows/s | commit p50 ms | commit p99 ms |\n");
    md.append("|---|---|---:|---:|---:|---:|---:|---:|\n");
    for (int i = 0; i < c.pgbenchOneRow().size(); i++) {
      ceilingRow(md, "(a) one-row INSERT transactions", "pgbench, " + c.pgbenchOneRow().get(i).name(), c.pgbenchOneRow().get(i));
    }
    if (c.hasPgbench()) {
      md.append("| (a) one-row INSERT transactions | **pgbench, median** | | | **").append(rate(c.oneRow())).append("** | | | |\n");
    }
    ceilingRow(md, "(a) one-row INSERT transactions", "in-JVM (vertx-pg-client)", c.jvmOneRow());
    String b = "(b) " + c.jvmBatches().rowsPerCommit() + "-row INSERT transactions";
    for (int i = 0; i < c.pgbenchBatches().size(); i++) {
      ceilingRow(md, b, "pgbench, " + c.pgbenchBatches().get(i).name(), c.pgbenchBatches().get(i));
    }
    if (c.hasPgbench()) {
      md.append("| ").append(b).append(" | **pgbench, median** | | | | **").append(rate(c.batchRows())).append("** | | |\n");
    }
    ceilingRow(md, b, "in-JVM (vertx-pg-client)", c.jvmBatches());
  }

  /** Single-event appends as the log grows, and the loads that filled it. */
  private static void growth(StringBuilder md, Results r) {
    if (r.growth().size() < 2) {
      md.append("\nGrowth: not measured (run with `--growth 1000000,5000000`).\n");
      return;
    }
    Phase first = r.growth().get(0).phase();
    md.append("\n## Growth: single-event appends as the log grows\n\n");
    md.append("The log filled between measurements through the append API (new books in the same workspaces, by the same"
        + " authors), not measured; the first row is the first single-event phase above.\n\n");
    md.append("| events in the log | appends/s | of first | of ").append(r.ceilings().basis())
        .append(" (a) | ack p50 ms | ack p99 ms | server CPU ms/append | filled at events/s | fill: connections × events/append"
            + " | fill: server CPU ms/event | fill errors |\n");
    md.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Results.GrowthStep step : r.growth()) {
      Phase p = step.phase();
      md.append("| ").append(String.format(Locale.ROOT, "%,d", step.logEvents()))
          .append(" | ").append(rate(p.appendsPerSecond()))
          .append(" | ").append(percent(p.appendsPerSecond() / first.appendsPerSecond()))
          .append(" | ").append(percent(r.ratioToCeiling(p)))
          .append(" | ").append(ms(p.ack, 50)).append(" | ").append(ms(p.ack, 99))
          .append(" | ").append(cpuMs(p.serverMsPerAppend()));
      step.fill().ifPresentOrElse(fill -> md.append(" | ").append(rate(fill.eventsPerSecond()))
              .append(" | ").append(fill.connections()).append(" × ").append(fill.batchSize())
              .append(" | ").append(String.format(Locale.ROOT, "%.3f", fill.serverMsPerEvent()))
              .append(" | ").append(fill.errors()).append(" |\n"),
          () -> md.append(" | – | – | – | – |\n"));
    }
  }

  private static void ceilingRow(StringBuilder md, String name, String client, Ceiling.Result c) {
    md.append("| ").append(name).append(" | ").append(client).append(" | ").append(c.connections()).append(" | ").append(c.rowsPerCommit())
        .append(" | ").append(rate(c.commitsPerSecond())).append(" | ").append(rate(c.rowsPerSecond()))
        .append(" | ").append(ms(c.latencyMicros(), 50)).append(" | ").append(ms(c.latencyMicros(), 99)).append(" |\n");
  }

  /** A percentile in milliseconds, NaN when nothing was recorded. */
  static double p(Histogram h, double percentile) {
    return h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(percentile) / 1000.0;
  }

  private static String ms(Histogram h, double percentile) {
    double value = p(h, percentile);
    return Double.isNaN(value) ? "–" : String.format(Locale.ROOT, value < 10 ? "%.2f" : "%.1f", value);
  }

  private static boolean busyMachine(String loadAverages) {
    try {
      for (String load : loadAverages.split(",\\s*")) {
        if (Double.parseDouble(load) > Runtime.getRuntime().availableProcessors()) {
          return true;
        }
      }
    } catch (NumberFormatException unknown) {
      // "?" off Linux
    }
    return false;
  }

  private static String cpuMs(double ms) {
    return String.format(Locale.ROOT, "%.2f", ms);
  }

  private static String cores(double cores) {
    return String.format(Locale.ROOT, "%.2f", cores);
  }

  private static String rate(double perSecond) {
    return String.format(Locale.ROOT, "%,.0f", perSecond);
  }

  private static String percent(double ratio) {
    return String.format(Locale.ROOT, "%.0f %%", 100 * ratio);
  }

  private static String mib(long kib) {
    return kib < 0 ? "–" : String.format(Locale.ROOT, "%,.0f", kib / 1024.0);
  }
}
