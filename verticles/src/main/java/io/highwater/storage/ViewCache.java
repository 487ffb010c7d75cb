package io.highwater.storage;

import io.highwater.partition.ViewKey;
import io.highwater.partition.PartitionId;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.LocalMap;

/**
 * One view's in-memory values on the partition's owner (the cache phase of the two-phase write).
 * Only its writer (the command processor for a sync view, the actualizer for an async one) puts;
 * only its flusher removes, and only a value it has flushed. The values of a per-member view may
 * stay once flushed, with nothing pending: their flusher lets them go.
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

  /**
   * A whole value leaves the cache once flushed, unless it changed since. A per-member value stays,
   * without the changes written: loaded again, its next change would cost its whole size.
   */
  public void removeFlushed(ViewKey key, ViewValue flushed) {
    if (flushed.perMember()) {
      map.computeIfPresent(key, (k, current) -> current.afterFlush(flushed));
    } else {
      map.removeIfPresent(key, flushed);
    }
  }

  /** Lets a flushed per-member value go, unless it changed since: storage has all of it. */
  public void letGo(ViewKey key) {
    map.computeIfPresent(key, (k, current) -> current.perMember() && current.members().pending().isEmpty() ? null : current);
  }

  /** Forgets every value: the view's storage was replaced by a rebuilt copy. */
  public void clear() {
    map.clear();
  }
}
