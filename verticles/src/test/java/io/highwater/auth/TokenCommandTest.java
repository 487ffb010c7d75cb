package io.highwater.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.highwater.config.ConfigLoader;
import io.highwater.config.HighwaterConfig;
import io.vertx.core.Vertx;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TokenCommandTest {

  @Test
  void printsATokenTheServerAcceptsWithTheGrantsAsked() {
    String secret = Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII));
    HighwaterConfig config = ConfigLoader.load(Map.of("HIGHWATER_AUTH_HS256_SECRET", secret));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int status = TokenCommand.run(List.of("--sub", "alice", "--grant", "bookstore:shop-*:write", "--ttl", "1h"), config,
        new PrintStream(out, true), System.err);
    assertThat(status).isZero();
    Vertx vertx = Vertx.vertx();
    try {
      Identity identity = TokenVerifier.create(vertx, AuthKeys.load(config.auth(), config.dataDir()))
          .verify(out.toString().trim()).await();
      assertThat(identity.subject()).isEqualTo("alice");
      assertThat(identity.permit(Scope.workspace(Role.WRITE, "bookstore", "shop-1"))).isTrue();
      assertThat(identity.permit(Scope.workspace(Role.READ, "bookstore", "other"))).isFalse();
      long left = identity.expiresAt().getAsLong() - System.currentTimeMillis() / 1000;
      assertThat(left).isBetween(3500L, 3601L);
    } finally {
      vertx.close().await();
    }
  }

  @Test
  void badArgumentsAreNamedAndNothingIsPrinted() {
    HighwaterConfig config = ConfigLoader.load(Map.of("HIGHWATER_AUTH_HS256_SECRET", Base64.getEncoder().encodeToString(new byte[32])));
    for (List<String> args : List.of(List.of("--grant", "a:b:read"), List.of("--sub", "x"), List.of("--sub", "x", "--grant", "a:b:boss"),
        List.of("--sub", "x", "--grant", "a:b:read", "--ttl", "soon"), List.of("--sub"))) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      assertThat(TokenCommand.run(args, config, new PrintStream(out, true), new PrintStream(err, true))).as("%s", args).isEqualTo(2);
      assertThat(out.size()).isZero();
      assertThat(err.toString()).contains("usage");
    }
    assertThat(TokenCommand.duration("30m")).isEqualTo(Duration.ofMinutes(30));
    assertThat(TokenCommand.duration("7d")).isEqualTo(Duration.ofDays(7));
  }
}
