package io.highwater.http;

import io.highwater.actualizer.CachedView;
import io.highwater.partition.PartitionId;
import io.highwater.config.ViewConfig;
import io.highwater.coordinator.ConsistencyWatch;
import io.highwater.watermark.Level;
import io.highwater.watermark.PartitionConsistency;
import io.highwater.keys.KeyRing;
import io.highwater.storage.ViewCache;
import io.highwater.partition.ViewKey;
import io.highwater.storage.ViewStore;
import io.highwater.storage.ViewValue;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.Predicate;

/**
 * A view value consistent at an offset: waits for the view's watermark, then reads the cache (level
 * cache, on the partition's owner) or PostgreSQL. Fails with an {@link ApiError}.
 */
final class ViewReader {

  private final Vertx vertx;
  private final ConsistencyWatch watch;
  private final ViewStore store;
  private final KeyRing keyRing;
  private final Predicate<PartitionConsistency> servable;

  /** {@code servable}: whether this reader may answer from what it has at that consistency. */
  ViewReader(Vertx vertx, ConsistencyWatch watch, ViewStore store, KeyRing keyRing, Predicate<PartitionConsistency> servable) {
    this.vertx = vertx;
    this.watch = watch;
    this.store = store;
    this.keyRing = keyRing;
    this.servable = servable;
  }

  Future<JsonObject> read(PartitionId partition, ViewConfig view, ViewKey key, OptionalLong consistentAt, Level level, long timeoutMs) {
    Future<PartitionConsistency> ready = consistentAt.isPresent()
        ? watch.await(partition, view.entity(), level, consistentAt.getAsLong(), timeoutMs)
        : watch.current(partition);
    return ready.compose(state -> servable.test(state) ? Future.succeededFuture(state) : Future.failedFuture(new NotOwnerException()))
        .compose(state -> load(partition, view, key, level).map(value -> {
          if (value == null || value.deleted()) {
            throw ApiError.notFound("view " + view.name() + " has no key '" + key.key() + "' in workspace '" + key.ws() + "'");
          }
          return new JsonObject()
              .put("view", view.name())
              .put("key", key.key())
              .put("value", value.value())
              .put("offs", value.offs())
              .put("consistentAt", state.entity(view.entity()).at(level))
              .put("level", level.wireName());
        }))
        .recover(e -> Future.failedFuture(ApiError.timeoutOr(e, view.entity())));
  }

  /** A key that is a sealed value is stored under a keyed hash of it: look for the plain key, then that. */
  private Future<ViewValue> load(PartitionId partition, ViewConfig view, ViewKey key, Level level) {
    return loadStored(partition, view, key, level).compose(value -> value != null
        ? Future.succeededFuture(value)
        : loadStored(partition, view, new ViewKey(key.ws(), keyRing.sealedViewKey(key.ws(), key.key())), level));
  }

  private Future<ViewValue> loadStored(PartitionId partition, ViewConfig view, ViewKey key, Level level) {
    if (level == Level.CACHE) {
      return new CachedView(partition, view.name(), new ViewCache(vertx, partition, view.name()), store)
          .current(List.of(key)).map(values -> values.get(key));
    }
    return store.getAll(partition, view.name(), List.of(key)).map(values -> values.get(key));
  }
}
