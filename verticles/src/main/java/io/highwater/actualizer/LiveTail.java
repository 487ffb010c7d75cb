package io.highwater.actualizer;

import io.highwater.partition.GroupProjected;
import io.highwater.projector.ProjectedEvent;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The groups the command processor applied that an async view has not projected yet, kept in
 * memory so that a view that is caught up projects them without reading the log back. Bounded: a
 * view that falls further behind drops them and reads the log instead, as it does after a gap.
 */
final class LiveTail {

  /** Events taken together, ending at offset {@code last}. */
  record Run(List<ProjectedEvent> events, long last) {}

  private final int maxEvents;
  private final ArrayDeque<GroupProjected> groups = new ArrayDeque<>();
  private int events;

  LiveTail(int maxEvents) {
    this.maxEvents = maxEvents;
  }

  void add(GroupProjected group) {
    groups.add(group);
    events += group.events().size();
    if (events > maxEvents) {
      clear();
    }
  }

  private void clear() {
    groups.clear();
    events = 0;
  }

  /**
   * The groups that follow {@code position} without a gap, taken out of the tail;
   * groups at or before the position are dropped. Empty when the next group is not the next offset.
   */
  Optional<Run> takeAfter(long position) {
    while (!groups.isEmpty() && groups.peek().last() <= position) {
      poll();
    }
    List<ProjectedEvent> run = new ArrayList<>();
    long last = position;
    while (!groups.isEmpty() && groups.peek().first() == last + 1) {
      GroupProjected group = poll();
      run.addAll(group.events());
      last = group.last();
    }
    return run.isEmpty() ? Optional.empty() : Optional.of(new Run(run, last));
  }

  private GroupProjected poll() {
    GroupProjected group = groups.poll();
    events -= group.events().size();
    return group;
  }
}
