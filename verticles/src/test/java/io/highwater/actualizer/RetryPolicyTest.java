package io.highwater.actualizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void waitsDoubleFromTheInitialBackoffUpToTheCapThenTheViewIsParked() {
    RetryPolicy policy = new RetryPolicy(6, 100, 1000);

    assertThat(policy.backoffAfter(1)).hasValue(100);
    assertThat(policy.backoffAfter(2)).hasValue(200);
    assertThat(policy.backoffAfter(3)).hasValue(400);
    assertThat(policy.backoffAfter(4)).hasValue(800);
    assertThat(policy.backoffAfter(5)).hasValue(1000);
    assertThat(policy.backoffAfter(6)).hasValue(1000);
    assertThat(policy.backoffAfter(7)).isEmpty();
  }

  @Test
  void manyAttemptsNeverOverflowTheCap() {
    RetryPolicy policy = new RetryPolicy(Integer.MAX_VALUE, 1, Long.MAX_VALUE / 2);

    assertThat(policy.backoffAfter(200).getAsLong()).isPositive().isLessThanOrEqualTo(Long.MAX_VALUE / 2);
  }

  @Test
  void noAttemptsParksAtTheFirstFailure() {
    assertThat(new RetryPolicy(0, 10, 10).backoffAfter(1)).isEqualTo(OptionalLong.empty());
  }

  @Test
  void refusesSettingsThatMakeNoSenseNamingTheKey() {
    assertThatThrownBy(() -> new RetryPolicy(-1, 1, 1)).hasMessageContaining("views.retry.attempts");
    assertThatThrownBy(() -> new RetryPolicy(1, 0, 1)).hasMessageContaining("views.retry.initialBackoffMs");
    assertThatThrownBy(() -> new RetryPolicy(1, 10, 5)).hasMessageContaining("views.retry.maxBackoffMs");
    assertThatThrownBy(() -> new RetryPolicy(1, 1, 1).backoffAfter(0)).hasMessageContaining("failures");
  }

  @Test
  void aFaultCountsTriesAtTheSameEventAndStartsAgainAtAnother() {
    RetryPolicy policy = new RetryPolicy(2, 100, 1000);

    ViewFault first = ViewFault.after(null, 7, "E", policy, NOW);
    assertThat(first.attempts()).isEqualTo(1);
    assertThat(first.nextRetryAt()).isEqualTo(NOW.plusMillis(100));
    ViewFault second = ViewFault.after(first, 7, "E", policy, NOW);
    assertThat(second.attempts()).isEqualTo(2);
    assertThat(second.nextRetryAt()).isEqualTo(NOW.plusMillis(200));
    ViewFault third = ViewFault.after(second, 7, "E", policy, NOW);
    assertThat(third.parked()).isTrue();
    assertThat(third.status()).isEqualTo(new JsonObject().put("status", "parked").put("failedAt", 7L).put("error", "E").put("attempts", 3));

    ViewFault elsewhere = ViewFault.after(third, 9, "F", policy, NOW);
    assertThat(elsewhere.attempts()).isEqualTo(1);
    assertThat(elsewhere.parked()).isFalse();
    assertThat(elsewhere.status().getString("status")).isEqualTo("failed");
    assertThat(elsewhere.status().getString("nextRetryAt")).isEqualTo("2026-01-01T00:00:00.100Z");

    ViewFault resumed = ViewFault.after(third.resumed(), 7, "E", policy, NOW);
    assertThat(resumed.attempts()).as("a resume starts the count again").isEqualTo(1);
  }
}
