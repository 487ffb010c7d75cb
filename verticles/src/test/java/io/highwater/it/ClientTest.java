package io.highwater.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.highwater.client.Advanced;
import io.highwater.client.AppendRequest;
import io.highwater.client.AppendResult;
import io.highwater.client.ConsistencyTimeoutException;
import io.highwater.client.Consistency;
import io.highwater.client.Consistent;
import io.highwater.client.Entity;
import io.highwater.client.Event;
import io.highwater.client.EventFilter;
import io.highwater.client.HighwaterClient;
import io.highwater.client.HighwaterException;
import io.highwater.client.Level;
import io.highwater.client.ReadOptions;
import io.highwater.client.RecordState;
import io.highwater.client.StoredEvent;
import io.highwater.client.ViewValue;
import io.highwater.client.WatchStream;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;
import org.junit.jupiter.api.io.TempDir;

/** The Java client ({@code client/}) against a real node: every call of the contract it wraps. */
@Timeout(value = 60, threadMode = ThreadMode.SEPARATE_THREAD)
class ClientTest {

  private static final String APP = "bookstore";

  @TempDir
  static Path dataDir;
  static TestNode node;
  static HighwaterClient client;

  @BeforeAll
  static void start() {
    node = TestNode.start(dataDir, 20);
    client = HighwaterClient.create(node.clientVertx(), "127.0.0.1", node.httpPort());
  }

  @AfterAll
  static void stop() {
    if (client != null) {
      client.close().await();
    }
    if (node != null) {
      node.close();
    }
  }

  private static Event book(String id, String author, String genre) {
    return Event.action("create", "book", id).actor("user", "alice").assoc("author", author).assoc("genre", genre).build();
  }

  @Test
  void read_your_writes_through_append_await_and_reads() {
    String ws = "client-ryw";
    AppendResult.Ok ok = client.append(APP, ws, AppendRequest.of(0,
        book("Neuromancer", "William Gibson", "SciFi"),
        book("Count Zero", "William Gibson", "SciFi"))).await().requireOk();
    long offset = ok.lastOffset();
    assertThat(ok.events()).extracting(StoredEvent::offset).containsExactly(offset - 1, offset);
    assertThat(ok.events()).allSatisfy(e -> {
      assertThat(e.ws()).isEqualTo(ws);
      assertThat(e.partition()).isEqualTo(ok.partition());
      assertThat(e.event().source()).isEqualTo("api");
      assertThat(e.event().timestamp()).isNotNull();
    });

    Consistent consistent = client.await(APP, ws, Entity.view("books_by_author"), offset, Level.STORAGE, 20_000).await();
    assertThat(consistent.offset()).isEqualTo(offset);
    assertThat(consistent.partition()).isEqualTo(ok.partition());
    assertThat(consistent.storage()).isGreaterThanOrEqualTo(offset);

    // Read from storage at once: the await made sure it is there; the key has a space, encoded in the path.
    ViewValue byAuthor = client.view(APP, ws, "books_by_author", "William Gibson", ReadOptions.at(offset, Level.STORAGE)).await();
    assertThat(byAuthor.value()).isEqualTo(new JsonObject().put("ids", new JsonArray().add("Count Zero").add("Neuromancer")).put("count", 2));
    assertThat(byAuthor.consistentAt()).isGreaterThanOrEqualTo(offset);
    assertThat(byAuthor.offs()).isEqualTo(offset);
    assertThat(byAuthor.level()).isEqualTo(Level.STORAGE);

    // A sync view and the records are readable at cache as soon as the append answered.
    assertThat(client.view(APP, ws, "genre_counts", "SciFi", ReadOptions.at(offset)).await().value().getInteger("count")).isEqualTo(2);
    RecordState record = client.record(APP, ws, "book", "Count Zero", ReadOptions.at(offset).timeoutMs(2_000)).await();
    assertThat(record.state()).isEqualTo(new JsonObject().put("author", "William Gibson").put("genre", "SciFi"));
    assertThat(record.version()).isEqualTo(offset);
    assertThat(record.level()).isEqualTo(Level.CACHE);

    Consistency consistency = client.consistency(APP, ws).await();
    assertThat(consistency.app()).isEqualTo(APP);
    assertThat(consistency.partition()).isEqualTo(ok.partition());
    assertThat(consistency.cpOffset()).isGreaterThanOrEqualTo(offset);
    assertThat(consistency.records().cache()).isGreaterThanOrEqualTo(offset);
    assertThat(consistency.view("books_by_author").storage()).isGreaterThanOrEqualTo(offset);
    assertThat(client.partitionConsistency(APP, ok.partition()).await().cpOffset()).isGreaterThanOrEqualTo(offset);
  }

  @Test
  void a_conflict_is_a_result_and_resolving_it_appends() {
    String ws = "client-conflict";
    long first = client.append(APP, ws, AppendRequest.of(0, book("Dune", "Frank Herbert", "SciFi"))).await().requireOk().lastOffset();
    long second = client.append(APP, ws, AppendRequest.of(first,
        Event.action("update", "book", "Dune").actor("user", "bob").assoc("genre", "Classic").build())).await()
        .requireOk().lastOffset();

    // Based at 0, the other writer's second change conflicts with both.
    AppendRequest stale = AppendRequest.of(0,
        book("Emma", "Jane Austen", "Classic"),
        Event.action("update", "book", "Dune").actor("user", "carol").dissoc("genre").build());
    AppendResult result = client.append(APP, ws, stale).await();
    assertThat(result).isInstanceOf(AppendResult.Conflict.class);
    AppendResult.Conflict conflict = (AppendResult.Conflict) result;
    assertThat(conflict.events()).extracting(e -> e.action().aggregate().id()).containsExactly("Emma");
    assertThat(conflict.events().get(0).offset()).isEqualTo(second + 1);
    assertThat(conflict.ours().offset()).isEqualTo(second + 2);
    assertThat(conflict.ours().action().actor().id()).isEqualTo("carol");
    assertThat(conflict.theirs().offset()).isEqualTo(first);
    assertThat(conflict.unresolved()).containsExactly(first, second);
    assertThatThrownBy(result::requireOk).isInstanceOfSatisfying(HighwaterException.class, e -> assertThat(e.status()).isEqualTo(409));
    assertThat(client.consistency(APP, ws).await().cpOffset()).as("nothing stored").isEqualTo(second);

    assertThat(client.append(APP, ws, stale.resolving(first, second).asDry()).await().requireOk().lastOffset()).isEqualTo(second + 2);
    assertThat(client.consistency(APP, ws).await().cpOffset()).as("a dry run stores nothing").isEqualTo(second);
    AppendResult.Ok resolved = client.append(APP, ws, stale.resolving(first, second)).await().requireOk();
    assertThat(resolved.lastOffset()).isEqualTo(second + 2);
    assertThat(client.record(APP, ws, "book", "Dune", ReadOptions.at(resolved.lastOffset())).await().state())
        .isEqualTo(new JsonObject().put("author", "Frank Herbert"));
    assertThat(client.conflicts(APP, ws, "book", "Dune", 0).await()).extracting(StoredEvent::offset)
        .containsExactly(first, second, second + 2);

    // Idempotent ids: the same batch again answers the stored events and writes nothing.
    AppendRequest once = AppendRequest.of(0, Event.action("create", "book", "Once").id("once-1").actor("user", "alice")
        .assoc("genre", "Poetry").build());
    AppendResult.Ok stored = client.append(APP, ws, once).await().requireOk();
    assertThat(client.append(APP, ws, once).await().requireOk().events()).isEqualTo(stored.events());
  }

  @Test
  void errors_are_typed_with_status_code_and_body() {
    String ws = "client-errors";
    long last = client.append(APP, ws, AppendRequest.of(0, book("Solaris", "Stanislaw Lem", "SciFi"))).await()
        .requireOk().lastOffset();

    assertThatThrownBy(() -> client.append(APP, ws, AppendRequest.of(last + 5, book("X", "Y", "Z"))).await())
        .isInstanceOfSatisfying(HighwaterException.class, e -> {
          assertThat(e.status()).isEqualTo(400);
          assertThat(e.code()).isEqualTo("invalid_offset");
          assertThat(e.body().getLong("nextOffset")).isEqualTo(last + 1);
        });
    assertThatThrownBy(() -> client.append(APP, ws, AppendRequest.of(0,
            Event.action("create", "Not A Type", "x").actor("user", "alice").build())).await())
        .isInstanceOfSatisfying(HighwaterException.class, e -> {
          assertThat(e.status()).isEqualTo(400);
          assertThat(e.code()).isEqualTo("bad_request");
          assertThat(e.getMessage()).contains("events[0].action.aggregate");
        });
    assertThatThrownBy(() -> client.append("no-such-app", ws, AppendRequest.of(0, book("X", "Y", "Z"))).await())
        .isInstanceOfSatisfying(HighwaterException.class, e -> assertThat(e.code()).isEqualTo("not_found"));
    assertThatThrownBy(() -> client.record(APP, ws, "book", "never written").await())
        .isInstanceOfSatisfying(HighwaterException.class, e -> {
          assertThat(e.status()).isEqualTo(404);
          assertThat(e.code()).isEqualTo("not_found");
        });
    assertThatThrownBy(() -> client.view(APP, ws, "books_by_author", "nobody", ReadOptions.latest()).await())
        .isInstanceOfSatisfying(HighwaterException.class, e -> assertThat(e.status()).isEqualTo(404));
    assertThatThrownBy(() -> client.record(APP, ws, "book", "Solaris", ReadOptions.at(last + 100).timeoutMs(200)).await())
        .isInstanceOfSatisfying(ConsistencyTimeoutException.class, e -> {
          assertThat(e.status()).isEqualTo(504);
          assertThat(e.cache()).isEqualTo(last);
          assertThat(e.storage()).isBetween(0L, last);
        });
  }

  @Test
  void await_answers_at_once_later_or_with_a_timeout() {
    String ws = "client-await";
    long last = client.append(APP, ws, AppendRequest.of(0, book("Ubik", "Philip K. Dick", "SciFi"))).await()
        .requireOk().lastOffset();

    assertThat(client.await(APP, ws, Entity.RECORDS, last, Level.CACHE).await().cache()).isGreaterThanOrEqualTo(last);
    Future<Consistent> ahead = client.await(APP, ws, Entity.view("genre_counts"), last + 1, Level.STORAGE, 20_000);
    assertThatThrownBy(() -> client.await(APP, ws, Entity.RECORDS, last + 1, Level.CACHE, 200).await())
        .isInstanceOfSatisfying(ConsistencyTimeoutException.class, e -> {
          assertThat(e.cache()).isEqualTo(last);
          assertThat(e.body().getLong("offset")).isEqualTo(last + 1);
        });
    assertThat(ahead.isComplete()).isFalse();
    client.append(APP, ws, AppendRequest.of(last, book("Valis", "Philip K. Dick", "SciFi"))).await().requireOk();
    Consistent reached = ahead.await();
    assertThat(reached.entity()).isEqualTo("view:genre_counts");
    assertThat(reached.storage()).isGreaterThanOrEqualTo(last + 1);

    assertThatThrownBy(() -> client.await(APP, ws, "view:nope", 1, Level.CACHE).await())
        .isInstanceOfSatisfying(HighwaterException.class, e -> {
          assertThat(e.code()).isEqualTo("bad_request");
          assertThat(e.getMessage()).contains("entity");
        });
    assertThat(client.activeSubscriptions().await()).isZero();
  }

  @Test
  void watch_follows_a_stream_of_appends_to_the_final_watermark_then_cancels() throws Exception {
    String ws = "client-watch";
    WatchStream cache = client.watch(APP, ws, Entity.RECORDS, Level.CACHE);
    WatchStream all = client.watch(APP, ws, Entity.ALL, Level.STORAGE);
    List<Advanced> cacheSeen = new CopyOnWriteArrayList<>();
    List<Advanced> allSeen = new CopyOnWriteArrayList<>();
    CompletableFuture<Void> cacheEnded = new CompletableFuture<>();
    cache.endHandler(v -> cacheEnded.complete(null)).handler(cacheSeen::add);
    all.handler(allSeen::add);
    Future.all(cache.ready(), all.ready()).await();

    List<Future<AppendResult>> appends = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      appends.add(client.append(APP, ws, AppendRequest.of(0, book("w-" + i, "author-" + (i % 3), "genre-" + (i % 2)))));
    }
    Future.all(appends).await();
    long last = appends.stream().mapToLong(f -> f.result().requireOk().lastOffset()).max().orElseThrow();

    waitUntil(() -> !cacheSeen.isEmpty() && cacheSeen.get(cacheSeen.size() - 1).cache() == last);
    for (String entity : List.of("records", "view:books_by_author", "view:genre_counts")) {
      waitUntil(() -> allSeen.stream().anyMatch(a -> a.entity().equals(entity) && a.storage() == last));
    }
    assertMonotonic(cacheSeen, Level.CACHE);
    for (String entity : List.of("records", "view:books_by_author", "view:genre_counts")) {
      assertMonotonic(allSeen.stream().filter(a -> a.entity().equals(entity)).toList(), Level.STORAGE);
    }
    assertThat(cacheSeen).allSatisfy(a -> {
      assertThat(a.id()).isEqualTo(cache.id());
      assertThat(a.entity()).isEqualTo("records");
    });

    cache.cancel().await();
    cacheEnded.get(10, TimeUnit.SECONDS);
    all.cancel().await();
    assertThat(client.activeSubscriptions().await()).isZero();
    assertThat(client.unroutedFrames()).isZero();
  }

  @Test
  void the_log_streams_with_replays_and_filters() {
    String ws = "client-log";
    AppendResult.Ok first = client.append(APP, ws, AppendRequest.of(0,
        book("s", "S", "G"),
        Event.action("issue", "receipt", 1).actor("user", "alice").assoc("total", 100).trigger("encryption-key", 1).build(),
        Event.action("issue", "receipt", 2).actor("user", "alice").assoc("total", 200).trigger("encryption-key", 2).build()))
        .await().requireOk();
    long second = first.lastOffset();
    long effect = client.append(APP, ws, AppendRequest.of(second,
        Event.effect("key-expired", "encryption-key", 1).source("keystore").build())).await().requireOk().lastOffset();

    List<StoredEvent> all = client.events(APP, ws, 1, 0).await();
    assertThat(all).extracting(StoredEvent::offset).containsExactly(second - 2, second - 1, second, effect);
    assertThat(all.get(3).effect().trigger().id()).isEqualTo("1");
    assertThat(all.get(3).event().source()).isEqualTo("keystore");

    List<StoredEvent> fromSecond = client.events(APP, ws, second, 0).await();
    assertThat(fromSecond).extracting(StoredEvent::offset).containsExactly(second - 1, second, effect);
    assertThat(fromSecond.get(0).replayCause()).isEqualTo(effect);
    assertThat(fromSecond.get(1).isReplay()).isFalse();

    assertThat(client.events(APP, ws, 1, 0, EventFilter.type("book")).await()).hasSize(1);
    assertThat(client.events(APP, ws, 1, 0, EventFilter.aggregate("receipt", 1)).await()).extracting(StoredEvent::offset)
        .containsExactly(second - 1, effect);
    assertThat(client.events(APP, ws, 1, 2).await()).hasSize(2);
    assertThat(client.partitionEvents(APP, first.partition(), 1, 0, EventFilter.aggregate("receipt", 2)).await())
        .extracting(StoredEvent::offset).containsExactly(second);
    assertThatThrownBy(() -> client.events(APP, ws, 1, 10_001).await())
        .isInstanceOfSatisfying(HighwaterException.class, e -> assertThat(e.getMessage()).startsWith("limit"));
  }

  private static void assertMonotonic(List<Advanced> frames, Level level) {
    assertThat(frames).isNotEmpty();
    for (int i = 1; i < frames.size(); i++) {
      Advanced before = frames.get(i - 1);
      Advanced now = frames.get(i);
      assertThat(now.at(level)).as("%s after %s", now, before).isGreaterThan(before.at(level));
      assertThat(now.cache()).isGreaterThanOrEqualTo(before.cache());
      assertThat(now.storage()).isGreaterThanOrEqualTo(before.storage());
    }
  }

  private static void waitUntil(java.util.function.BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("condition within 30 s").isLessThan(deadline);
      Thread.sleep(10);
    }
  }
}
