package io.highwater.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;

/**
 * Refuses, before routing, a request whose path or query has a {@code %} not followed by two hex
 * digits: Vert.x Web throws on such an escape while matching routes, where no handler of ours can
 * answer it, and the client would get a 500 or no answer at all.
 */
final class PercentEscapes implements Handler<HttpServerRequest> {

  private final Handler<HttpServerRequest> next;

  PercentEscapes(Handler<HttpServerRequest> next) {
    this.next = next;
  }

  @Override
  public void handle(HttpServerRequest request) {
    ApiError broken = check(request.uri());
    if (broken == null) {
      next.handle(request);
      return;
    }
    request.response()
        .setStatusCode(broken.status())
        .putHeader("content-type", "application/json; charset=utf-8")
        .end(broken.toJson().toBuffer());
  }

  /** The refusal of a URI with a broken escape, naming {@code path} or {@code query}; null when every escape is whole. */
  static ApiError check(String uri) {
    int query = uri.indexOf('?');
    for (int i = uri.indexOf('%'); i >= 0; i = uri.indexOf('%', i + 1)) {
      if (i + 2 >= uri.length() || !isHex(uri.charAt(i + 1)) || !isHex(uri.charAt(i + 2))) {
        String field = query >= 0 && i > query ? "query" : "path";
        return ApiError.badRequest(field, "'%' at character " + i + " is not followed by two hex digits");
      }
    }
    return null;
  }

  private static boolean isHex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }
}
