package io.highwater.auth;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Verifies bearer tokens (signature and {@code exp}) and reads their grants. One per verticle:
 * a provider is used from its own context only.
 */
public final class TokenVerifier {

  /** Enough for every client of a busy node; each entry is a token string and its grants. */
  private static final int VERIFIED_TOKENS = 1_024;

  private final JWTAuth jwt;
  private final VerifiedTokens verified = new VerifiedTokens(VERIFIED_TOKENS, () -> System.currentTimeMillis() / 1_000);

  private TokenVerifier(JWTAuth jwt) {
    this.jwt = jwt;
  }

  public static TokenVerifier create(Vertx vertx, AuthKey key) {
    return new TokenVerifier(key instanceof AuthKey.None ? null : JWTAuth.create(vertx, AuthKey.options(key)));
  }

  /** Whether tokens are checked at all ({@code HIGHWATER_AUTH=none}: not). */
  public boolean checks() {
    return jwt != null;
  }

  /** The identity of {@code token} (null: none was sent); fails with an {@link AuthFailure} 401. */
  public Future<Identity> verify(String token) {
    if (jwt == null) {
      return Future.succeededFuture(Identity.UNCHECKED);
    }
    if (token == null || token.isEmpty()) {
      return Future.failedFuture(AuthFailure.unauthorized("a token is required: Authorization: Bearer <JWT>"));
    }
    Optional<Identity> known = verified.get(token);
    if (known.isPresent()) {
      return Future.succeededFuture(known.get());
    }
    return jwt.authenticate(new TokenCredentials(token)).transform(ar -> {
      if (ar.failed()) {
        return Future.failedFuture(AuthFailure.unauthorized("the token is not valid: " + ar.cause().getMessage()));
      }
      // The provider keeps the whole payload there (its principal leaves out exp, iat, nbf and sub).
      JsonObject claims = ar.result().attributes().getJsonObject("accessToken", ar.result().principal());
      try {
        Object exp = claims.getValue("exp");
        Identity identity = new Identity(claims.getString("sub", ""), grants(claims.getValue("grants")),
            exp instanceof Number n ? OptionalLong.of(n.longValue()) : OptionalLong.empty(), token);
        verified.put(token, identity);
        return Future.succeededFuture(identity);
      } catch (IllegalArgumentException | ClassCastException e) {
        return Future.failedFuture(AuthFailure.unauthorized("the token is not valid: " + e.getMessage()));
      }
    });
  }

  /** Verifies {@code token} and that it grants {@code scope}; fails with an {@link AuthFailure} 401 or 403. */
  public Future<Identity> check(String token, Scope scope) {
    return verify(token).compose(identity -> identity.permit(scope) ? Future.succeededFuture(identity)
        : Future.failedFuture(AuthFailure.forbidden(scope)));
  }

  /** A claim that is not a list of well-formed grants makes the whole token invalid, naming the entry. */
  static Grants grants(Object claim) {
    if (claim == null) {
      return new Grants(List.of());
    }
    if (!(claim instanceof JsonArray array)) {
      throw new IllegalArgumentException("grants: expected an array");
    }
    List<Grant> grants = new ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      String field = "grants[" + i + "]";
      if (!(array.getValue(i) instanceof JsonObject g)) {
        throw new IllegalArgumentException(field + ": expected an object");
      }
      try {
        grants.add(new Grant(string(g, "app"), string(g, "ws"), Role.parse("role", string(g, "role"))));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(field + "." + e.getMessage(), e);
      }
    }
    return new Grants(grants);
  }

  private static String string(JsonObject g, String field) {
    Object value = g.getValue(field);
    return value instanceof String s ? s : null;
  }

  /** The claims of a token for {@code subject}; {@link TokenMinter} signs them. */
  static JsonObject claims(String subject, List<Grant> grants) {
    JsonArray array = new JsonArray();
    grants.forEach(g -> array.add(new JsonObject().put("app", g.app()).put("ws", g.ws()).put("role", g.role().wireName())));
    return new JsonObject().put("sub", subject).put("grants", array);
  }
}
