package io.highwater.it;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.util.List;
import java.util.Random;

/** Random JSON values for the fuzzer: all of them valid text and finite numbers, most of them odd. */
final class FuzzValues {

  static final List<String> AUTHORS = List.of("William Gibson", "Ursula K. Le Guin", "Jane Austen", "Çelik Ödün", "李白", "\uD83D\uDE00 Smile");
  static final List<String> GENRES = List.of("SciFi", "Classic", "Poetry", "Noir");

  /** Strings that are valid Unicode text but awkward: blanks, escapes, pairs, controls, the server's mark. */
  private static final List<String> ODD_TEXT = List.of("", " ", "\t\n", "\"quoted\"", "back\\slash", "\u0001\u001f", "\u007f",
      "\uD83D\uDE00\uD83D\uDC4D", "e\u0301", "\u202Eright-to-left", "\uFEFFbom", "\uFFFF", "%00", "%ZZ", "null", "0", "-1",
      "$sealed", "{\"$sealed\": {}}", "../../etc", "a/b", "<script>", "' OR 1=1 --", "\\u0000", "日本語テキスト");

  private final Random rnd;

  FuzzValues(Random rnd) {
    this.rnd = rnd;
  }

  Random random() {
    return rnd;
  }

  <T> T pick(List<T> from) {
    return from.get(rnd.nextInt(from.size()));
  }

  boolean chance(int percent) {
    return rnd.nextInt(100) < percent;
  }

  /** Text that is a valid value anywhere a value is free. */
  String text() {
    return switch (rnd.nextInt(4)) {
      case 0 -> pick(ODD_TEXT);
      case 1 -> pick(AUTHORS);
      case 2 -> word();
      default -> unicode(1 + rnd.nextInt(24));
    };
  }

  String word() {
    StringBuilder s = new StringBuilder();
    int n = 1 + rnd.nextInt(10);
    for (int i = 0; i < n; i++) {
      s.append((char) ('a' + rnd.nextInt(26)));
    }
    return s.toString();
  }

  /** Random code points from every plane, never U+0000 nor a lone surrogate. */
  String unicode(int length) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < length; i++) {
      int cp = switch (rnd.nextInt(4)) {
        case 0 -> 0x20 + rnd.nextInt(0x5f);
        case 1 -> 1 + rnd.nextInt(0x7ff);
        case 2 -> 0xE000 + rnd.nextInt(0x2000);
        default -> 0x10000 + rnd.nextInt(0x10FFFF - 0x10000);
      };
      s.appendCodePoint(cp);
    }
    return s.toString();
  }

  /** An object key: any text but the server's mark for sealed values, which has cases of its own. */
  String key() {
    String key = chance(70) ? word() : text();
    return key.equals("$sealed") ? "sealed" : key;
  }

  /** A finite number as Jackson decodes one: int, long, big integer or double. */
  Object number() {
    return switch (rnd.nextInt(9)) {
      case 0 -> 0;
      case 1 -> rnd.nextInt();
      case 2 -> rnd.nextLong();
      case 3 -> Long.MAX_VALUE;
      case 4 -> Long.MIN_VALUE;
      case 5 -> new BigInteger(64 + rnd.nextInt(100), rnd);
      case 6 -> rnd.nextDouble() * Math.pow(10, rnd.nextInt(600) - 300);
      case 7 -> Double.MAX_VALUE;
      default -> Double.MIN_VALUE;
    };
  }

  /** Any valid value, nested up to {@code depth}. */
  Object value(int depth) {
    int kind = rnd.nextInt(depth > 0 ? 7 : 5);
    return switch (kind) {
      case 0, 1 -> text();
      case 2 -> number();
      case 3 -> rnd.nextBoolean();
      case 4 -> chance(50) ? pick(AUTHORS) : rnd.nextInt(1000);
      case 5 -> {
        JsonArray a = new JsonArray();
        for (int i = rnd.nextInt(4); i > 0; i--) {
          a.add(value(depth - 1));
        }
        yield a;
      }
      default -> {
        JsonObject o = new JsonObject();
        for (int i = rnd.nextInt(4); i > 0; i--) {
          o.put(key(), value(depth - 1));
        }
        yield o;
      }
    };
  }

  /** A value of some other JSON type than usual for a field: for wrong-type mutations. */
  Object wrongType() {
    return switch (rnd.nextInt(6)) {
      case 0 -> rnd.nextInt(10);
      case 1 -> text();
      case 2 -> rnd.nextBoolean();
      case 3 -> new JsonArray().add(value(1));
      case 4 -> new JsonObject().put(word(), value(1));
      default -> 1.5;
    };
  }
}
