package io.highwater.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.highwater.partition.OwnedPartitions;
import io.highwater.partition.Ownership;
import io.highwater.partition.PartitionId;
import io.highwater.config.AppConfig;
import io.highwater.storage.Catalog;
import io.highwater.storage.Database;
import io.highwater.storage.Members;
import io.highwater.partition.ViewKey;
import io.highwater.storage.ViewStore;
import io.highwater.storage.ViewValue;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Per-member values in {@code view_members}: a flush writes the changed members only, replaying a
 * flush changes nothing (a member that left does not come back), and a read assembles the value.
 */
class ViewMembersStoreTest {

  private static final PartitionId P0 = new PartitionId("bookstore", 0);
  private static final ViewKey KEY = new ViewKey("w", "Gibson");

  private Vertx vertx;
  private Database db;
  private ViewStore store;

  @BeforeEach
  void open() {
    vertx = Vertx.vertx();
    db = Database.open(vertx, TestDatabase.fresh(), 2).await();
    Catalog catalog = new Catalog(db.pool());
    new io.highwater.storage.AppDefinitions(db.pool()).put("bookstore", 4, new AppConfig("bookstore", 4, Map.of()).toJson(), 0, java.util.List.of()).await();
    OwnedPartitions owned = new OwnedPartitions();
    owned.add(new Ownership(P0, "node-a", catalog.claim(P0, "node-a", 3_000).await().orElseThrow()));
    store = new ViewStore(db.pool(), owned);
  }

  @AfterEach
  void close() {
    db.close().await();
    vertx.close().await();
  }

  @Test
  void a_replayed_flush_changes_nothing_and_a_member_that_left_stays_gone() {
    Members joined = Members.EMPTY.join("Neuromancer", 1).join("Count Zero", 2);
    ViewValue first = ViewValue.of(joined, 2);
    store.flush(P0, "by_author", Map.of(KEY, first), 2).await();
    ViewValue second = ViewValue.of(joined.without(joined).leave("Neuromancer", 3), 3);
    assertThat(second.members().pending()).containsOnlyKeys("Neuromancer");
    store.flush(P0, "by_author", Map.of(KEY, second), 3).await();
    assertThat(rowsWrittenAfter(0)).isEqualTo(2);

    long before = scalar("SELECT pg_current_xact_id()::text::bigint");
    store.flush(P0, "by_author", Map.of(KEY, first), 2).await();
    store.flush(P0, "by_author", Map.of(KEY, second), 3).await();

    assertThat(rowsWrittenAfter(before)).isZero();
    assertThat(scalar("SELECT offs FROM checkpoints WHERE entity = 'view:by_author'")).isEqualTo(3);
    ViewValue read = store.getAll(P0, "by_author", List.of(KEY)).await().get(KEY);
    assertThat(read.value().encode()).isEqualTo("{\"ids\":[\"Count Zero\"],\"count\":1}");
    assertThat(read.offs()).isEqualTo(3);
    assertThat(read.members().pending()).isEmpty();
  }

  @Test
  void a_key_whose_members_all_left_reads_empty_and_a_whole_value_is_read_beside_it() {
    ViewKey counted = new ViewKey("w", "SciFi");
    Members joined = Members.EMPTY.join("Neuromancer", 1);
    store.flush(P0, "v", Map.of(KEY, ViewValue.of(joined, 1), counted, new ViewValue(new JsonObject().put("count", 1), 1)), 1).await();
    store.flush(P0, "v", Map.of(KEY, ViewValue.of(joined.without(joined).leave("Neuromancer", 4), 4)), 4).await();

    Map<ViewKey, ViewValue> read = store.getAll(P0, "v", List.of(KEY, counted, new ViewKey("w", "absent"))).await();
    assertThat(read).containsOnlyKeys(KEY, counted);
    assertThat(read.get(KEY).value().encode()).isEqualTo("{\"ids\":[],\"count\":0}");
    assertThat(read.get(KEY).offs()).isEqualTo(4);
    assertThat(read.get(counted)).isEqualTo(new ViewValue(new JsonObject().put("count", 1), 1));
  }

  @Test
  void a_rebuilt_copy_takes_the_members_of_the_view_it_replaces() {
    store.flush(P0, "v", Map.of(KEY, ViewValue.of(Members.EMPTY.join("old", 1), 1)), 1).await();
    store.flush(P0, "v~rebuild", Map.of(KEY, ViewValue.of(Members.EMPTY.join("new", 1), 1)), 1).await();
    store.replace(P0, "v", "v~rebuild", 1).await();
    assertThat(store.getAll(P0, "v", List.of(KEY)).await().get(KEY).value().encode()).isEqualTo("{\"ids\":[\"new\"],\"count\":1}");
    store.discard(P0, "v").await();
    assertThat(scalar("SELECT count(*) FROM view_members")).isZero();
  }

  /** Member rows created or updated by transactions after {@code xid}. */
  private long rowsWrittenAfter(long xid) {
    return db.pool().preparedQuery("SELECT count(*) FROM view_members WHERE xmin::text::bigint > $1").execute(Tuple.of(xid)).await()
        .iterator().next().getLong(0);
  }

  private long scalar(String sql) {
    return db.pool().query(sql).execute().await().iterator().next().getLong(0);
  }
}
