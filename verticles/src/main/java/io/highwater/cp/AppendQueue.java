package io.highwater.cp;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.ToIntFunction;

/**
 * The batches waiting for the command processor, bounded in count and in bytes, and how they are cut
 * into groups: as many as fit in a group's events and bytes (one batch alone always fits), and a
 * batch that destroys a data key alone, so no key is created and destroyed in one statement. The
 * bytes are what the batch's request body weighed: what its rows will weigh, near enough, so a group
 * stays far below PostgreSQL's limit on one message. Pure.
 *
 * @param <T> what is queued: a batch with whoever waits for its answer
 */
final class AppendQueue<T> {

  /** How many batches, events and bytes the queue and each group may hold. */
  record Limits(int maxQueuedBatches, long maxQueuedBytes, int maxGroupEvents, long maxGroupBytes) {}

  private final Limits limits;
  private final ToIntFunction<T> events;
  private final ToIntFunction<T> bytes;
  private final Predicate<T> expiresKeys;
  private final ArrayDeque<T> queue = new ArrayDeque<>();
  private long queuedBytes;

  AppendQueue(Limits limits, ToIntFunction<T> events, ToIntFunction<T> bytes, Predicate<T> expiresKeys) {
    this.limits = limits;
    this.events = events;
    this.bytes = bytes;
    this.expiresKeys = expiresKeys;
  }

  /** Queues the item, or answers false when that would pass the queue's limits. */
  boolean offer(T item) {
    if (queue.size() >= limits.maxQueuedBatches() || !queue.isEmpty() && queuedBytes + bytes.applyAsInt(item) > limits.maxQueuedBytes()) {
      return false;
    }
    queue.add(item);
    queuedBytes += bytes.applyAsInt(item);
    return true;
  }

  boolean isEmpty() {
    return queue.isEmpty();
  }

  /** Takes the next group off the queue: empty only when the queue is. */
  List<T> nextGroup() {
    List<T> group = new ArrayList<>();
    int groupEvents = 0;
    long groupBytes = 0;
    while (!queue.isEmpty()) {
      T next = queue.peek();
      if (!group.isEmpty() && (groupEvents + events.applyAsInt(next) > limits.maxGroupEvents()
          || groupBytes + bytes.applyAsInt(next) > limits.maxGroupBytes() || expiresKeys.test(next))) {
        break;
      }
      queue.poll();
      queuedBytes -= bytes.applyAsInt(next);
      groupEvents += events.applyAsInt(next);
      groupBytes += bytes.applyAsInt(next);
      group.add(next);
      if (expiresKeys.test(next)) {
        break;
      }
    }
    return group;
  }

  /** Takes everything off the queue. */
  List<T> drainAll() {
    List<T> all = new ArrayList<>(queue);
    queue.clear();
    queuedBytes = 0;
    return all;
  }
}
