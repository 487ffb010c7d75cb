package io.highwater.cp;

import io.highwater.event.AggregateKey;
import io.highwater.event.Batch;
import io.highwater.event.Event;
import io.highwater.event.StoredEvent;
import java.util.ArrayList;
import java.util.List;

/**
 * Decides, in arrival order, what becomes of each batch of a group that will be committed in one
 * transaction: idempotent repeats, offsets beyond the log, conflicts,
 * and the gapless offsets of what is accepted. Pure: the log's answers come in through
 * {@link History}.
 */
final class GroupPlan {

  private final int partition;
  private final History history;
  private final List<StoredEvent> accepted = new ArrayList<>();
  private long nextOffset;

  GroupPlan(int partition, long nextOffset, History history) {
    this.partition = partition;
    this.nextOffset = nextOffset;
    this.history = history;
  }

  Outcome add(String ws, Batch batch) {
    Outcome repeat = repeated(batch);
    if (repeat != null) {
      return repeat;
    }
    if (batch.baseOffset() > nextOffset - 1) {
      return new Outcome.InvalidOffset(nextOffset);
    }
    // An effect whose trigger no action is linked to (yet) is stored like any other and replays nothing.
    List<StoredEvent> stored = new ArrayList<>();
    long offset = nextOffset;
    for (Event event : batch.events()) {
      StoredEvent candidate = new StoredEvent(offset++, partition, ws, event);
      if (event.isAction()) {
        List<StoredEvent> conflicting = history
            .touching(new AggregateKey(ws, event.action().aggregate()), batch.baseOffset())
            .stream()
            .filter(e -> !batch.resolved().contains(e.offset()))
            .toList();
        if (!conflicting.isEmpty()) {
          return new Outcome.Conflicted(stored, candidate, conflicting.get(0),
              conflicting.stream().map(StoredEvent::offset).toList());
        }
      }
      stored.add(candidate);
    }
    if (!batch.dry()) {
      stored.forEach(history::accept);
      accepted.addAll(stored);
      nextOffset = offset;
    }
    return new Outcome.Appended(stored, batch.dry());
  }

  /** What the group writes, in offset order. */
  List<StoredEvent> accepted() {
    return accepted;
  }

  long nextOffset() {
    return nextOffset;
  }

  /** A repeat when every event carries a stored id; a rejection when only some do. */
  private Outcome repeated(Batch batch) {
    List<StoredEvent> found = new ArrayList<>();
    int firstNew = -1;
    for (int i = 0; i < batch.events().size(); i++) {
      String id = batch.events().get(i).id();
      StoredEvent stored = id == null ? null : history.byId(id);
      if (stored != null) {
        found.add(stored);
      } else if (firstNew < 0) {
        firstNew = i;
      }
    }
    if (found.isEmpty()) {
      return null;
    }
    if (firstNew >= 0) {
      return new Outcome.Rejected("events[" + firstNew + "].id",
          "the batch mixes events already stored (by id) with new ones; send them apart");
    }
    return new Outcome.Repeated(found);
  }
}
