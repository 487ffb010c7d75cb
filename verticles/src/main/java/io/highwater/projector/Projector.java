package io.highwater.projector;

import java.util.Set;

/**
 * Keeps one view (seed 002): a function of an event, the state it may read, and the intents it
 * emits. The runtime calls {@link #reads} first, loads those view keys, then {@link #project}.
 * Implementations must be deterministic: an event projected twice must emit the same intents.
 */
public interface Projector {

  /** The view keys {@link #project} will read for this event. */
  Set<String> reads(ProjectedEvent event);

  /** Emits the puts and deletes this event causes in the view. */
  void project(ProjectedEvent event, ViewReader view, Intents intents);
}
