package io.highwater.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.highwater.partition.OwnedPartitions;
import io.highwater.partition.Ownership;
import io.highwater.partition.PartitionId;
import io.highwater.config.AppConfig;
import io.highwater.event.Action;
import io.highwater.event.Actor;
import io.highwater.event.Aggregate;
import io.highwater.event.AggregateKey;
import io.highwater.event.Event;
import io.highwater.event.Patch;
import io.highwater.event.StoredEvent;
import io.highwater.storage.Catalog;
import io.highwater.storage.Database;
import io.highwater.storage.EventLog;
import io.highwater.storage.FencedException;
import io.highwater.storage.RecordState;
import io.highwater.storage.RecordStore;
import io.highwater.partition.ViewKey;
import io.highwater.storage.ViewStore;
import io.highwater.storage.ViewValue;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Epoch fencing in PostgreSQL itself (ADR 0005): once another node has claimed a partition, the old
 * owner's appends, flushes, checkpoints and view swaps are refused whole, whatever it believes.
 */
class FencingTest {

  private static final PartitionId P0 = new PartitionId("bookstore", 0);
  private static final long LEASE_MS = 3_000;

  private Vertx vertx;
  private Database db;
  private Catalog catalog;

  @BeforeEach
  void open() {
    vertx = Vertx.vertx();
    db = Database.open(vertx, TestDatabase.fresh(), 4).await();
    catalog = new Catalog(db.pool());
    new io.highwater.storage.AppDefinitions(db.pool()).put("bookstore", 4, new AppConfig("bookstore", 4, Map.of()).toJson(), 0, java.util.List.of()).await();
  }

  @AfterEach
  void close() {
    db.close().await();
    vertx.close().await();
  }

  @Test
  void aDeposedOwnerCannotAppendFlushCheckpointOrSwapAView() {
    OwnedPartitions a = new OwnedPartitions();
    Ownership first = claim(a, "node-a");
    assertThat(first.epoch()).isEqualTo(1);
    new EventLog(db.pool(), a).append(P0, List.of(event(1, "a-1")), List.of(), List.of(), java.util.Map.of()).await();

    // node-a never renewed a lease, so node-b may take the partition
    OwnedPartitions b = new OwnedPartitions();
    Ownership second = claim(b, "node-b");
    assertThat(second.epoch()).isEqualTo(2);

    assertFenced(() -> new EventLog(db.pool(), a).append(P0, List.of(event(2, "a-2")), List.of(), List.of(), java.util.Map.of()).await());
    assertFenced(() -> new RecordStore(db.pool(), a).flush(P0, "records", Map.of(record("x"), state()), 2).await());
    assertFenced(() -> new ViewStore(db.pool(), a).flush(P0, "books_by_author", Map.of(new ViewKey("w", "k"), value()), 2).await());
    assertFenced(() -> new ViewStore(db.pool(), a).replace(P0, "books_by_author", "books_by_author~rebuild", 2).await());
    assertFenced(() -> new ViewStore(db.pool(), a).discard(P0, "books_by_author~rebuild").await());

    assertThat(count("SELECT count(*) FROM events")).isEqualTo(1);
    assertThat(count("SELECT count(*) FROM records")).isZero();
    assertThat(count("SELECT count(*) FROM view_rows")).isZero();
    assertThat(count("SELECT count(*) FROM checkpoints")).isZero();

    new EventLog(db.pool(), b).append(P0, List.of(event(2, "b-2")), List.of(), List.of(), java.util.Map.of()).await();
    new RecordStore(db.pool(), b).flush(P0, "records", Map.of(record("x"), state()), 2).await();
    assertThat(count("SELECT count(*) FROM events")).isEqualTo(2);
    assertThat(count("SELECT offs FROM checkpoints WHERE entity = 'records'")).isEqualTo(2);
  }

  @Test
  void aLiveLeaseKeepsThePartitionUntilItsOwnerReleasesIt() {
    catalog.heartbeat("node-a", "127.0.0.1:1").await();
    OwnedPartitions a = new OwnedPartitions();
    Ownership first = claim(a, "node-a");
    assertThat(catalog.claim(P0, "node-b", LEASE_MS).await()).isEmpty();

    catalog.release(P0, "node-a", first.epoch()).await();
    assertFenced(() -> new EventLog(db.pool(), a).append(P0, List.of(event(1, "a-1")), List.of(), List.of(), java.util.Map.of()).await());
    assertThat(catalog.claim(P0, "node-b", LEASE_MS).await()).contains(2L);
    // a late release under the old epoch does not free the new owner's partition
    catalog.release(P0, "node-a", first.epoch()).await();
    assertThat(catalog.owners().await()).contains(new Ownership(P0, "node-b", 2));
  }

  @Test
  void aLeaseThatRanOutLetsAnotherNodeClaim() {
    catalog.heartbeat("node-a", "127.0.0.1:1").await();
    claim(new OwnedPartitions(), "node-a");
    db.pool().preparedQuery("UPDATE nodes SET last_seen = now() - make_interval(secs => $1) WHERE id = 'node-a'")
        .execute(Tuple.of(LEASE_MS / 1000.0 + 1)).await();
    assertThat(catalog.claim(P0, "node-b", LEASE_MS).await()).contains(2L);
    catalog.leave("node-b").await();
    assertThat(count("SELECT count(*) FROM nodes WHERE id = 'node-b'")).isZero();
  }

  @Test
  void aMemberThatRejoinsUnderANewIdKeepsItsPartitionOnlyIfNobodyClaimedIt() {
    catalog.heartbeat("node-a", "127.0.0.1:1").await();
    OwnedPartitions a = new OwnedPartitions();
    Ownership first = claim(a, "node-a");
    // A split-brain merge gave node-a the id node-a2: the same epoch goes on under the new id
    assertThat(catalog.adopt(P0, "node-a", "node-a2", first.epoch()).await()).isTrue();
    assertThat(catalog.owners().await()).contains(new Ownership(P0, "node-a2", first.epoch()));
    new EventLog(db.pool(), a).append(P0, List.of(event(1, "a-1")), List.of(), List.of(), java.util.Map.of()).await();
    // the former id holds nothing any more, and a stale epoch moves nothing
    assertThat(catalog.adopt(P0, "node-a", "node-x", first.epoch()).await()).isFalse();
    assertThat(catalog.adopt(P0, "node-a2", "node-x", first.epoch() + 1).await()).isFalse();
    // once another node has claimed it, the rejoined member cannot take it back under its old epoch
    assertThat(catalog.claim(P0, "node-b", LEASE_MS).await()).contains(2L);
    assertThat(catalog.adopt(P0, "node-a2", "node-a3", first.epoch()).await()).isFalse();
    assertThat(catalog.owners().await()).contains(new Ownership(P0, "node-b", 2));
    assertThat(count("SELECT count(*) FROM events")).isEqualTo(1);
  }

  /**
   * A writer keeps the epoch it started under: once its node has lost the partition and claimed it
   * again, a writer left from the first ownership is refused, not lent the newer epoch.
   */
  @Test
  void aWriterFromAnEarlierOwnershipIsRefusedAfterItsNodeClaimsThePartitionAgain() {
    catalog.heartbeat("node-a", "127.0.0.1:1").await();
    OwnedPartitions a = new OwnedPartitions();
    Ownership first = claim(a, "node-a");
    EventLog leftOver = new EventLog(db.pool(), a.pinnedTo(first));
    RecordStore leftOverRecords = new RecordStore(db.pool(), a.pinnedTo(first));
    leftOver.append(P0, List.of(event(1, "a-1")), List.of(), List.of(), java.util.Map.of()).await();

    catalog.release(P0, "node-a", first.epoch()).await();
    a.remove(P0);
    assertFenced(() -> leftOver.append(P0, List.of(event(2, "a-2")), List.of(), List.of(), java.util.Map.of()).await());
    Ownership again = claim(a, "node-a");
    assertThat(again.epoch()).isEqualTo(2);

    assertFenced(() -> leftOver.append(P0, List.of(event(2, "a-2")), List.of(), List.of(), java.util.Map.of()).await());
    assertFenced(() -> leftOverRecords.flush(P0, "records", Map.of(record("x"), state()), 1).await());
    new EventLog(db.pool(), a.pinnedTo(again)).append(P0, List.of(event(2, "a-2b")), List.of(), List.of(), java.util.Map.of()).await();
    assertThat(count("SELECT count(*) FROM events")).isEqualTo(2);
    assertThat(count("SELECT count(*) FROM records")).isZero();
  }

  @Test
  void aNodeThatDoesNotOwnThePartitionIsRefusedBeforeAnyRoundTrip() {
    assertFenced(() -> new EventLog(db.pool(), new OwnedPartitions()).append(P0, List.of(event(1, "x")), List.of(), List.of(), java.util.Map.of()).await());
  }

  private Ownership claim(OwnedPartitions owned, String node) {
    Optional<Long> epoch = catalog.claim(P0, node, LEASE_MS).await();
    assertThat(epoch).as("%s may claim %s", node, P0).isPresent();
    Ownership ownership = new Ownership(P0, node, epoch.get());
    owned.add(ownership);
    return ownership;
  }

  private static void assertFenced(org.assertj.core.api.ThrowableAssert.ThrowingCallable write) {
    assertThatThrownBy(write).isInstanceOf(FencedException.class);
  }

  private long count(String sql) {
    return db.pool().query(sql).execute().await().iterator().next().getLong(0);
  }

  private static StoredEvent event(long offset, String id) {
    Action action = new Action("create", new Actor("user", "alice"), new Aggregate("book", "b-" + offset),
        new Patch(new JsonObject().put("author", "A"), List.of()));
    Event event = new Event(id, Instant.parse("2026-11-25T10:00:00Z"), "test", action, null, List.of(), List.of());
    return new StoredEvent(offset, P0.partition(), "w", event);
  }

  private static AggregateKey record(String id) {
    return new AggregateKey("w", new Aggregate("book", id));
  }

  private static RecordState state() {
    return new RecordState(new JsonObject().put("author", "A"), 2, 1);
  }

  private static ViewValue value() {
    return new ViewValue(new JsonObject().put("n", 1), 2);
  }
}
