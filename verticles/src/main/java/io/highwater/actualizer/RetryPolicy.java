package io.highwater.actualizer;

import io.highwater.config.HighwaterConfig;
import java.util.OptionalLong;

/**
 * How often a view whose projector threw is tried again, and how long it waits before each try:
 * {@code initialBackoffMs}, doubling, never more than {@code maxBackoffMs}. Pure.
 */
public record RetryPolicy(HighwaterConfig.Retry settings) {

  /** Settings checked as the configuration is read (they name their keys). */
  public RetryPolicy(int attempts, long initialBackoffMs, long maxBackoffMs) {
    this(new HighwaterConfig.Retry(attempts, initialBackoffMs, maxBackoffMs));
  }

  public long initialBackoffMs() {
    return settings.initialBackoffMs();
  }

  /**
   * The wait before the next try once {@code failures} tries have failed (the first run counts as
   * one), or empty when the view is to be parked: it has been retried {@code attempts} times.
   */
  public OptionalLong backoffAfter(int failures) {
    if (failures < 1) {
      throw new IllegalArgumentException("failures: must be 1 or more, got " + failures);
    }
    if (failures > settings.attempts()) {
      return OptionalLong.empty();
    }
    // Doubling stops at the cap before it can overflow.
    long wait = settings.initialBackoffMs();
    for (int i = 1; i < failures && wait < settings.maxBackoffMs(); i++) {
      wait *= 2;
    }
    return OptionalLong.of(Math.min(wait, settings.maxBackoffMs()));
  }
}
