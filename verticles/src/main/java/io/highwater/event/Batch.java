package io.highwater.event;

import java.util.List;
import java.util.Set;

/**
 * A conflict-checked batch: the events, the offset the caller had
 * seen when it decided, and the stored offsets it declares resolved. {@code dry} checks without
 * storing.
 */
public record Batch(long baseOffset, Set<Long> resolved, boolean dry, List<Event> events) {

  public Batch {
    resolved = Set.copyOf(resolved);
    events = List.copyOf(events);
  }
}
