package io.highwater.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The verifier answers a token it has seen from memory, and still refuses it once it has expired. */
@ExtendWith(VertxExtension.class)
class TokenVerifierTest {

  private static final AuthKey KEY = new AuthKey.Hs256(new byte[32], false);

  @Test
  void aRememberedTokenIsRefusedOnceExpired(Vertx vertx) throws Exception {
    TokenMinter minter = new TokenMinter(vertx, KEY);
    TokenVerifier verifier = TokenVerifier.create(vertx, KEY);
    String token = minter.mint("alice", List.of(new Grant("shop", "*", Role.WRITE)), Duration.ofSeconds(2));

    Identity first = verifier.verify(token).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    Identity again = verifier.verify(token).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    assertThat(again).isSameAs(first);
    assertThat(first.subject()).isEqualTo("alice");

    long exp = first.expiresAt().orElseThrow();
    Thread.sleep(Math.max(0, exp * 1_000 - System.currentTimeMillis()) + 50);
    Throwable refused = verifier.verify(token).toCompletionStage().toCompletableFuture().handle((i, e) -> e).get(5, TimeUnit.SECONDS);
    assertThat(refused).isNotNull();
    assertThat(refused.getCause() != null ? refused.getCause() : refused).isInstanceOf(AuthFailure.class)
        .hasMessageContaining("not valid");
  }

  @Test
  void aTokenSignedWithAnotherKeyIsRefusedEvenAfterAGoodOne(Vertx vertx) throws Exception {
    TokenVerifier verifier = TokenVerifier.create(vertx, KEY);
    byte[] other = new byte[32];
    other[0] = 1;
    String good = new TokenMinter(vertx, KEY).mint("alice", List.of(), Duration.ofMinutes(5));
    String forged = new TokenMinter(vertx, new AuthKey.Hs256(other, false)).mint("alice", List.of(), Duration.ofMinutes(5));
    verifier.verify(good).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    Throwable refused = verifier.verify(forged).toCompletionStage().toCompletableFuture().handle((i, e) -> e).get(5, TimeUnit.SECONDS);
    assertThat(refused).isNotNull();
  }
}
