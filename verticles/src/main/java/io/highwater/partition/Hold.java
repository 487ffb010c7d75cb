package io.highwater.partition;

/**
 * What a holder tells a partition's command processor, within its node, on
 * {@code highwater.cp.hold.<app>/<p>}: {@code HOLD} (start no group until resumed; answered once
 * none is in flight), {@code RENEW} (the holder is still at work: an unrenewed hold expires after
 * the processor's request timeout), {@code RESUME} (take appends again). Answered with a
 * {@link State}.
 */
public enum Hold {
  HOLD, RENEW, RESUME;

  /** Whether the processor stands still for the holder. */
  public enum State {
    HELD, RELEASED
  }
}
