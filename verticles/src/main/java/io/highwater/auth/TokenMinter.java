package io.highwater.auth;

import io.vertx.core.Vertx;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import java.time.Duration;
import java.util.List;

/** Signs tokens under a key that can sign: the HS256 secret, or an RS256/ES256 private key. */
public final class TokenMinter {

  private final JWTAuth jwt;
  private final String algorithm;

  public TokenMinter(Vertx vertx, AuthKey key) {
    if (key instanceof AuthKey.None) {
      throw new IllegalArgumentException("no key to sign with");
    }
    this.jwt = JWTAuth.create(vertx, AuthKey.options(key));
    this.algorithm = AuthKey.algorithm(key);
  }

  /** A token for {@code subject} with {@code grants}, valid for {@code ttl}. */
  public String mint(String subject, List<Grant> grants, Duration ttl) {
    return jwt.generateToken(TokenVerifier.claims(subject, grants),
        new JWTOptions().setAlgorithm(algorithm).setExpiresInSeconds((int) Math.min(Integer.MAX_VALUE, ttl.toSeconds())));
  }
}
