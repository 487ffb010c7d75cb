package io.highwater.keys;

import io.highwater.cluster.Addresses;
import io.highwater.partition.PartitionId;
import io.highwater.event.Trigger;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.core.shareddata.Shareable;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The data keys of a node's partitions: unwrapped ones kept in memory (a shared local map per
 * partition), the wrapped ones in PostgreSQL. A key that is not found has expired (or never was).
 */
public final class KeyRing {

  // One index probe per key whatever the statistics say (see EventLog.TOUCHING).
  static final String FIND = """
      SELECT k.ws, k.trigger_type, k.trigger_id, k.wrapped
      FROM unnest($3::text[], $4::text[], $5::text[]) AS t(ws, trigger_type, trigger_id)
      CROSS JOIN LATERAL (
        SELECT k.ws, k.trigger_type, k.trigger_id, k.wrapped FROM data_keys k
        WHERE k.app = $1 AND k.partition = $2 AND k.ws = t.ws AND k.trigger_type = t.trigger_type AND k.trigger_id = t.trigger_id
        OFFSET 0) k""";

  /**
   * How long a reader trusts a key in memory before it asks PostgreSQL again whether it lives: a
   * node that missed the announcement of its destruction (a lost publish, a node apart from the
   * cluster) stops opening its values this soon after all.
   */
  public static final long RECHECK_MS = 1_000;

  private final Vertx vertx;
  private final Pool pool;
  private final MasterKey master;

  public KeyRing(Vertx vertx, Pool pool, MasterKey master) {
    this.vertx = vertx;
    this.pool = pool;
    this.master = master;
  }

  /** A key in memory, and when PostgreSQL last said it lives. */
  private record Held(DataKey key, long checkedAtMillis) implements Shareable {}

  public MasterKey master() {
    return master;
  }

  private LocalMap<TriggerKey, Held> cache(PartitionId partition) {
    return vertx.sharedData().getLocalMap("highwater.keys." + partition.key());
  }

  /**
   * Keys destroyed since this node started: a lookup that read a key from PostgreSQL just before
   * its row was deleted must not put it back in memory.
   */
  private LocalMap<TriggerKey, Boolean> destroyed(PartitionId partition) {
    return vertx.sharedData().getLocalMap("highwater.keys.destroyed." + partition.key());
  }

  /**
   * The living keys among these triggers, for the partition's own writers (its command processor
   * and actualizers): on the partition's owner, which destroys its keys itself, memory is first-hand.
   */
  public Future<Map<TriggerKey, DataKey>> keys(PartitionId partition, Collection<TriggerKey> triggers) {
    return lookup(partition, triggers, Long.MAX_VALUE);
  }

  /**
   * The living keys among these triggers, for readers on any node: a key held longer than
   * {@link #RECHECK_MS} is looked up again, and one PostgreSQL no longer has is forgotten here.
   */
  public Future<Map<TriggerKey, DataKey>> keysForReading(PartitionId partition, Collection<TriggerKey> triggers) {
    return lookup(partition, triggers, RECHECK_MS);
  }

  private Future<Map<TriggerKey, DataKey>> lookup(PartitionId partition, Collection<TriggerKey> triggers, long maxAgeMs) {
    Map<TriggerKey, DataKey> found = new HashMap<>();
    List<TriggerKey> misses = new ArrayList<>();
    LocalMap<TriggerKey, Held> cache = cache(partition);
    long now = System.currentTimeMillis();
    for (TriggerKey trigger : triggers) {
      Held held = cache.get(trigger);
      if (held != null && now - held.checkedAtMillis() < maxAgeMs) {
        found.put(trigger, held.key());
      } else {
        misses.add(trigger);
      }
    }
    if (misses.isEmpty()) {
      return Future.succeededFuture(found);
    }
    Tuple params = Tuple.of(partition.app(), partition.partition(),
        misses.stream().map(TriggerKey::ws).toArray(String[]::new),
        misses.stream().map(t -> t.trigger().type()).toArray(String[]::new),
        misses.stream().map(t -> t.trigger().id()).toArray(String[]::new));
    return pool.preparedQuery(FIND).execute(params).map(rows -> {
      LocalMap<TriggerKey, Boolean> destroyed = destroyed(partition);
      long checkedAt = System.currentTimeMillis();
      for (Row row : rows) {
        TriggerKey trigger = new TriggerKey(row.getString(0), new Trigger(row.getString(1), row.getString(2)));
        if (destroyed.containsKey(trigger)) {
          continue;
        }
        DataKey key = master.unwrap(row.getBuffer(3).getBytes());
        cache.put(trigger, new Held(key, checkedAt));
        found.put(trigger, key);
      }
      // Held here, gone from PostgreSQL: destroyed, whether or not this node heard of it. (Only
      // dropped: a key its command processor has just made is in PostgreSQL once its group commits.)
      misses.stream().filter(t -> !found.containsKey(t)).forEach(cache::remove);
      return found;
    });
  }

  /** Remembers a key the command processor just created (its row commits with the events). */
  public void remember(PartitionId partition, TriggerKey trigger, DataKey key) {
    destroyed(partition).remove(trigger);
    cache(partition).put(trigger, new Held(key, System.currentTimeMillis()));
  }

  /** Drops a key from memory only: the next lookup asks PostgreSQL, which knows whether it lives. */
  public void evict(PartitionId partition, TriggerKey trigger) {
    cache(partition).remove(trigger);
  }

  /**
   * Forgets an expired key for good, here and on every other node (which may hold it from a read);
   * its row was deleted with the effect that expired it.
   */
  public void forget(PartitionId partition, TriggerKey trigger) {
    forgetHere(partition, trigger);
    vertx.eventBus().publish(Addresses.keysExpired(), new JsonObject()
        .put("partition", partition.key())
        .put("ws", trigger.ws())
        .put("type", trigger.trigger().type())
        .put("id", trigger.trigger().id()));
  }

  private void forgetHere(PartitionId partition, TriggerKey trigger) {
    destroyed(partition).put(trigger, Boolean.TRUE);
    cache(partition).remove(trigger);
  }

  /** Forgets the keys other nodes announce as expired. */
  public Future<Void> followExpiries() {
    return vertx.eventBus().<JsonObject>consumer(Addresses.keysExpired(), m -> forgetHere(
            PartitionId.parse(m.body().getString("partition")),
            new TriggerKey(m.body().getString("ws"), new Trigger(m.body().getString("type"), m.body().getString("id")))))
        .completion();
  }

  /**
   * Drops every key of the partition from memory (not the record of destroyed ones): while another
   * node owned it, keys may have been destroyed there.
   */
  public void evictAll(PartitionId partition) {
    cache(partition).clear();
  }

  /** How storage names a view key that is a sealed value: a keyed hash, never the value. */
  public String sealedViewKey(String ws, String key) {
    return "sealed~" + master.hash("view-key", ws + "/" + key);
  }

  public Buffer wrap(DataKey key) {
    return Buffer.buffer(master.wrap(key));
  }
}
