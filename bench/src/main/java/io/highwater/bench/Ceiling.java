package io.highwater.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * What PostgreSQL alone does with the server's event rows, through the same client library: autocommit
 * INSERT transactions from many connections at once, each connection one transaction at a time, for a
 * fixed time after a warm-up. Runs against a scratch database holding the server's {@code events} table.
 */
final class Ceiling {

  static final int PARTITIONS = 4;

  private static final String ONE_ROW = """
      INSERT INTO events (app, partition, offs, ws, agg_type, agg_id, body)
      VALUES ($1, $2, $3, $4, 'book', $5, $6::text::jsonb)""";

  /** The form the server's own group commit uses: one statement over arrays. */
  private static final String MANY_ROWS = """
      INSERT INTO events (app, partition, offs, ws, agg_type, agg_id, body)
      SELECT $1, $2, t.offs, t.ws, 'book', t.agg_id, t.body::jsonb
      FROM unnest($3::bigint[], $4::text[], $5::text[], $6::text[]) AS t(offs, ws, agg_id, body)""";

  record Result(String name, int connections, int rowsPerCommit, long commits, Duration duration, Histogram latencyMicros) {
    double commitsPerSecond() {
      return commits / (duration.toNanos() / 1e9);
    }

    double rowsPerSecond() {
      return commitsPerSecond() * rowsPerCommit;
    }
  }

  private final Vertx vertx;
  private final EventLoops loops;
  private final String databaseUrl;
  private final Workload workload;
  private final AtomicLong[] offsets = new AtomicLong[PARTITIONS];
  private final AtomicLong books = new AtomicLong();

  Ceiling(Vertx vertx, EventLoops loops, String databaseUrl, Workload workload) {
    this.vertx = vertx;
    this.loops = loops;
    this.databaseUrl = databaseUrl;
    this.workload = workload;
    for (int p = 0; p < PARTITIONS; p++) {
      offsets[p] = new AtomicLong();
    }
  }

  /** Blocking: call from the main thread. */
  Result run(String name, int connections, int rowsPerCommit, Duration warmup, Duration duration) {
    List<Future<PgConnection>> opening = new ArrayList<>();
    for (int i = 0; i < connections; i++) {
      opening.add(loops.on(i, () -> PgConnection.connect(vertx, PgConnectOptions.fromUri(databaseUrl))));
    }
    Future.all(opening).await();
    Histogram latency = new ConcurrentHistogram(TimeUnit.SECONDS.toMicros(60), 3);
    LongAdder commits = new LongAdder();
    long windowStart = System.nanoTime() + warmup.toNanos();
    long windowEnd = windowStart + duration.toNanos();
    List<Future<Void>> running = new ArrayList<>();
    for (int i = 0; i < connections; i++) {
      PgConnection connection = opening.get(i).result();
      int partition = i % PARTITIONS;
      running.add(loops.on(i, () -> {
        Promise<Void> done = Promise.promise();
        loop(connection, partition, rowsPerCommit, windowStart, windowEnd, commits, latency, done);
        return done.future();
      }));
    }
    try {
      Future.all(running).await();
    } finally {
      Future.join(opening.stream().map(c -> c.result().close()).toList()).await();
    }
    return new Result(name, connections, rowsPerCommit, commits.sum(), duration, latency);
  }

  private void loop(PgConnection connection, int partition, int rows, long windowStart, long windowEnd, LongAdder commits,
      Histogram latency, Promise<Void> done) {
    long start = System.nanoTime();
    if (start >= windowEnd) {
      done.complete();
      return;
    }
    insert(connection, partition, rows).onComplete(ar -> {
      if (ar.failed()) {
        done.fail(ar.cause());
        return;
      }
      if (start >= windowStart) {
        commits.increment();
        latency.recordValue((System.nanoTime() - start) / 1000);
      }
      loop(connection, partition, rows, windowStart, windowEnd, commits, latency, done);
    });
  }

  private Future<?> insert(PgConnection connection, int partition, int rows) {
    if (rows == 1) {
      long book = books.incrementAndGet();
      return connection.preparedQuery(ONE_ROW).execute(Tuple.of(Workload.APP, partition,
          offsets[partition].incrementAndGet(), workload.randomWorkspace(), "b" + book, workload.storedBody(book)));
    }
    Long[] offs = new Long[rows];
    String[] ws = new String[rows];
    String[] ids = new String[rows];
    String[] bodies = new String[rows];
    long first = offsets[partition].getAndAdd(rows) + 1;
    String workspace = workload.randomWorkspace();
    for (int r = 0; r < rows; r++) {
      long book = books.incrementAndGet();
      offs[r] = first + r;
      ws[r] = workspace;
      ids[r] = "b" + book;
      bodies[r] = workload.storedBody(book);
    }
    return connection.preparedQuery(MANY_ROWS).execute(Tuple.of(Workload.APP, partition, offs, ws, ids, bodies));
  }
}
