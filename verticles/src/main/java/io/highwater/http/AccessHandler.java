package io.highwater.http;

import io.highwater.auth.AccessRules;
import io.highwater.auth.AuthFailure;
import io.highwater.auth.Identity;
import io.highwater.auth.Scope;
import io.highwater.auth.TokenVerifier;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.PlatformHandler;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Authenticates every {@code /v1/} call (401) and checks that its token grants what the call needs
 * ({@link AccessRules}, 403) before any handler runs; the handlers find the caller's
 * {@link Identity} with {@link #identity}, and pass its token on with whatever they forward.
 */
// A platform handler: Vert.x runs those first on a route, so the check precedes every body handler.
final class AccessHandler implements PlatformHandler {

  private static final String IDENTITY = "highwater.identity";
  private static final String BEARER = "Bearer ";
  private static final List<String> WEB_SOCKET_PATH = List.of("v1", "ws");

  private final TokenVerifier verifier;
  private final AccessRules rules;

  AccessHandler(TokenVerifier verifier, AccessRules rules) {
    this.verifier = verifier;
    this.rules = rules;
  }

  static Identity identity(RoutingContext ctx) {
    Identity identity = ctx.get(IDENTITY);
    if (identity == null) {
      throw new IllegalStateException("no identity: the route is not behind the AccessHandler");
    }
    return identity;
  }

  @Override
  public void handle(RoutingContext ctx) {
    // Routes match on the normalized path: the rules must see the same one, decoded the same way.
    List<String> path = segments(ctx.normalizedPath());
    verifier.verify(token(ctx, path)).onComplete(ar -> {
      if (ar.failed()) {
        fail(ctx, ar.cause());
        return;
      }
      Optional<Scope> scope = rules.scopeOf(ctx.request().method().name(), path);
      if (scope.isPresent() && !ar.result().permit(scope.get())) {
        fail(ctx, AuthFailure.forbidden(scope.get()));
        return;
      }
      ctx.put(IDENTITY, ar.result());
      ctx.next();
    });
  }

  /** The bearer token of the Authorization header; a browser's WebSocket may only pass it as {@code access_token}. */
  private static String token(RoutingContext ctx, List<String> path) {
    String header = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
    if (header != null && header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      return header.substring(BEARER.length()).trim();
    }
    if (WEB_SOCKET_PATH.equals(path)) {
      return ctx.request().getParam("access_token");
    }
    return null;
  }

  private static void fail(RoutingContext ctx, Throwable e) {
    if (e instanceof AuthFailure refused) {
      if (refused.status() == 401) {
        ctx.response().putHeader("WWW-Authenticate", "Bearer");
      }
      ApiError.of(refused).send(ctx);
    } else {
      ctx.fail(e);
    }
  }

  /** The path's segments, percent-decoded one by one (a decoded '/' stays inside its segment). */
  private static List<String> segments(String path) {
    return Arrays.stream(path.split("/")).filter(seg -> !seg.isEmpty())
        .map(seg -> URLDecoder.decode(seg.replace("+", "%2B"), StandardCharsets.UTF_8)).toList();
  }
}
