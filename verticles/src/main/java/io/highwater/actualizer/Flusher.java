package io.highwater.actualizer;

import io.highwater.cluster.Addresses;
import io.highwater.config.FaultHook;
import io.highwater.metrics.FlushMeters;
import io.highwater.storage.FencedException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The second phase of the two-phase write: collects the keys changed in a cache, and
 * flushes their current values to storage in bundles, with the offset every applied event up to
 * which they reflect; then removes what it flushed from the cache and reports the storage offset.
 * Use it from one Vert.x context.
 */
final class Flusher<K, V> {

  /** Where the values live and go. */
  interface Target<K, V> {
    V cached(K key);

    void removeFlushed(K key, V value);

    /** Writes the bundle and the checkpoint {@code upTo} in one transaction. */
    Future<Void> write(Map<K, V> bundle, long upTo);

    /** Reports the storage watermark once the write committed. */
    Future<?> flushed(long upTo);
  }

  private static final Logger LOG = LoggerFactory.getLogger(Flusher.class);

  private final Vertx vertx;
  private final String name;
  private final String entity;
  private final String partition;
  private final FaultHook faults;
  private final int bundleSize;
  private final long intervalMs;
  private final Target<K, V> target;
  private final FlushMeters meters;
  private final Set<K> dirty = new LinkedHashSet<>();
  private boolean flushing;
  /** Every event up to here is in the cache values of the dirty keys, or already flushed. */
  private long applied;
  /** Every event up to here is in storage. */
  private long flushed;
  private long timerId = -1;

  Flusher(Vertx vertx, String entity, String partition, int bundleSize, long intervalMs, FaultHook faults, FlushMeters meters,
      Target<K, V> target) {
    this.vertx = vertx;
    this.meters = meters;
    this.entity = entity;
    this.name = entity + " of " + partition;
    this.partition = partition;
    this.faults = faults;
    this.bundleSize = bundleSize;
    this.intervalMs = intervalMs;
    this.target = target;
  }

  /** Starts from the durable checkpoint and flushes every interval from now on. */
  void start(long checkpoint) {
    flushed = checkpoint;
    applied = Math.max(applied, checkpoint);
    resume();
  }

  /**
   * Flushes what is left and stops: on a graceful stop nothing stays only in memory. A flush that
   * cannot be made (storage down, the partition claimed by another node) is left to the next owner,
   * which recovers it from the log.
   */
  Future<Void> stop() {
    vertx.cancelTimer(timerId);
    return flushAll().otherwise(failure -> {
      LOG.warn("Stopping {} with events not flushed: {}; they are in the log", name, failure.getMessage());
      return null;
    });
  }

  /** Stops flushing, once a flush in flight has ended; what is pending stays pending. */
  Future<Void> pause() {
    vertx.cancelTimer(timerId);
    return flushing ? vertx.timer(intervalMs).compose(t -> pause()) : Future.succeededFuture();
  }

  /** Flushes every interval again after {@link #pause}. */
  void resume() {
    vertx.cancelTimer(timerId);
    timerId = vertx.setPeriodic(intervalMs, t -> flush());
  }

  void changed(Collection<K> keys, long offset) {
    dirty.addAll(keys);
    applied = Math.max(applied, offset);
    if (dirty.size() >= bundleSize) {
      flush();
    }
  }

  private Future<Void> flushAll() {
    if (applied <= flushed && dirty.isEmpty()) {
      return Future.succeededFuture();
    }
    if (flushing) {
      return vertx.timer(intervalMs).compose(t -> flushAll());
    }
    return flush().compose(v -> flushAll());
  }

  Future<Void> flush() {
    if (flushing || (dirty.isEmpty() && applied <= flushed)) {
      return Future.succeededFuture();
    }
    flushing = true;
    // The cache reflects every event up to `applied`, so the values taken now do too.
    Map<K, V> bundle = new LinkedHashMap<>();
    for (K key : dirty) {
      V value = target.cached(key);
      if (value != null) {
        bundle.put(key, value);
      }
    }
    dirty.clear();
    long upTo = applied;
    long sent = System.nanoTime();
    Future<Void> written = target.write(bundle, upTo);
    faults.reached("flush-sent", entity, upTo);
    return written
        .compose(v -> {
          meters.flushed(bundle.size(), System.nanoTime() - sent);
          faults.reached("flush-committed", entity, upTo);
          bundle.forEach(target::removeFlushed);
          flushed = Math.max(flushed, upTo);
          return target.flushed(upTo);
        })
        .onFailure(e -> {
          dirty.addAll(bundle.keySet());
          if (e instanceof FencedException fenced) {
            LOG.warn("Flushing {} refused: {}", name, e.getMessage());
            vertx.cancelTimer(timerId);
            vertx.eventBus().send(Addresses.deposed(), fenced.deposal());
          } else {
            LOG.warn("Flushing {} failed; will retry", name, e);
          }
        })
        .onComplete(done -> {
          flushing = false;
          if (dirty.size() >= bundleSize) {
            flush();
          }
        })
        .mapEmpty();
  }
}
