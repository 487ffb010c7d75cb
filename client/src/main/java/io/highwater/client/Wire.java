package io.highwater.client;

import io.vertx.core.json.JsonArray;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** JSON and URL helpers shared by the value types. */
final class Wire {

  private Wire() {}

  static <T> T require(T value, String name) {
    return Objects.requireNonNull(value, name);
  }

  /** A name id: a string, or an integer as its decimal string (the same aggregate on the server). */
  static String nameId(Object id) {
    if (id instanceof String s) {
      return s;
    }
    if (id instanceof Integer || id instanceof Long || id instanceof Short || id instanceof Byte || id instanceof BigInteger) {
      return id.toString();
    }
    if (id instanceof BigDecimal d) {
      return d.toBigIntegerExact().toString();
    }
    if (id instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue()) && !Double.isInfinite(n.doubleValue())) {
      return BigDecimal.valueOf(n.doubleValue()).toBigIntegerExact().toString();
    }
    throw new IllegalArgumentException("an id is a string or an integer, got " + id);
  }

  static List<String> strings(JsonArray array) {
    List<String> out = new ArrayList<>();
    if (array != null) {
      array.forEach(o -> out.add(String.valueOf(o)));
    }
    return out;
  }

  static List<Long> longs(JsonArray array) {
    List<Long> out = new ArrayList<>();
    if (array != null) {
      array.forEach(o -> out.add(((Number) o).longValue()));
    }
    return out;
  }

  /** One URL path segment, percent-encoded. */
  static String segment(String value) {
    return URLEncoder.encode(require(value, "path segment"), StandardCharsets.UTF_8).replace("+", "%20");
  }
}
