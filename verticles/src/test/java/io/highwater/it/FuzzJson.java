package io.highwater.it;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Where things are in a JSON value, named the way the server names fields ({@code events[0].action.reason}),
 * and how to splice text that no JSON library would write (1e400, raw bytes) into its encoding.
 */
final class FuzzJson {

  /** A string that marks where raw text goes in an encoded body. */
  static final String MARK = "@@FUZZ@@";

  /** One place in a JSON value: its path, its parent (and the parent's path) and its key (a String) or index (an Integer). */
  record Spot(String path, String parentPath, Object parent, Object key, Object value) {

    void set(Object replacement) {
      if (parent instanceof JsonObject o) {
        o.put((String) key, replacement);
      } else {
        ((JsonArray) parent).set((Integer) key, replacement);
      }
    }

    void remove() {
      if (parent instanceof JsonObject o) {
        o.remove((String) key);
      } else {
        ((JsonArray) parent).remove((int) (Integer) key);
      }
    }

    /** Renames an object member, keeping its value (order is not kept; no rule depends on it). */
    void rename(String name) {
      JsonObject o = (JsonObject) parent;
      Object v = o.remove((String) key);
      o.put(name, v);
    }

  }

  private FuzzJson() {}

  /** Every place in {@code root}, depth first, in member order. */
  static List<Spot> spots(JsonObject root) {
    List<Spot> spots = new ArrayList<>();
    collect("", root, spots);
    return spots;
  }

  private static void collect(String path, Object value, List<Spot> out) {
    if (value instanceof JsonObject o) {
      for (String key : new ArrayList<>(o.fieldNames())) {
        String child = path.isEmpty() ? key : path + "." + key;
        out.add(new Spot(child, path, o, key, o.getValue(key)));
        collect(child, o.getValue(key), out);
      }
    } else if (value instanceof JsonArray a) {
      for (int i = 0; i < a.size(); i++) {
        String child = path + "[" + i + "]";
        out.add(new Spot(child, path, a, i, a.getValue(i)));
        collect(child, a.getValue(i), out);
      }
    }
  }

  /** The encoding of {@code json} with its one quoted {@link #MARK} replaced by the raw bytes. */
  static Buffer splice(JsonObject json, byte[] raw) {
    String text = json.encode();
    String quoted = "\"" + MARK + "\"";
    int at = text.indexOf(quoted);
    if (at < 0) {
      throw new IllegalStateException("no mark in " + text);
    }
    return Buffer.buffer()
        .appendBytes(text.substring(0, at).getBytes(StandardCharsets.UTF_8))
        .appendBytes(raw)
        .appendBytes(text.substring(at + quoted.length()).getBytes(StandardCharsets.UTF_8));
  }

  static Buffer splice(JsonObject json, String raw) {
    return splice(json, raw.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Whether two decoded values are the same JSON: numbers by value (PostgreSQL's jsonb keeps the
   * number, not its spelling), everything else by type and content.
   */
  static boolean same(Object a, Object b) {
    if (a instanceof Number x && b instanceof Number y) {
      return new BigDecimal(x.toString()).compareTo(new BigDecimal(y.toString())) == 0;
    }
    if (a instanceof JsonObject x && b instanceof JsonObject y) {
      if (!x.fieldNames().equals(y.fieldNames())) {
        return false;
      }
      // Loops rather than streams: values may nest hundreds deep.
      for (String k : x.fieldNames()) {
        if (!same(x.getValue(k), y.getValue(k))) {
          return false;
        }
      }
      return true;
    }
    if (a instanceof JsonArray x && b instanceof JsonArray y) {
      if (x.size() != y.size()) {
        return false;
      }
      for (int i = 0; i < x.size(); i++) {
        if (!same(x.getValue(i), y.getValue(i))) {
          return false;
        }
      }
      return true;
    }
    return a == null ? b == null : a.equals(b);
  }
}
