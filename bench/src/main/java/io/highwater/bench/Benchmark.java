package io.highwater.bench;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One run, one command: the PostgreSQL ceiling, then the server from its jar under closed- and open-loop
 * load with time to consistency, then a markdown table and a PNG plot under the results directory.
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
    Instant started = Instant.now();
    String loadAtStart = loadAverage();
    String stamp = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").format(started.atOffset(ZoneOffset.UTC));
    String suffix = stamp.replace('-', '_') + "_" + ProcessHandle.current().pid();
    Workload workload = new Workload(o.workspaces(), o.authors());
    Vertx vertx = Vertx.vertx();
    try (Postgres pg = o.pgUrl() == null ? Postgres.embedded(o.serverJar(), o.workDir().resolve("pg")) : Postgres.external(o.pgUrl())) {
      EventLoops loops = EventLoops.start(vertx, VertxOptions.DEFAULT_EVENT_LOOP_POOL_SIZE);
      String postgres = pg.describe(vertx).await();
      log("Using " + postgres);
      Ceilings ceilings = ceilings(vertx, loops, pg, "highwater_ceiling_" + suffix, workload, o);
      ServerRun server = serverRun(vertx, loops, pg, "highwater_bench_" + suffix, workload, o);
      Results results = new Results(started, o.command(), machine(), loadAtStart + ", " + loadAverage(), postgres,
          server.ttcMethod(), o.ttcSampleEvery(), flushIntervalMs(o), o.serverWarmup().toSeconds(), ceilings.oneRow(), ceilings.batches(),
          server.phases(), server.memory());
      return write(results, o.resultsDir(), stamp);
    } finally {
      vertx.close().await();
    }
  }

  private record Ceilings(Ceiling.Result oneRow, Ceiling.Result batches) {}

  private record ServerRun(List<Phase> phases, Results.Memory memory, String ttcMethod) {}

  /** Step 1: PostgreSQL alone, in a scratch database dropped afterwards. */
  private static Ceilings ceilings(Vertx vertx, EventLoops loops, Postgres pg, String database, Workload workload, Options o) {
    pg.createDatabase(vertx, database).await();
    try {
      Postgres.createEventLog(vertx, pg.url(database), o.serverJar()).await();
      Ceiling ceiling = new Ceiling(vertx, loops, pg.url(database), workload);
      Ceiling.Result oneRow = ceiling.run("(a)", o.ceilingConnections(), 1, o.warmup(), o.duration());
      log(String.format(Locale.ROOT, "ceiling (a): %,.0f commits/s", oneRow.commitsPerSecond()));
      Ceiling.Result batches = ceiling.run("(b)", o.ceilingBatchConnections(), o.ceilingBatchRows(), o.warmup(), o.duration());
      log(String.format(Locale.ROOT, "ceiling (b): %,.0f rows/s", batches.rowsPerSecond()));
      return new Ceilings(oneRow, batches);
    } finally {
      pg.dropDatabase(vertx, database).await();
    }
  }

  /** Steps 2 and 3: the server from its jar on a fresh database (dropped afterwards), phase after phase. */
  private static ServerRun serverRun(Vertx vertx, EventLoops loops, Postgres pg, String database, Workload workload, Options o)
      throws Exception {
    pg.createDatabase(vertx, database).await();
    try (ServerUnderTest server = ServerUnderTest.start(o.serverJar(), o.confDir(), pg.url(database),
        o.workDir().resolve("server"), o.serverJavaOpts(), o.serverEnv())) {
      log("server ready on port " + server.port() + " (pid " + server.pid() + ", log " + server.log() + ")");
      long startKib = server.residentKib();
      ConsistencyProbe probe = ConsistencyProbe.open(vertx, loops, server.port(), o.ttcTimeout());
      log("time to consistency through " + probe.method());
      Appender appender = new Appender(client(vertx, server.port(), o.clients()), workload, probe, o.ttcSampleEvery());
      CpuClock cpu = new CpuClock(server.pid());
      ClosedLoop closed = new ClosedLoop(loops, appender, cpu);
      OpenLoop open = new OpenLoop(vertx, loops, appender, cpu);

      if (!o.serverWarmup().isZero()) {
        // The server's first minute on 2 cores goes largely to its JIT compilers; measure what follows.
        Phase warmup = closed.run("server warm-up", o.clients(), 1, Duration.ZERO, o.serverWarmup());
        log(String.format(Locale.ROOT, "server warm-up (not measured): %,.0f appends/s", warmup.appendsPerSecond()));
      }
      List<Phase> phases = new ArrayList<>();
      Phase single = logged(phases, closed.run("closed loop, 1 event/append", o.clients(), 1, o.warmup(), o.duration()));
      logged(phases, closed.run("closed loop, " + o.batchSize() + " events/append", o.clients(), o.batchSize(), o.warmup(), o.duration()));
      double max = single.appendsPerSecond();
      for (double fraction : o.openLoopFractions()) {
        logged(phases, open.run("open loop, " + percent(fraction) + " of max", Phase.Kind.OPEN, fraction * max, o.clients(), o.duration()));
      }
      long soakStart = -1;
      long soakEnd = -1;
      AtomicLong soakMax = new AtomicLong(-1);
      if (o.soakMinutes() > 0) {
        soakStart = server.residentKib();
        // Sampled off the event loops: reading /proc is file I/O.
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
        sampler.scheduleAtFixedRate(() -> soakMax.accumulateAndGet(server.residentKib(), Math::max), 10, 10, TimeUnit.SECONDS);
        logged(phases, open.run("soak, " + percent(o.soakFraction()) + " of max", Phase.Kind.SOAK, o.soakFraction() * max,
            o.clients(), Duration.ofMillis(Math.round(o.soakMinutes() * 60_000))));
        sampler.shutdownNow();
        soakEnd = server.residentKib();
        soakMax.accumulateAndGet(Math.max(soakStart, soakEnd), Math::max);
      }
      probe.close();
      Results.Memory memory = new Results.Memory(startKib, server.residentKib(), soakStart, soakEnd, soakMax.get(), o.soakMinutes());
      return new ServerRun(phases, memory, probe.method());
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

  private static WebClient client(Vertx vertx, int port, int connections) {
    return WebClient.create(vertx,
        new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port).setKeepAlive(true),
        new PoolOptions().setHttp1MaxSize(connections));
  }

  private static Phase logged(List<Phase> phases, Phase phase) {
    phases.add(phase);
    log(String.format(Locale.ROOT, "%s: %,.0f appends/s, %,.0f events/s, ack p50 %.2f ms p99 %.2f ms, TTC cache p99 %.2f ms"
            + " storage p99 %.2f ms, %d errors", phase.name, phase.appendsPerSecond(), phase.eventsPerSecond(),
        Report.p(phase.ack, 50), Report.p(phase.ack, 99), Report.p(phase.ttcCache, 99), Report.p(phase.ttcStorage, 99),
        phase.errors.sum() + phase.ttcFailures.sum()));
    return phase;
  }

  /** The async views' flush interval the server runs with: what level storage waits for. */
  private static long flushIntervalMs(Options o) throws Exception {
    String override = o.serverEnv().get(VIEWS_FLUSH_ENV);
    if (override != null) {
      return Long.parseLong(override.trim());
    }
    JsonObject config = new JsonObject(Files.readString(o.confDir().resolve("config.json")));
    return config.getJsonObject("views", new JsonObject()).getLong("flushIntervalMs", 50L);
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

  private static String percent(double fraction) {
    return String.format(Locale.ROOT, "%.0f %%", 100 * fraction);
  }

  private static void require(Path path, String what) {
    if (!Files.exists(path)) {
      throw new IllegalArgumentException(path.toAbsolutePath() + " not found: " + what);
    }
  }

  private static void log(String line) {
    System.out.println(DateTimeFormatter.ofPattern("HH:mm:ss").format(LocalTime.now()) + " " + line);
  }
}
