package io.highwater.it;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Read calls with path and query parameters that are often garbage: percent-encoded bytes that are
 * not UTF-8, {@code %00}, broken escapes, ids far over their limit, numbers that are not numbers.
 */
final class FuzzReads {

  /** The names a refusal of a read may give as its field. */
  static final Set<String> FIELDS = Set.of("app", "ws", "type", "id", "view", "key", "p", "partition", "aggregate", "from",
      "limit", "since", "consistentAt", "level", "timeoutMs", "query", "path", "upgrade");

  private static final List<String> VIEWS = List.of("books_by_author", "genre_counts", "nope");
  private static final List<String> ENCODED_GARBAGE = List.of("%00", "a%00b", "%ZZ", "%", "%E", "%ED%A0%80", "%ED%BF%BF", "%C0%80",
      "%FF%FE", "%80", "%F4%90%80%80", "%2F", "%2e%2e", "..", "+", "%20", "%EF%BF%BF", "%F0%9F%98%80", "%u0000", "%25");

  private final FuzzValues v;
  private final List<String> workspaces;

  FuzzReads(FuzzValues values, List<String> workspaces) {
    this.v = values;
    this.workspaces = workspaces;
  }

  FuzzRequest next() {
    String app = v.chance(90) ? "bookstore" : segment("nope");
    String ws = v.chance(75) ? v.pick(workspaces) : segment(v.pick(workspaces));
    String base = "/v1/apps/" + app;
    String type = v.chance(75) ? v.pick(List.of("book", "shelf")) : segment("book");
    String id = v.chance(60) ? v.pick(List.of("b0", "b1", "b2", "1", "2", "0")) : segment("b1");
    List<String> query = new ArrayList<>();
    String path;
    String kind;
    switch (v.random().nextInt(9)) {
      case 0, 1 -> {
        path = base + "/ws/" + ws + "/events";
        kind = "read-log";
        logQuery(query);
      }
      case 2 -> {
        path = base + "/partitions/" + (v.chance(70) ? String.valueOf(v.random().nextInt(5)) : segment("1")) + "/events";
        kind = "read-partition-log";
        logQuery(query);
      }
      case 3, 4 -> {
        path = base + "/ws/" + ws + "/aggregates/" + type + "/" + id;
        kind = "read-record";
        consistentQuery(query);
      }
      case 5 -> {
        path = base + "/ws/" + ws + "/aggregates/" + type + "/" + id + "/conflicts";
        kind = "read-conflicts";
        maybe(query, "since", number());
      }
      case 6 -> {
        String author = URLEncoder.encode(v.pick(FuzzValues.AUTHORS), StandardCharsets.UTF_8).replace("+", "%20");
        path = base + "/ws/" + ws + "/views/" + (v.chance(80) ? v.pick(VIEWS) : segment("genre_counts")) + "/"
            + (v.chance(60) ? author : segment("SciFi"));
        kind = "read-view";
        consistentQuery(query);
      }
      case 7 -> {
        path = v.chance(50) ? base + "/ws/" + ws + "/consistency" : base + "/partitions/" + segment("0") + "/consistency";
        kind = "read-consistency";
        maybe(query, segment("x"), segment("y"));
      }
      default -> {
        path = v.pick(List.of("/v1/apps/" + app, "/v1/" + segment("x"), "/v1/cluster", "/health/live", "/metrics",
            base + "/ws/" + ws, base + "/ws/" + ws + "/aggregates/" + type, "/v1/ws"));
        kind = "read-other";
      }
    }
    return FuzzRequest.get(kind, query.isEmpty() ? path : path + "?" + String.join("&", query));
  }

  private void logQuery(List<String> query) {
    maybe(query, "from", number());
    maybe(query, "limit", number());
    for (int i = v.random().nextInt(3); i > 0; i--) {
      query.add("type=" + (v.chance(50) ? "book" : segment("book")));
    }
    for (int i = v.random().nextInt(3); i > 0; i--) {
      query.add("aggregate=" + (v.chance(40) ? "book/b1" : v.chance(50) ? "book" + segment("/b1") : segment("book") + "/" + segment("b1")));
    }
  }

  /** consistentAt only with a short timeout, so that a read beyond the log answers 504 quickly rather than in 5 s. */
  private void consistentQuery(List<String> query) {
    if (v.chance(50)) {
      query.add("consistentAt=" + number());
      query.add("timeoutMs=" + (1 + v.random().nextInt(100)));
    } else {
      maybe(query, "timeoutMs", number());
    }
    maybe(query, "level", v.pick(List.of("cache", "storage", "CACHE", "", "x", "%00", "storage%00")));
    maybe(query, segment("extra"), segment("1"));
  }

  private void maybe(List<String> query, String key, String value) {
    if (v.chance(50)) {
      query.add(key + "=" + value);
    }
  }

  private String number() {
    return v.pick(List.of("0", "1", "5", "-1", "99999999999999999999", "9223372036854775807", "1e3", "1.5", "", "abc", "%00",
        "0x10", "%205", "10000", "10001", "60000", "60001", String.valueOf(v.random().nextInt(100))));
  }

  /** A path segment or query part that is mostly not a plain name. */
  private String segment(String plain) {
    return switch (v.random().nextInt(6)) {
      case 0 -> plain + v.pick(ENCODED_GARBAGE);
      case 1 -> v.pick(ENCODED_GARBAGE) + plain;
      case 2 -> {
        StringBuilder s = new StringBuilder();
        for (int i = 1 + v.random().nextInt(12); i > 0; i--) {
          s.append('%').append(String.format("%02X", v.random().nextInt(256)));
        }
        yield s.toString();
      }
      case 3 -> v.chance(50) ? "x".repeat(129 + v.random().nextInt(1200)) : "%C3%A9".repeat(100 + v.random().nextInt(200));
      case 4 -> URLEncoder.encode(v.unicode(1 + v.random().nextInt(30)), StandardCharsets.UTF_8);
      default -> plain;
    };
  }
}
