package io.highwater.storage;

import io.highwater.partition.ViewKey;
import static org.assertj.core.api.Assertions.assertThat;

import io.highwater.partition.PartitionId;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What a flush leaves in a view's cache: per-member values stay without what it wrote, whole ones leave. */
class ViewCacheTest {

  private static final ViewKey KEY = new ViewKey("w", "Gibson");

  private Vertx vertx;
  private ViewCache cache;

  @BeforeEach
  void open() {
    vertx = Vertx.vertx();
    cache = new ViewCache(vertx, new PartitionId("bookstore", 0), "v");
  }

  @AfterEach
  void close() {
    vertx.close().await();
  }

  @Test
  void a_flushed_per_member_value_stays_without_the_changes_written() {
    ViewValue flushed = ViewValue.of(Members.EMPTY.join("a", 1).join("b", 2), 2);
    cache.put(KEY, flushed);
    cache.removeFlushed(KEY, flushed);
    assertThat(cache.get(KEY).members().present()).containsExactly("a", "b");
    assertThat(cache.get(KEY).members().pending()).isEmpty();
  }

  @Test
  void changes_made_during_the_flush_stay_pending() {
    ViewValue flushed = ViewValue.of(Members.EMPTY.join("a", 1), 1);
    ViewValue since = ViewValue.of(flushed.members().join("b", 2), 2);
    cache.put(KEY, since);
    cache.removeFlushed(KEY, flushed);
    assertThat(cache.get(KEY).members().pending()).containsOnlyKeys("b");
    assertThat(cache.get(KEY).offs()).isEqualTo(2);
    // Pending changes keep it; once they are written it may go.
    cache.letGo(KEY);
    assertThat(cache.get(KEY)).isNotNull();
    cache.removeFlushed(KEY, cache.get(KEY));
    cache.letGo(KEY);
    assertThat(cache.get(KEY)).isNull();
  }

  @Test
  void a_flushed_whole_value_leaves_unless_it_changed() {
    ViewValue flushed = new ViewValue(new JsonObject().put("count", 1), 1);
    cache.put(KEY, flushed);
    cache.removeFlushed(KEY, flushed);
    assertThat(cache.get(KEY)).isNull();
    ViewValue newer = new ViewValue(new JsonObject().put("count", 2), 2);
    cache.put(KEY, newer);
    cache.removeFlushed(KEY, flushed);
    assertThat(cache.get(KEY)).isEqualTo(newer);
  }
}
