package io.highwater.actualizer;

import io.highwater.config.HighwaterConfig;
import java.util.OptionalLong;

/**
 * How often a view whose projector threw is tried again, and how long it waits before each try:
 * {@code initialBackoffMs}, doubling, never more than {@code maxBackoffMs}. Pure.
 */
public record RetryPolicy(int attempts, long initialBackoffMs, long maxBackoffMs) {

  public RetryPolicy {
    if (attempts < 0) {
      throw new IllegalArgumentException("views.retry.attempts: must be 0 or more, got " + attempts);
    }
    if (initialBackoffMs < 1) {
      throw new IllegalArgumentException("views.retry.initialBackoffMs: must be 1 or more, got " + initialBackoffMs);
    }
    if (maxBackoffMs < initialBackoffMs) {
      throw new IllegalArgumentException("views.retry.maxBackoffMs: must be at least initialBackoffMs, got " + maxBackoffMs);
    }
  }

  public static RetryPolicy of(HighwaterConfig.Retry retry) {
    return new RetryPolicy(retry.attempts(), retry.initialBackoffMs(), retry.maxBackoffMs());
  }

  /**
   * The wait before the next try once {@code failures} tries have failed (the first run counts as
   * one), or empty when the view is to be parked: it has been retried {@link #attempts} times.
   */
  public OptionalLong backoffAfter(int failures) {
    if (failures < 1) {
      throw new IllegalArgumentException("failures: must be 1 or more, got " + failures);
    }
    if (failures > attempts) {
      return OptionalLong.empty();
    }
    // Doubling stops at the cap before it can overflow.
    long wait = initialBackoffMs;
    for (int i = 1; i < failures && wait < maxBackoffMs; i++) {
      wait *= 2;
    }
    return OptionalLong.of(Math.min(wait, maxBackoffMs));
  }
}
