package io.highwater.auth;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.util.Base64;

/** The key tokens are verified (and, where the node holds it, signed) with; or none at all. */
public sealed interface AuthKey {

  /** {@code HIGHWATER_AUTH=none}: nothing is checked. */
  record None() implements AuthKey {}

  /** HS256 under a shared secret (its raw bytes); {@code generated}: made by this node under its data directory. */
  record Hs256(byte[] secret, boolean generated) implements AuthKey {
    public Hs256 {
      secret = secret.clone();
    }

    public String base64() {
      return Base64.getEncoder().encodeToString(secret);
    }
  }

  /** RS256 or ES256: {@code pem} is a public key (to verify) or a PKCS#8 private key (to sign). */
  record Pem(String algorithm, String pem) implements AuthKey {}

  /** The options of a vertx-auth-jwt provider for this key; null for {@link None}. */
  static JWTAuthOptions options(AuthKey key) {
    if (key instanceof Hs256 hs) {
      return new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(Buffer.buffer(hs.secret())));
    }
    if (key instanceof Pem pem) {
      return new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions().setAlgorithm(pem.algorithm()).setBuffer(pem.pem()));
    }
    return null;
  }

  static String algorithm(AuthKey key) {
    return key instanceof Pem pem ? pem.algorithm() : "HS256";
  }
}
