package io.highwater.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.highwater.config.HighwaterConfig;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuthKeysTest {

  @TempDir
  Path dir;

  private static HighwaterConfig.Auth auth(Optional<String> secret, Optional<String> publicKey, boolean kubernetes) {
    return new HighwaterConfig.Auth("jwt", secret, publicKey, kubernetes);
  }

  @Test
  void withNoKeyASecretIsGeneratedOnceReadableByItsOwnerOnlyAndReused() throws Exception {
    AuthKey.Hs256 first = (AuthKey.Hs256) AuthKeys.load(auth(Optional.empty(), Optional.empty(), false), dir);
    Path file = dir.resolve(AuthKeys.SECRET_FILE);
    assertThat(first.generated()).isTrue();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    AuthKey.Hs256 again = (AuthKey.Hs256) AuthKeys.load(auth(Optional.empty(), Optional.empty(), false), dir);
    assertThat(again.secret()).isEqualTo(first.secret());
  }

  @Test
  void inKubernetesNothingIsGenerated() {
    assertThatThrownBy(() -> AuthKeys.load(auth(Optional.empty(), Optional.empty(), true), dir))
        .hasMessageContaining("HIGHWATER_AUTH_HS256_SECRET").hasMessageContaining("Kubernetes");
    assertThat(dir.resolve(AuthKeys.SECRET_FILE)).doesNotExist();
    String given = Base64.getEncoder().encodeToString(new byte[32]);
    assertThat(AuthKeys.load(auth(Optional.of(given), Optional.empty(), true), dir)).isInstanceOf(AuthKey.Hs256.class);
    assertThat(AuthKeys.load(new HighwaterConfig.Auth("none", Optional.empty(), Optional.empty(), true), dir)).isInstanceOf(AuthKey.None.class);
  }

  @Test
  void aBadSecretIsRefusedNamingItsVariable() {
    assertThatThrownBy(() -> AuthKeys.load(auth(Optional.of("not base64!"), Optional.empty(), false), dir))
        .hasMessageContaining("HIGHWATER_AUTH_HS256_SECRET");
    assertThatThrownBy(() -> AuthKeys.load(auth(Optional.of(Base64.getEncoder().encodeToString(new byte[8])), Optional.empty(), false), dir))
        .hasMessageContaining("at least 32 bytes");
    assertThatThrownBy(() -> AuthKeys.load(auth(Optional.empty(), Optional.of(dir.resolve("none.pem").toString()), false), dir))
        .hasMessageContaining("HIGHWATER_AUTH_PUBLIC_KEY_FILE");
  }

  /** Keys made by openssl, as an operator would: the private one signs, the public one verifies. */
  @Test
  void rs256AndEs256PemKeysSignAndVerify() throws Exception {
    for (String[] kind : new String[][] {{"RS256", "rsa", "-pkeyopt", "rsa_keygen_bits:2048"}, {"ES256", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"}}) {
      Path priv = dir.resolve(kind[0] + ".key");
      Path pub = dir.resolve(kind[0] + ".pub");
      run("openssl", "genpkey", "-algorithm", kind[1], kind[2], kind[3], "-out", priv.toString());
      run("openssl", "pkey", "-in", priv.toString(), "-pubout", "-out", pub.toString());
      AuthKey.Pem signing = AuthKeys.pem("--private-key-file", priv);
      AuthKey verifying = AuthKeys.load(auth(Optional.empty(), Optional.of(pub.toString()), false), dir);
      assertThat(signing.algorithm()).isEqualTo(kind[0]);
      Vertx vertx = Vertx.vertx();
      try {
        String token = new TokenMinter(vertx, signing).mint("alice", List.of(Grant.parse("bookstore:shop-*:write")), Duration.ofMinutes(5));
        Identity identity = TokenVerifier.create(vertx, verifying).verify(token).await();
        assertThat(identity.subject()).isEqualTo("alice");
        assertThat(identity.permit(Scope.workspace(Role.WRITE, "bookstore", "shop-9"))).isTrue();
        assertThat(identity.expiresAt()).isPresent();
      } finally {
        vertx.close().await();
      }
    }
  }

  static void run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor()).as("%s: %s", String.join(" ", command), out).isZero();
  }
}
