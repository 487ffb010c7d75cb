package io.highwater.coordinator;

import io.highwater.watermark.PartitionConsistency;
import io.highwater.watermark.Level;
import io.highwater.cluster.Addresses;
import io.highwater.partition.PartitionId;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiConsumer;

/**
 * A node's view of partition consistency, kept current by the owners' publications, and the reads
 * waiting for a watermark. What it knows is merged from owners' states, so it never claims more than
 * an owner reached. Waiting is event-driven: a waiter is woken by the publication that
 * covers its offset, or by its own timer. Use it from one Vert.x context only.
 */
public final class ConsistencyWatch {

  private record Target(PartitionId partition, String entity, Level level) {}

  private final class Waiter {
    final Target target;
    final long offset;
    final Promise<PartitionConsistency> promise = Promise.promise();
    long timerId;

    Waiter(Target target, long offset) {
      this.target = target;
      this.offset = offset;
    }
  }

  private final Vertx vertx;
  private final ConsistencySource source;
  private final Map<PartitionId, PartitionConsistency> known = new HashMap<>();
  private final Map<Target, TreeMap<Long, Set<Waiter>>> waiters = new HashMap<>();
  private final List<BiConsumer<PartitionId, PartitionConsistency>> listeners = new ArrayList<>();
  private final List<MessageConsumer<JsonObject>> consumers = new ArrayList<>();
  private final Map<PartitionId, Future<Void>> subscribed = new HashMap<>();

  public ConsistencyWatch(Vertx vertx, ConsistencySource source) {
    this.vertx = vertx;
    this.source = source;
  }

  /** Subscribes to the publications of these partitions (others, of apps deployed later, on first use). */
  public Future<Void> start(Collection<PartitionId> partitions) {
    return Future.all(partitions.stream().map(this::subscribe).toList()).mapEmpty();
  }

  private Future<Void> subscribe(PartitionId id) {
    Future<Void> known = subscribed.get(id);
    if (known != null) {
      return known;
    }
    MessageConsumer<JsonObject> consumer = vertx.eventBus()
        .consumer(Addresses.watermarks(id), m -> learn(id, PartitionConsistency.fromJson(m.body())));
    consumers.add(consumer);
    Future<Void> registered = consumer.completion();
    subscribed.put(id, registered);
    return registered;
  }

  public Future<Void> stop() {
    return Future.all(consumers.stream().map(MessageConsumer::unregister).toList()).mapEmpty();
  }

  /** Called with every change this node learns of, after waiters were woken. */
  public void addListener(BiConsumer<PartitionId, PartitionConsistency> listener) {
    listeners.add(listener);
  }

  /** The latest consistency known here, asking the source the first time. */
  public Future<PartitionConsistency> current(PartitionId id) {
    PartitionConsistency state = known.get(id);
    if (state != null) {
      return Future.succeededFuture(state);
    }
    // Subscribed before the owner is asked, so that no publication after the answer is missed.
    return subscribe(id).compose(v -> source.current(id)).map(fetched -> learn(id, fetched));
  }

  /**
   * Completes once {@code entity} of the partition is consistent at {@code offset} at {@code level};
   * fails with {@link WatermarkTimeoutException} after {@code timeoutMs}.
   */
  public Future<PartitionConsistency> await(PartitionId id, String entity, Level level, long offset, long timeoutMs) {
    return current(id).compose(state -> {
      if (state.covers(entity, level, offset)) {
        return Future.succeededFuture(state);
      }
      Waiter waiter = new Waiter(new Target(id, entity, level), offset);
      waiters.computeIfAbsent(waiter.target, t -> new TreeMap<>())
          .computeIfAbsent(offset, o -> new LinkedHashSet<>())
          .add(waiter);
      waiter.timerId = vertx.setTimer(Math.max(1, timeoutMs), t -> expire(waiter));
      return waiter.promise.future();
    });
  }

  private PartitionConsistency learn(PartitionId id, PartitionConsistency update) {
    PartitionConsistency before = known.get(id);
    PartitionConsistency state = before == null ? update : before.merge(update);
    if (state.equals(before)) {
      return state;
    }
    known.put(id, state);
    wake(id, state);
    listeners.forEach(l -> l.accept(id, state));
    return state;
  }

  private void wake(PartitionId id, PartitionConsistency state) {
    waiters.entrySet().removeIf(entry -> {
      Target target = entry.getKey();
      if (!target.partition().equals(id)) {
        return false;
      }
      Map<Long, Set<Waiter>> covered = entry.getValue().headMap(state.entity(target.entity()).at(target.level()), true);
      covered.values().forEach(set -> set.forEach(w -> {
        vertx.cancelTimer(w.timerId);
        w.promise.tryComplete(state);
      }));
      covered.clear();
      return entry.getValue().isEmpty();
    });
  }

  private void expire(Waiter waiter) {
    TreeMap<Long, Set<Waiter>> byOffset = waiters.get(waiter.target);
    if (byOffset != null) {
      Set<Waiter> set = byOffset.get(waiter.offset);
      if (set != null && set.remove(waiter) && set.isEmpty()) {
        byOffset.remove(waiter.offset);
      }
      if (byOffset.isEmpty()) {
        waiters.remove(waiter.target);
      }
    }
    PartitionConsistency latest = known.getOrDefault(waiter.target.partition(), PartitionConsistency.EMPTY);
    waiter.promise.tryFail(new WatermarkTimeoutException(latest));
  }
}
