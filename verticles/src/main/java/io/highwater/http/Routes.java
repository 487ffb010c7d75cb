package io.highwater.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * The API's routes by path and method, so that a known path asked with another method is 405 naming the
 * allowed ones rather than the catch-all's 404.
 */
final class Routes {

  private final Router router;
  private final String guardedPrefix;
  private final Handler<RoutingContext> guard;
  private final Map<String, Set<HttpMethod>> methods = new LinkedHashMap<>();

  /** {@code guard} runs first on every route whose path starts with {@code guardedPrefix}. */
  Routes(Router router, String guardedPrefix, Handler<RoutingContext> guard) {
    this.router = router;
    this.guardedPrefix = guardedPrefix;
    this.guard = guard;
  }

  void add(HttpMethod method, String path, Consumer<Route> handlers) {
    Route route = router.route(method, path);
    if (path.startsWith(guardedPrefix)) {
      route.handler(guard);
    }
    handlers.accept(route);
    methods.computeIfAbsent(path, p -> new LinkedHashSet<>()).add(method);
  }

  /** After every {@link #add}: one route per path for the methods it does not serve. */
  void methodNotAllowed() {
    methods.forEach((path, allowed) -> {
      String allow = allowed.stream().map(HttpMethod::name).sorted().collect(Collectors.joining(", "));
      router.route(path).handler(ctx -> {
        ctx.response().putHeader(HttpHeaders.ALLOW, allow);
        ApiError.methodNotAllowed(ctx.request().method().name() + " is not allowed on " + ctx.request().path()
            + "; allowed: " + allow).send(ctx);
      });
    });
  }
}
