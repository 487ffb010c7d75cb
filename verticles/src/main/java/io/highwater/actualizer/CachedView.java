package io.highwater.actualizer;

import io.highwater.partition.PartitionId;
import io.highwater.storage.ViewCache;
import io.highwater.partition.ViewKey;
import io.highwater.storage.ViewStore;
import io.highwater.storage.ViewValue;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** One view of one partition, read as its writer sees it: the cache first, then storage. */
public record CachedView(PartitionId partition, String view, ViewCache cache, ViewStore store) {

  public Future<Map<ViewKey, ViewValue>> current(Collection<ViewKey> keys) {
    Map<ViewKey, ViewValue> values = new HashMap<>();
    List<ViewKey> misses = new ArrayList<>();
    for (ViewKey key : keys) {
      ViewValue cached = cache.get(key);
      if (cached != null) {
        values.put(key, cached);
      } else {
        misses.add(key);
      }
    }
    return store.getAll(partition, view, misses).map(stored -> {
      values.putAll(stored);
      return values;
    });
  }
}
