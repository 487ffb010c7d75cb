package io.highwater.event;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The contract's rules for text and numbers anywhere in a request: strings are Unicode text (no
 * U+0000, no unpaired surrogate) and numbers are finite. Pure; breaking a rule is an {@link
 * InvalidInputException} naming the field.
 */
public final class JsonText {

  private JsonText() {}

  /** Checks a string; {@code field} names it in the error. */
  public static String text(String field, String value) {
    String problem = problem(value);
    if (problem != null) {
      throw new InvalidInputException(field, problem);
    }
    return value;
  }

  /** What is wrong with the string as Unicode text, or null when nothing is. */
  public static String problem(String value) {
    if (value == null) {
      return null;
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\u0000') {
        return "contains U+0000, which is not allowed in text";
      }
      if (Character.isHighSurrogate(c)) {
        if (i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
          i++;
          continue;
        }
        return "contains an unpaired surrogate, which is not Unicode text";
      }
      if (Character.isLowSurrogate(c)) {
        return "contains an unpaired surrogate, which is not Unicode text";
      }
    }
    return null;
  }

  /**
   * Checks every string (keys included) and number in a decoded JSON value, at any depth. Paths
   * read like {@code events[0].action.reason}; {@code path} "" is the top level.
   */
  public static void check(String path, Object value) {
    if (value instanceof String text) {
      text(path.isEmpty() ? "body" : path, text);
    } else if (value instanceof Double || value instanceof Float) {
      double d = ((Number) value).doubleValue();
      if (!Double.isFinite(d)) {
        throw new InvalidInputException(path.isEmpty() ? "body" : path, "expected a finite number");
      }
    } else if (value instanceof JsonObject json) {
      for (String key : json.fieldNames()) {
        String problem = problem(key);
        if (problem != null) {
          throw new InvalidInputException(path.isEmpty() ? "body" : path, "a key " + problem);
        }
        check(path.isEmpty() ? key : path + "." + key, json.getValue(key));
      }
    } else if (value instanceof JsonArray array) {
      for (int i = 0; i < array.size(); i++) {
        check(path + "[" + i + "]", array.getValue(i));
      }
    }
  }
}
