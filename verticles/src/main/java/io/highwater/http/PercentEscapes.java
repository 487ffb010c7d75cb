package io.highwater.http;

import io.vertx.core.Handler;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import io.vertx.core.http.HttpServerRequest;

/**
 * Refuses, before routing, a request whose path or query has a {@code %} not followed by two hex
 * digits (Vert.x Web throws on such an escape while matching routes, where no handler of ours can
 * answer it, and the client got no answer at all) or escapes that are not UTF-8.
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

  /**
   * The refusal of a URI with a broken escape, or with escapes that decode to bytes that are not
   * UTF-8 (an encoded surrogate, an overlong form, a stray continuation byte: Vert.x would turn them
   * into U+FFFD and look that up), naming {@code path} or {@code query}; null when the URI is whole.
   */
  static ApiError check(String uri) {
    int query = uri.indexOf('?');
    String path = query < 0 ? uri : uri.substring(0, query);
    ApiError broken = check("path", path, 0);
    return broken != null || query < 0 ? broken : check("query", uri.substring(query + 1), query + 1);
  }

  private static ApiError check(String field, String part, int start) {
    if (part.indexOf('%') < 0) {
      return null;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(part.length());
    for (int i = 0; i < part.length(); i++) {
      char c = part.charAt(i);
      if (c != '%') {
        byte[] raw = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        bytes.write(raw, 0, raw.length);
      } else if (i + 2 < part.length() && isHex(part.charAt(i + 1)) && isHex(part.charAt(i + 2))) {
        bytes.write(Integer.parseInt(part.substring(i + 1, i + 3), 16));
        i += 2;
      } else {
        return ApiError.badRequest(field, "'%' at character " + (start + i) + " is not followed by two hex digits");
      }
    }
    try {
      StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes.toByteArray()));
      return null;
    } catch (CharacterCodingException e) {
      return ApiError.badRequest(field, "its percent escapes are not UTF-8");
    }
  }

  private static boolean isHex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }
}
