package io.highwater.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One rule for every key of {@code config.json}: the variable {@code HIGHWATER_} plus the key's path
 * in upper snake case ({@code commandProcessor.heldAggregates} is {@code
 * HIGHWATER_COMMAND_PROCESSOR_HELD_AGGREGATES}) sets it, parsed as the type of the file's value:
 * a number, {@code true} or {@code false}, a comma-separated list, else text. The rule reads the
 * keys from the file, so a key added there needs no code here. A few shorter names from before the
 * rule stay as aliases. Pure: a JSON document and a map in, a new document out.
 */
public final class EnvironmentOverrides {

  public static final String PREFIX = "HIGHWATER_";

  /** Names documented before the rule, each for the path it sets. */
  public static final Map<String, String> ALIASES = Map.of(
      "HIGHWATER_EVENT_LOOPS", "threads.eventLoops",
      "HIGHWATER_HTTP_INSTANCES", "threads.httpInstances",
      "HIGHWATER_PG_URL", "postgres.url",
      "HIGHWATER_PG_POOL_SIZE", "postgres.poolSize",
      "HIGHWATER_HELD_AGGREGATES", "commandProcessor.heldAggregates",
      "HIGHWATER_AUTH", "auth.mode");

  private EnvironmentOverrides() {}

  /** The variable the rule gives a dotted path: {@code postgres.poolSize} is {@code HIGHWATER_POSTGRES_POOL_SIZE}. */
  public static String variable(String path) {
    StringBuilder out = new StringBuilder(PREFIX);
    for (String part : path.split("\\.")) {
      if (out.length() > PREFIX.length()) {
        out.append('_');
      }
      out.append(upperSnake(part));
    }
    return out.toString();
  }

  static String upperSnake(String key) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      boolean boundary = i > 0 && Character.isUpperCase(c)
          && (!Character.isUpperCase(key.charAt(i - 1)) || (i + 1 < key.length() && Character.isLowerCase(key.charAt(i + 1))));
      if (boundary && out.charAt(out.length() - 1) != '_') {
        out.append('_');
      }
      out.append(Character.isLetterOrDigit(c) ? Character.toUpperCase(c) : '_');
    }
    return out.toString();
  }

  /** Every leaf of the document (a value that is not an object) by its variable, in the file's order. */
  public static Map<String, String> leaves(JsonObject json) {
    Map<String, String> byVariable = new LinkedHashMap<>();
    collect(json, "", byVariable);
    return byVariable;
  }

  private static void collect(JsonObject json, String prefix, Map<String, String> byVariable) {
    for (String key : json.fieldNames()) {
      String path = prefix.isEmpty() ? key : prefix + "." + key;
      Object value = json.getValue(key);
      if (value instanceof JsonObject child) {
        collect(child, path, byVariable);
      } else {
        String previous = byVariable.put(variable(path), path);
        if (previous != null) {
          throw new IllegalArgumentException(path + " and " + previous + " would both be set by " + variable(path)
              + ": rename one of them");
        }
      }
    }
  }

  /** A copy of {@code json} with every variable of {@code env} that names one of its keys applied. */
  public static JsonObject apply(JsonObject json, Map<String, String> env) {
    JsonObject out = json.copy();
    Map<String, String> leaves = leaves(json);
    Map<String, String> setBy = new LinkedHashMap<>();
    leaves.forEach((variable, path) -> {
      if (given(env, variable)) {
        setBy.put(path, variable);
      }
    });
    ALIASES.forEach((alias, path) -> {
      if (!given(env, alias) || !leaves.containsValue(path)) {
        return;
      }
      String canonical = variable(path);
      if (setBy.containsKey(path) && !env.get(canonical).trim().equals(env.get(alias).trim())) {
        throw new IllegalArgumentException(alias + " and " + canonical + " both set " + path
            + ", to different values ('" + env.get(alias) + "', '" + env.get(canonical) + "'): keep one");
      }
      setBy.putIfAbsent(path, alias);
    });
    setBy.forEach((path, variable) -> set(out, path, variable, env.get(variable).trim()));
    return out;
  }

  private static boolean given(Map<String, String> env, String variable) {
    String value = env.get(variable);
    return value != null && !value.isBlank();
  }

  private static void set(JsonObject root, String path, String variable, String text) {
    List<String> parts = Arrays.asList(path.split("\\."));
    JsonObject parent = root;
    for (String part : parts.subList(0, parts.size() - 1)) {
      parent = parent.getJsonObject(part);
    }
    String key = parts.get(parts.size() - 1);
    parent.put(key, parse(variable, path, parent.getValue(key), text));
  }

  /** {@code text} as the type of the file's value {@code current} (text when the file has null). */
  static Object parse(String variable, String path, Object current, String text) {
    if (current instanceof JsonArray list) {
      Object first = list.isEmpty() ? "" : list.getValue(0);
      JsonArray parsed = new JsonArray();
      Arrays.stream(text.split(",")).map(String::trim).filter(s -> !s.isEmpty())
          .forEach(item -> parsed.add(parse(variable, path, first, item)));
      return parsed;
    }
    if (current instanceof Boolean) {
      if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
        return Boolean.parseBoolean(text);
      }
      throw new IllegalArgumentException(variable + " (" + path + "): expected true or false, got '" + text + "'");
    }
    if (current instanceof Integer || current instanceof Long) {
      try {
        long value = Long.parseLong(text);
        return value == (int) value ? (Object) (int) value : (Object) value;
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(variable + " (" + path + "): expected a whole number, got '" + text + "'", e);
      }
    }
    if (current instanceof Number) {
      try {
        double value = Double.parseDouble(text);
        if (!Double.isFinite(value)) {
          throw new NumberFormatException("not finite");
        }
        return value;
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(variable + " (" + path + "): expected a number, got '" + text + "'", e);
      }
    }
    return text;
  }
}
