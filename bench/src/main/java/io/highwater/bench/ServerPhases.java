package io.highwater.bench;

import io.vertx.core.Vertx;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The server's part of a run: started from its jar, warmed up, then its phases one after the other (single
 * events, batches, open loop, hot key, long-lived aggregates, soak, growth), with time to consistency and
 * the server's CPU in each.
 */
final class ServerPhases {

  private final Vertx vertx;
  private final EventLoops loops;
  private final Workload workload;
  private final Options o;
  private final int partitions;

  /** partitions: the bookstore app's, to count the events in its log. */
  ServerPhases(Vertx vertx, EventLoops loops, Workload workload, Options options, int partitions) {
    this.vertx = vertx;
    this.loops = loops;
    this.workload = workload;
    this.o = options;
    this.partitions = partitions;
  }

  /** What the server's phases measured. */
  record Outcome(List<Phase> phases, Results.Aggregates aggregates, List<Results.GrowthStep> growth,
      Results.Memory memory, String ttcMethod) {}

  /** The bearer token of every request: --token, else the one the server wrote for development. */
  private String token;

  /** Blocking: the server from its jar on a fresh database (dropped afterwards), phase after phase. */
  Outcome run(Postgres pg, String database) throws Exception {
    pg.createDatabase(vertx, database).await();
    try (ServerUnderTest server = ServerUnderTest.start(o.serverJar(), o.confDir(), pg.url(database),
        o.workDir().resolve("server"), o.serverJavaOpts(), o.serverEnv())) {
      Benchmark.log("server ready on port " + server.port() + " (pid " + server.pid() + ", log " + server.log() + ")");
      long startKib = server.residentKib();
      token = o.token() != null ? o.token()
          : java.nio.file.Files.readString(o.workDir().resolve("server").resolve("data").resolve("dev-token")).trim();
      ConsistencyProbe probe = ConsistencyProbe.open(vertx, loops, server.port(), o.ttcTimeout(), token);
      Benchmark.log("time to consistency through " + probe.method());
      Appender appender = new Appender(client(vertx, server.port(), Math.max(o.clients(), o.growthConnections()), token), probe,
          o.ttcSampleEvery());
      CpuClock cpu = new CpuClock(server.pid());
      ClosedLoop closed = new ClosedLoop(loops, appender, cpu);
      OpenLoop open = new OpenLoop(vertx, loops, appender, workload, cpu);
      BulkLoad bulk = new BulkLoad(loops, appender, cpu);

      if (!o.serverWarmup().isZero()) {
        // The server's first minute on 2 cores goes largely to its JIT compilers; measure what follows.
        Phase warmup = closed.run("server warm-up", workload, o.clients(), 1, Duration.ZERO, o.serverWarmup());
        Benchmark.log(String.format(Locale.ROOT, "server warm-up (not measured): %,.0f appends/s", warmup.appendsPerSecond()));
      }
      List<Phase> phases = new ArrayList<>();
      List<Results.GrowthStep> growth = new ArrayList<>();
      long firstLog = server.loggedEvents(Workload.APP, partitions, token);
      Phase single = logged(phases, closed.run("closed loop, 1 event/append", workload, o.clients(), 1, o.warmup(), o.duration()));
      growth.add(new Results.GrowthStep(firstLog, single, Optional.empty()));
      logged(phases, closed.run("closed loop, " + o.batchSize() + " events/append", workload, o.clients(), o.batchSize(),
          o.warmup(), o.duration()));
      double max = single.appendsPerSecond();
      for (double fraction : o.openLoopFractions()) {
        logged(phases, open.run("open loop, " + percent(fraction) + " of max", Phase.Kind.OPEN, fraction * max, o.clients(), o.duration()));
      }
      Workload hot = new Workload("hot", "hot", o.hotWorkspaces(), 1);
      logged(phases, closed.run("hot key: 1 event/append, one author per workspace (" + o.hotWorkspaces() + ")", hot, o.clients(), 1,
          o.warmup(), o.duration()));
      Results.Aggregates aggregates = longLived(closed, bulk, phases);
      Soak soak = o.soakMinutes() > 0 ? soak(open, server, phases, max) : new Soak(-1, -1, -1);
      grow(closed, bulk, server, phases, growth);
      probe.close();
      Results.Memory memory = new Results.Memory(startKib, server.residentKib(), soak.startKib(), soak.endKib(), soak.maxKib(),
          o.soakMinutes());
      return new Outcome(phases, aggregates, growth, memory, probe.method());
    } finally {
      pg.dropDatabase(vertx, database).await();
    }
  }

  /** Creates the pool of long-lived aggregates (not measured), then measures single-event updates of them. */
  private Results.Aggregates longLived(ClosedLoop closed, BulkLoad bulk, List<Phase> phases) throws InterruptedException {
    LongLivedAggregates pool = new LongLivedAggregates(workload, o.aggregates());
    BulkLoad.Result creation = bulk.run(pool.creations(), (long) o.aggregates() * o.aggregateHistory(), o.aggregateHistory(),
        Math.min(o.clients(), o.aggregates()));
    Benchmark.log(String.format(Locale.ROOT, "created %,d aggregates of %d events: %,.0f events/s", pool.size(), o.aggregateHistory(),
        creation.eventsPerSecond()));
    logged(phases, closed.run(String.format(Locale.ROOT, "long-lived: 1 event/append, updates of %,d aggregates of %d+ events",
        pool.size(), o.aggregateHistory()), pool, o.clients(), 1, o.warmup(), o.duration()));
    return new Results.Aggregates(pool.size(), o.aggregateHistory(), pool.meanEvents(), creation);
  }

  private record Soak(long startKib, long endKib, long maxKib) {}

  /** The open-loop soak, with the server's resident memory at its start, its end and its highest in between. */
  private Soak soak(OpenLoop open, ServerUnderTest server, List<Phase> phases, double max) throws InterruptedException {
    long start = server.residentKib();
    AtomicLong highest = new AtomicLong(start);
    // Sampled off the event loops: reading /proc is file I/O.
    ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
    sampler.scheduleAtFixedRate(() -> highest.accumulateAndGet(server.residentKib(), Math::max), 10, 10, TimeUnit.SECONDS);
    logged(phases, open.run("soak, " + percent(o.soakFraction()) + " of max", Phase.Kind.SOAK, o.soakFraction() * max,
        o.clients(), Duration.ofMillis(Math.round(o.soakMinutes() * 60_000))));
    sampler.shutdownNow();
    long end = server.residentKib();
    return new Soak(start, end, Math.max(highest.get(), end));
  }

  /** For each growth target: fills the log up to it through the append API, then measures single events again. */
  private void grow(ClosedLoop closed, BulkLoad bulk, ServerUnderTest server, List<Phase> phases, List<Results.GrowthStep> growth)
      throws Exception {
    Workload filler = new Workload("ws", "grow", o.workspaces(), o.authors());
    for (long target : o.growth()) {
      long before = server.loggedEvents(Workload.APP, partitions, token);
      Optional<BulkLoad.Result> fill = Optional.empty();
      if (before < target) {
        Benchmark.log(String.format(Locale.ROOT, "filling the log from %,d to %,d events", before, target));
        fill = Optional.of(bulk.run(filler, target - before, o.growthBatchSize(), o.growthConnections()));
        Benchmark.log(String.format(Locale.ROOT, "filled: %,.0f events/s", fill.get().eventsPerSecond()));
      }
      long logged = server.loggedEvents(Workload.APP, partitions, token);
      Phase phase = logged(phases, closed.run(String.format(Locale.ROOT, "growth: 1 event/append, %,d events in the log", logged),
          workload, o.clients(), 1, o.warmup(), o.duration()));
      growth.add(new Results.GrowthStep(logged, phase, fill));
    }
  }

  private static WebClient client(Vertx vertx, int port, int connections, String token) {
    return io.vertx.ext.web.client.WebClientSession.create(WebClient.create(vertx,
        new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port).setKeepAlive(true),
        new PoolOptions().setHttp1MaxSize(connections))).addHeader("Authorization", "Bearer " + token);
  }

  private static Phase logged(List<Phase> phases, Phase phase) {
    phases.add(phase);
    Benchmark.log(String.format(Locale.ROOT, "%s: %,.0f appends/s, %,.0f events/s, ack p50 %.2f ms p99 %.2f ms, TTC cache p99 %.2f ms"
            + " storage p99 %.2f ms, %d errors", phase.name, phase.appendsPerSecond(), phase.eventsPerSecond(),
        Report.p(phase.ack, 50), Report.p(phase.ack, 99), Report.p(phase.ttcCache, 99), Report.p(phase.ttcStorage, 99),
        phase.errors.sum() + phase.ttcFailures.sum()));
    return phase;
  }

  private static String percent(double fraction) {
    return String.format(Locale.ROOT, "%.0f %%", 100 * fraction);
  }
}
