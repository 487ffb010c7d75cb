package io.highwater.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * One run, one command: the PostgreSQL ceiling (pgbench before, in-JVM), then the server from its jar under
 * closed- and open-loop load with time to consistency, pgbench again, then a markdown report and a PNG plot
 * under the results directory.
 * The main thread orchestrates and blocks on futures; the load runs on Vert.x event loops.
 */
public final class Benchmark {

  private static final String VIEWS_FLUSH_ENV = "HIGHWATER_VIEWS_FLUSH_INTERVAL_MS";

  private Benchmark() {}

  /** What a run wrote. */
  record Written(Path markdown, Path plot, Results results) {}

  public static void main(String[] args) {
    System.setProperty("java.awt.headless", "true");
    Options options;
    try {
      options = Options.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    try {
      Written written = run(options);
      System.out.println();
      System.out.println(Files.readString(written.markdown()));
      System.out.println("Wrote " + written.markdown() + " and " + written.plot());
      System.exit(0);
    } catch (Exception e) {
      e.printStackTrace();
      System.exit(1);
    }
  }

  static Written run(Options o) throws Exception {
    require(o.serverJar(), "the server jar (build it: mvn -B -DskipTests package)");
    require(o.confDir().resolve("config.json"), "the server's configuration (--conf-dir)");
    Optional<Path> pgbenchBinary = "none".equals(o.pgbench()) ? Optional.empty() : Pgbench.find(o.pgbench());
    Instant started = Instant.now();
    String loadAtStart = loadAverage();
    String stamp = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").format(started.atOffset(ZoneOffset.UTC));
    String suffix = stamp.replace('-', '_') + "_" + ProcessHandle.current().pid();
    Workload workload = new Workload("ws", "b", o.workspaces(), o.authors());
    Vertx vertx = Vertx.vertx();
    try (Postgres pg = o.pgUrl() == null ? Postgres.embedded(o.serverJar(), o.workDir().resolve("pg")) : Postgres.external(o.pgUrl())) {
      EventLoops loops = EventLoops.start(vertx, VertxOptions.DEFAULT_EVENT_LOOP_POOL_SIZE);
      String postgres = pg.describe(vertx).await();
      log("Using " + postgres);
      String pgbenchDatabase = "highwater_pgbench_" + suffix;
      Optional<Pgbench> pgbench = pgbenchBinary.map(binary -> new Pgbench(binary, pg.url(pgbenchDatabase), o.workDir(), workload));
      if (pgbench.isEmpty()) {
        log("no pgbench: the in-JVM ceiling is the ceiling of record");
      } else {
        createScratch(vertx, pg, pgbenchDatabase, o).compose(v -> Postgres.withConnection(vertx, pg.url(pgbenchDatabase),
            c -> c.query("CREATE SEQUENCE " + Pgbench.OFFSETS).execute().mapEmpty())).await();
      }
      try {
        List<Ceiling.Result> pgbenchOneRow = new ArrayList<>();
        List<Ceiling.Result> pgbenchBatches = new ArrayList<>();
        if (pgbench.isPresent()) {
          pgbench(pgbench.get(), "before", o, pgbenchOneRow, pgbenchBatches);
        }
        JvmCeiling jvm = jvmCeilings(vertx, loops, pg, "highwater_ceiling_" + suffix, workload, o);
        ServerPhases.Outcome server = new ServerPhases(vertx, loops, workload, o, partitions(o)).run(pg, "highwater_bench_" + suffix);
        if (pgbench.isPresent()) {
          pgbench(pgbench.get(), "after", o, pgbenchOneRow, pgbenchBatches);
        }
        String noPgbench = "none".equals(o.pgbench()) ? "`--pgbench none`" : "none found; `--pgbench PATH` names one";
        Results.Ceilings ceilings = new Results.Ceilings(pgbench.isPresent() ? pgbench.get().version() : noPgbench,
            pgbenchOneRow, pgbenchBatches, jvm.oneRow(), jvm.batches());
        Results results = new Results(started, o.command(), machine(), loadAtStart + ", " + loadAverage(), postgres,
            server.ttcMethod(), o.ttcSampleEvery(), flushIntervalMs(o), o.serverWarmup().toSeconds(), ceilings,
            server.phases(), server.aggregates(), server.growth(), server.memory());
        return write(results, o.resultsDir(), stamp);
      } finally {
        if (pgbench.isPresent()) {
          pg.dropDatabase(vertx, pgbenchDatabase).await();
        }
      }
    } finally {
      vertx.close().await();
    }
  }

  private record JvmCeiling(Ceiling.Result oneRow, Ceiling.Result batches) {}

  /** A database holding the server's event log tables, as its first migration creates them. */
  private static Future<Void> createScratch(Vertx vertx, Postgres pg, String database, Options o) {
    return pg.createDatabase(vertx, database).compose(v -> Postgres.createEventLog(vertx, pg.url(database), o.serverJar()));
  }

  /** pgbench's (a) and (b), in its scratch database. */
  private static void pgbench(Pgbench pgbench, String when, Options o, List<Ceiling.Result> oneRow, List<Ceiling.Result> batches)
      throws Exception {
    Ceiling.Result a = pgbench.run(when, o.ceilingConnections(), 1, o.pgbenchDuration());
    log(String.format(Locale.ROOT, "pgbench (a) %s: %,.0f commits/s", when, a.commitsPerSecond()));
    Ceiling.Result b = pgbench.run(when, o.ceilingBatchConnections(), o.ceilingBatchRows(), o.pgbenchDuration());
    log(String.format(Locale.ROOT, "pgbench (b) %s: %,.0f rows/s", when, b.rowsPerSecond()));
    oneRow.add(a);
    batches.add(b);
  }

  /** The in-JVM ceiling: PostgreSQL alone through vertx-pg-client, in a scratch database dropped afterwards. */
  private static JvmCeiling jvmCeilings(Vertx vertx, EventLoops loops, Postgres pg, String database, Workload workload, Options o) {
    createScratch(vertx, pg, database, o).await();
    try {
      Ceiling ceiling = new Ceiling(vertx, loops, pg.url(database), workload);
      Ceiling.Result oneRow = ceiling.run("(a)", o.ceilingConnections(), 1, o.warmup(), o.duration());
      log(String.format(Locale.ROOT, "in-JVM ceiling (a): %,.0f commits/s", oneRow.commitsPerSecond()));
      Ceiling.Result batches = ceiling.run("(b)", o.ceilingBatchConnections(), o.ceilingBatchRows(), o.warmup(), o.duration());
      log(String.format(Locale.ROOT, "in-JVM ceiling (b): %,.0f rows/s", batches.rowsPerSecond()));
      return new JvmCeiling(oneRow, batches);
    } finally {
      pg.dropDatabase(vertx, database).await();
    }
  }

  private static Written write(Results results, Path dir, String stamp) throws Exception {
    Files.createDirectories(dir);
    Path markdown = dir.resolve(stamp + ".md");
    Path plot = dir.resolve(stamp + ".png");
    Plot.write(results, plot);
    Files.writeString(markdown, Report.markdown(results, plot.getFileName().toString()));
    Files.copy(plot, dir.resolve("latest.png"), StandardCopyOption.REPLACE_EXISTING);
    Files.writeString(dir.resolve("latest.md"), Report.markdown(results, "latest.png"));
    return new Written(markdown, plot, results);
  }

  /** The async views' flush interval the server runs with: what level storage waits for. */
  private static long flushIntervalMs(Options o) throws Exception {
    String override = o.serverEnv().get(VIEWS_FLUSH_ENV);
    if (override != null) {
      return Long.parseLong(override.trim());
    }
    return config(o).getJsonObject("views", new JsonObject()).getLong("flushIntervalMs", 50L);
  }

  /** The bookstore app's partitions in the server's configuration. */
  private static int partitions(Options o) throws Exception {
    return config(o).getJsonObject("apps").getJsonObject(Workload.APP).getInteger("partitions");
  }

  private static JsonObject config(Options o) throws Exception {
    return new JsonObject(Files.readString(o.confDir().resolve("config.json")));
  }

  private static String machine() {
    String cpu = "unknown CPU";
    long memKib = 0;
    try {
      cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
          .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse(cpu);
      memKib = Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal:"))
          .map(l -> Long.parseLong(l.replaceAll("[^0-9]", ""))).findFirst().orElse(0L);
    } catch (Exception unreadable) {
      // not Linux: leave them unknown
    }
    return String.format(Locale.ROOT, "%d cores (%s), %.0f GiB RAM, %s %s, Java %s; server, PostgreSQL and load generator together",
        Runtime.getRuntime().availableProcessors(), cpu, memKib / 1048576.0, System.getProperty("os.name"),
        System.getProperty("os.version"), System.getProperty("java.version"));
  }

  /** The 1-minute load average, "?" where there is no /proc/loadavg. */
  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    } catch (Exception notLinux) {
      return "?";
    }
  }

  private static void require(Path path, String what) {
    if (!Files.exists(path)) {
      throw new IllegalArgumentException(path.toAbsolutePath() + " not found: " + what);
    }
  }

  static void log(String line) {
    System.out.println(DateTimeFormatter.ofPattern("HH:mm:ss").format(LocalTime.now()) + " " + line);
  }
}
