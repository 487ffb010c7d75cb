package io.highwater.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.highwater.client.Advanced;
import io.highwater.client.AppendRequest;
import io.highwater.client.AppendResult;
import io.highwater.client.Consistent;
import io.highwater.client.Entity;
import io.highwater.client.Event;
import io.highwater.client.HighwaterClient;
import io.highwater.client.Level;
import io.highwater.client.WatchStream;
import io.vertx.core.Future;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.ext.web.client.WebClientOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * 10,000 concurrent subscriptions (100 sockets × 100, half {@code await} at a future offset, half
 * {@code watch}) on one node, then appends across every partition: every await gets exactly one
 * {@code consistent} reply, every watch sees the final watermark. Prints the time from the last
 * append's answer to the last notification, and the heap used (this JVM runs the node and the clients).
 */
class WebSocketScaleTest {

  private static final String APP = "bookstore";
  private static final int PARTITIONS = 4;
  private static final int SOCKETS = 100;
  private static final int PER_SOCKET = 100;
  private static final int WS_PER_PARTITION = 2;
  private static final int BATCHES_PER_WS = 10;
  private static final int EVENTS_PER_BATCH = 5;
  /** Events per partition in one round of appends. */
  private static final long ROUND = (long) WS_PER_PARTITION * BATCHES_PER_WS * EVENTS_PER_BATCH;
  /** Every partition's last offset after the unobserved first round (a fresh database starts each at 0). */
  private static final long BASE = ROUND;
  /** ... and after the observed second one. */
  private static final long FINAL = BASE + ROUND;
  private static final List<String> ENTITIES = List.of(Entity.RECORDS, Entity.view("books_by_author"), Entity.view("genre_counts"));
  private static final long WAIT_MS = 45_000;

  @TempDir
  Path dataDir;

  @Test
  @Timeout(value = 150, threadMode = ThreadMode.SEPARATE_THREAD)
  void ten_thousand_subscriptions_over_a_hundred_sockets_are_all_notified() throws Exception {
    List<String> workspaces = workspaces();
    try (TestNode node = TestNode.start(dataDir, 20)) {
      HighwaterClient writer = HighwaterClient.create(node.clientVertx(),
          new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(node.httpPort()),
          new PoolOptions().setHttp1MaxSize(16), new WebSocketClientOptions());
      // A first round with nobody subscribed: the baseline of the append time, and the offsets to start from.
      Round baseline = appendRound(writer, workspaces, 0);
      assertThat(baseline.lastOffsets).as("every partition's last offset").containsOnlyKeys(0, 1, 2, 3)
          .allSatisfy((p, o) -> assertThat(o).isEqualTo(BASE));
      long heapIdle = heapUsed();
      List<HighwaterClient> clients = new ArrayList<>();
      for (int s = 0; s < SOCKETS; s++) {
        clients.add(HighwaterClient.create(node.clientVertx(), "127.0.0.1", node.httpPort()));
      }

      AtomicLong lastNotification = new AtomicLong();
      AtomicInteger consistent = new AtomicInteger();
      Queue<String> problems = new ConcurrentLinkedQueue<>();
      List<Future<Consistent>> awaits = new ArrayList<>();
      List<WatchProgress> watches = new ArrayList<>();
      long subscribing = System.nanoTime();
      for (int s = 0; s < SOCKETS; s++) {
        HighwaterClient client = clients.get(s);
        // On each socket its awaits go first: once its watches answered, the server has registered them all.
        for (int k = 0; k < PER_SOCKET / 2; k++) {
          int g = s * PER_SOCKET + k;
          String ws = workspaces.get(g % workspaces.size());
          String entity = ENTITIES.get(g % ENTITIES.size());
          Level level = (g / ENTITIES.size()) % 2 == 0 ? Level.CACHE : Level.STORAGE;
          long offset = BASE + 1 + (g * 7919L) % ROUND;
          awaits.add(client.await(APP, ws, entity, offset, level, 60_000).onComplete(ar -> {
            if (ar.failed()) {
              problems.add("await " + g + " failed: " + ar.cause());
              return;
            }
            Consistent c = ar.result();
            if (c.offset() != offset || !c.entity().equals(entity) || c.partition() != partitionOf(ws) || c.at(level) < offset) {
              problems.add("await " + g + " answered " + c);
            }
            consistent.incrementAndGet();
            lastNotification.accumulateAndGet(System.nanoTime(), Math::max);
          }));
        }
        for (int k = PER_SOCKET / 2; k < PER_SOCKET; k++) {
          int g = s * PER_SOCKET + k;
          String ws = workspaces.get(g % workspaces.size());
          boolean all = g % 4 == 3;
          String entity = all ? Entity.ALL : ENTITIES.get(g % ENTITIES.size());
          Level level = (g / 4) % 2 == 0 ? Level.CACHE : Level.STORAGE;
          watches.add(new WatchProgress(g, client.watch(APP, ws, entity, level), all ? ENTITIES : List.of(entity), level,
              partitionOf(ws), lastNotification, problems));
        }
      }
      Future.all(watches.stream().map(w -> w.stream.ready()).toList()).await(WAIT_MS, TimeUnit.MILLISECONDS);
      long subscribedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - subscribing);
      int active = 0;
      for (HighwaterClient client : clients) {
        active += client.activeSubscriptions().await();
      }
      assertThat(active).as("active subscriptions").isEqualTo(SOCKETS * PER_SOCKET);
      assertThat(consistent.get()).as("awaits answered before any append").isZero();
      long heapSubscribed = heapUsed();

      // The observed round: appends across every partition, all at once.
      Round round = appendRound(writer, workspaces, 1);
      assertThat(round.lastOffsets).as("every partition's last offset").containsOnlyKeys(0, 1, 2, 3)
          .allSatisfy((p, o) -> assertThat(o).isEqualTo(FINAL));

      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
      while (consistent.get() < awaits.size() || watches.stream().anyMatch(w -> !w.done())) {
        assertThat(problems).isEmpty();
        if (System.nanoTime() > deadline) {
          throw new AssertionError("within " + WAIT_MS + " ms: " + consistent.get() + " of " + awaits.size()
              + " awaits answered, " + watches.stream().filter(WatchProgress::done).count() + " of " + watches.size()
              + " watches at the final watermark; e.g. " + watches.stream().filter(w -> !w.done()).findFirst().map(Object::toString).orElse(""));
        }
        Thread.sleep(5);
      }
      long tailMs = TimeUnit.NANOSECONDS.toMillis(lastNotification.get() - round.lastAnswer);
      long totalMs = TimeUnit.NANOSECONDS.toMillis(lastNotification.get() - round.started);

      // A quiet moment: nothing more may arrive for an await that was answered (a second reply would
      // reach no active subscription and be counted as unrouted), and nothing went wrong.
      Thread.sleep(500);
      assertThat(problems).isEmpty();
      assertThat(awaits).allSatisfy(f -> assertThat(f.succeeded()).isTrue());
      assertThat(consistent.get()).isEqualTo(awaits.size());
      long unrouted = clients.stream().mapToLong(HighwaterClient::unroutedFrames).sum();
      assertThat(unrouted).as("frames for no active subscription (duplicate replies, errors)").isZero();
      long advancedFrames = watches.stream().mapToLong(w -> w.frames.get()).sum();
      long heapNotified = heapUsed();

      Future.all(watches.stream().map(w -> w.stream.cancel()).toList()).await(WAIT_MS, TimeUnit.MILLISECONDS);
      for (HighwaterClient client : clients) {
        assertThat(client.activeSubscriptions().await()).isZero();
      }
      assertThat(clients.stream().mapToLong(HighwaterClient::unroutedFrames).sum()).isZero();

      System.out.printf("""
          WebSocketScaleTest: %d sockets x %d subscriptions = %d (%d awaits at a future offset, %d watches), registered in %d ms
            each round of appends: %d batches of %d events over %d workspaces in %d partitions (+%d offsets per partition)
            round without subscriptions: %d ms; round with %d subscriptions: %d ms; %d advanced frames delivered
            last append answered -> last notification: %d ms (below 0: the last notification came before the last answer); first append sent -> last notification: %d ms
            heap used after GC (node and clients share this JVM): idle %.1f MiB; with %d subscriptions %.1f MiB (+%.1f MiB, %.0f bytes each); after all notifications %.1f MiB
          """,
          SOCKETS, PER_SOCKET, SOCKETS * PER_SOCKET, awaits.size(), watches.size(), subscribedMs,
          BATCHES_PER_WS * workspaces.size(), EVENTS_PER_BATCH, workspaces.size(), PARTITIONS, ROUND,
          baseline.millis(), SOCKETS * PER_SOCKET, round.millis(), advancedFrames,
          tailMs, totalMs,
          mib(heapIdle), SOCKETS * PER_SOCKET, mib(heapSubscribed), mib(heapSubscribed - heapIdle),
          (double) (heapSubscribed - heapIdle) / (SOCKETS * PER_SOCKET), mib(heapNotified));

      writer.close().await();
      Future.all(clients.stream().map(HighwaterClient::close).toList()).await();
    }
  }

  /** One watch's view of its entities: never backwards, done once each is at the final offset at its level. */
  private static final class WatchProgress {

    final int index;
    final WatchStream stream;
    final Level level;
    final Map<String, Advanced> latest = new HashMap<>();
    final AtomicInteger remaining;
    final AtomicLong frames = new AtomicLong();

    WatchProgress(int index, WatchStream stream, List<String> entities, Level level, int partition,
        AtomicLong lastNotification, Queue<String> problems) {
      this.index = index;
      this.stream = stream;
      this.level = level;
      this.remaining = new AtomicInteger(entities.size());
      stream.exceptionHandler(e -> problems.add("watch " + index + " failed: " + e));
      // The handler runs on the client's context, one frame at a time.
      stream.handler(a -> {
        frames.incrementAndGet();
        Advanced before = latest.put(a.entity(), a);
        if (!entities.contains(a.entity()) || a.partition() != partition || a.cache() < a.storage()
            || (before != null && (a.at(level) <= before.at(level) || a.cache() < before.cache() || a.storage() < before.storage()))) {
          problems.add("watch " + index + ": " + a + " after " + before);
        }
        if (a.at(level) == FINAL && (before == null || before.at(level) < FINAL)) {
          if (remaining.decrementAndGet() == 0) {
            lastNotification.accumulateAndGet(System.nanoTime(), Math::max);
          }
        } else if (a.at(level) > FINAL) {
          problems.add("watch " + index + " beyond the last offset: " + a);
        }
      });
    }

    boolean done() {
      return remaining.get() == 0;
    }

    @Override
    public String toString() {
      return "watch " + index + " at " + level + ": " + latest.values();
    }
  }

  /** When a round of appends started and when its last answer came (nanoTime), and each partition's last offset. */
  private record Round(long started, long lastAnswer, Map<Integer, Long> lastOffsets) {
    long millis() {
      return TimeUnit.NANOSECONDS.toMillis(lastAnswer - started);
    }
  }

  /** {@code BATCHES_PER_WS} batches of {@code EVENTS_PER_BATCH} new books to every workspace, all sent at once. */
  private static Round appendRound(HighwaterClient writer, List<String> workspaces, int round) throws TimeoutException {
    AtomicLong lastAnswer = new AtomicLong();
    List<Future<AppendResult>> appends = new ArrayList<>();
    long started = System.nanoTime();
    for (int b = 0; b < BATCHES_PER_WS; b++) {
      for (String ws : workspaces) {
        List<Event> events = new ArrayList<>();
        for (int e = 0; e < EVENTS_PER_BATCH; e++) {
          int n = b * EVENTS_PER_BATCH + e;
          events.add(Event.action("create", "book", ws + "-" + round + "-" + n).actor("user", "scale")
              .assoc("author", "author-" + (n % 7)).assoc("genre", "genre-" + (n % 3)).build());
        }
        appends.add(writer.append(APP, ws, AppendRequest.of(0, events))
            .onSuccess(r -> lastAnswer.accumulateAndGet(System.nanoTime(), Math::max)));
      }
    }
    Future.all(appends).await(WAIT_MS, TimeUnit.MILLISECONDS);
    Map<Integer, Long> lastOffsets = new HashMap<>();
    for (Future<AppendResult> append : appends) {
      AppendResult.Ok ok = append.result().requireOk();
      lastOffsets.merge(ok.partition(), ok.lastOffset(), Math::max);
    }
    return new Round(started, lastAnswer.get(), lastOffsets);
  }

  /** Two workspaces in each partition. */
  private static List<String> workspaces() {
    Map<Integer, List<String>> byPartition = new HashMap<>();
    for (int n = 0; byPartition.values().stream().mapToInt(List::size).sum() < PARTITIONS * WS_PER_PARTITION; n++) {
      String ws = "scale-" + n;
      List<String> list = byPartition.computeIfAbsent(partitionOf(ws), p -> new ArrayList<>());
      if (list.size() < WS_PER_PARTITION) {
        list.add(ws);
      }
    }
    List<String> all = new ArrayList<>();
    for (int p = 0; p < PARTITIONS; p++) {
      all.addAll(byPartition.get(p));
    }
    return all;
  }

  private static int partitionOf(String ws) {
    CRC32 crc = new CRC32();
    crc.update(ws.getBytes(StandardCharsets.UTF_8));
    return (int) (crc.getValue() % PARTITIONS);
  }

  private static long heapUsed() throws InterruptedException {
    Runtime runtime = Runtime.getRuntime();
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(100);
    }
    return runtime.totalMemory() - runtime.freeMemory();
  }

  private static double mib(long bytes) {
    return bytes / (1024.0 * 1024.0);
  }
}
