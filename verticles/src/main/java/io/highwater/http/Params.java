package io.highwater.http;

import io.highwater.watermark.Level;
import io.highwater.event.JsonText;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.OptionalLong;

/** Query parameters of the read calls, each checked against the contract. */
final class Params {

  private Params() {}

  /**
   * Every path and query parameter is Unicode text: {@code %00} or an unpaired surrogate is 400
   * naming the parameter, before anything is looked up with it.
   */
  static void text(RoutingContext ctx) {
    ctx.pathParams().forEach((name, value) -> check(name, value));
    for (Map.Entry<String, String> e : ctx.queryParams()) {
      check(e.getKey(), e.getValue());
      check(e.getKey(), e.getKey());
    }
  }

  private static void check(String name, String value) {
    String problem = JsonText.problem(value);
    if (problem != null) {
      String field = JsonText.problem(name) == null ? name : "query";
      throw ApiError.badRequest(field, problem);
    }
  }

  /** An integer parameter {@code >= min}, if present. */
  static OptionalLong optionalLong(RoutingContext ctx, String name, long min) {
    String raw = ctx.queryParams().get(name);
    if (raw == null) {
      return OptionalLong.empty();
    }
    try {
      long value = Long.parseLong(raw.trim());
      if (value < min) {
        throw ApiError.badRequest(name, "expected an integer >= " + min + ", got " + raw);
      }
      return OptionalLong.of(value);
    } catch (NumberFormatException e) {
      throw ApiError.badRequest(name, "expected an integer, got '" + raw + "'");
    }
  }

  static long bounded(RoutingContext ctx, String name, long min, long max, long defaultValue) {
    long value = optionalLong(ctx, name, min).orElse(defaultValue);
    if (value > max) {
      throw ApiError.badRequest(name, "expected at most " + max + ", got " + value);
    }
    return value;
  }

  static Level level(RoutingContext ctx) {
    String raw = ctx.queryParams().get("level");
    if (raw == null) {
      return Level.CACHE;
    }
    return Level.parse(raw).orElseThrow(() -> ApiError.badRequest("level", "expected cache or storage, got '" + raw + "'"));
  }
}
