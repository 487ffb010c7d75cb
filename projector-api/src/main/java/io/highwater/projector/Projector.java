package io.highwater.projector;

import java.util.Set;

/**
 * Keeps one view: a function of an event, the state it may read, and the intents it
 * emits. The runtime calls {@link #reads} first, loads those view keys, then {@link #project}.
 * Implementations must be deterministic: an event projected twice must emit the same intents.
 */
public interface Projector {

  /** The view keys {@link #project} will read, or change a member of, for this event. */
  Set<String> reads(ProjectedEvent event);

  /**
   * Whether this projector's values are sets of members, changed one member at a time with
   * {@link Intents#join} and {@link Intents#leave} and read as {@code {"ids": [sorted members],
   * "count": n}}: a change then costs the same whatever the key's size, in memory and in storage
   * (one row per member). A whole-value projector puts and deletes whole values.
   */
  default boolean perMember() {
    return false;
  }

  /** Emits the puts and deletes this event causes in the view. */
  void project(ProjectedEvent event, ViewReader view, Intents intents);
}
