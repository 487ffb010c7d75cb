package io.highwater.actualizer;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.OptionalLong;

/**
 * Where a view stopped because its projector threw, how many tries have failed there, and what is
 * next: another try at {@code nextRetryAt}, or none (parked) until an operator resumes or skips.
 * Pure.
 */
public record ViewFault(long offset, String error, int attempts, Instant nextRetryAt) {

  /** The fault after a failed try at {@code offset}: counted on from {@code previous} if it failed at the same event. */
  public static ViewFault after(ViewFault previous, long offset, String error, RetryPolicy policy, Instant now) {
    int attempts = previous != null && previous.offset == offset ? previous.attempts + 1 : 1;
    OptionalLong wait = policy.backoffAfter(attempts);
    return new ViewFault(offset, error, attempts, wait.isPresent() ? now.plusMillis(wait.getAsLong()) : null);
  }

  public boolean parked() {
    return nextRetryAt == null;
  }

  /** The same fault, tried afresh: an operator's resume starts the count again. */
  public ViewFault resumed() {
    return new ViewFault(offset, error, 0, null);
  }

  /** What {@code /consistency} shows of it. */
  public JsonObject status() {
    JsonObject status = new JsonObject()
        .put("status", parked() ? "parked" : "failed")
        .put("failedAt", offset)
        .put("error", error)
        .put("attempts", attempts);
    if (!parked()) {
      status.put("nextRetryAt", nextRetryAt.toString());
    }
    return status;
  }
}
