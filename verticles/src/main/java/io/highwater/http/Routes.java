package io.highwater.http;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
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
  private final Map<String, Set<HttpMethod>> methods = new LinkedHashMap<>();

  Routes(Router router) {
    this.router = router;
  }

  void add(HttpMethod method, String path, Consumer<Route> handlers) {
    handlers.accept(router.route(method, path));
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
