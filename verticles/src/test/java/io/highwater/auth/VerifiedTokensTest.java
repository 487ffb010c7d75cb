package io.highwater.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class VerifiedTokensTest {

  private final AtomicLong now = new AtomicLong(1_000);

  private static Identity identity(String token, OptionalLong exp) {
    return new Identity("alice", new Grants(List.of()), exp, token);
  }

  @Test
  void aTokenIsAnsweredUntilTheSecondItExpiresAndNeverAfter() {
    VerifiedTokens tokens = new VerifiedTokens(8, now::get);
    tokens.put("t", identity("t", OptionalLong.of(1_002)));
    assertThat(tokens.get("t")).map(Identity::subject).contains("alice");
    now.set(1_001);
    assertThat(tokens.get("t")).isPresent();
    now.set(1_002);
    assertThat(tokens.get("t")).isEmpty();
    assertThat(tokens.size()).isZero();
    now.set(900);
    assertThat(tokens.get("t")).as("an expired entry is gone, not hidden").isEmpty();
  }

  @Test
  void anExpiredIdentityIsNotRemembered() {
    VerifiedTokens tokens = new VerifiedTokens(8, now::get);
    tokens.put("old", identity("old", OptionalLong.of(1_000)));
    assertThat(tokens.get("old")).isEmpty();
    tokens.put("forever", identity("forever", OptionalLong.empty()));
    now.set(Long.MAX_VALUE);
    assertThat(tokens.get("forever")).isPresent();
  }

  @Test
  void theLeastRecentlyUsedTokenMakesRoomWhenFull() {
    VerifiedTokens tokens = new VerifiedTokens(2, now::get);
    tokens.put("a", identity("a", OptionalLong.empty()));
    tokens.put("b", identity("b", OptionalLong.empty()));
    assertThat(tokens.get("a")).isPresent();
    tokens.put("c", identity("c", OptionalLong.empty()));
    assertThat(tokens.size()).isEqualTo(2);
    assertThat(tokens.get("b")).as("b was used least lately").isEmpty();
    assertThat(tokens.get("a")).isPresent();
    assertThat(tokens.get("c")).isPresent();
  }

  @Test
  void aCapacityBelowOneIsRefused() {
    assertThatThrownBy(() -> new VerifiedTokens(0, now::get)).hasMessageContaining("capacity");
  }
}
