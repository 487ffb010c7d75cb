package io.highwater.storage;

import io.highwater.partition.PartitionId;
import io.highwater.event.AggregateKey;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.LocalMap;

/**
 * The owner node's in-memory records of one partition, in a
 * Vert.x shared local map so the command processor, the records actualizer and the readers of the
 * node share it. Only the command processor puts; only the records actualizer removes, and only a
 * value it has flushed.
 */
public final class RecordsCache {

  private final LocalMap<AggregateKey, RecordState> map;

  public RecordsCache(Vertx vertx, PartitionId partition) {
    this.map = vertx.sharedData().getLocalMap("highwater.records." + partition.key());
  }

  public RecordState get(AggregateKey key) {
    return map.get(key);
  }

  public void put(AggregateKey key, RecordState state) {
    map.put(key, state);
  }

  /** Removes the entry only if it still holds {@code flushed}: a newer value stays until flushed too. */
  public void removeFlushed(AggregateKey key, RecordState flushed) {
    map.removeIfPresent(key, flushed);
  }

  /** Forgets every record: the partition starts here anew, or left this node. */
  public void clear() {
    map.clear();
  }
}
