package io.highwater.storage;

import io.highwater.cluster.PartitionId;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.LocalMap;

/**
 * One view's in-memory values on the partition's owner (the cache phase of the two-phase write).
 * Only its writer (the command processor for a sync view, the actualizer for an async one) puts;
 * only its flusher removes, and only a value it has flushed.
 */
public final class ViewCache {

  private final LocalMap<ViewKey, ViewValue> map;

  public ViewCache(Vertx vertx, PartitionId partition, String view) {
    this.map = vertx.sharedData().getLocalMap("highwater.view." + view + "." + partition.key());
  }

  public ViewValue get(ViewKey key) {
    return map.get(key);
  }

  public void put(ViewKey key, ViewValue value) {
    map.put(key, value);
  }

  public void removeFlushed(ViewKey key, ViewValue flushed) {
    map.removeIfPresent(key, flushed);
  }

  /** Forgets every value: the view's storage was replaced by a rebuilt copy. */
  public void clear() {
    map.clear();
  }
}
