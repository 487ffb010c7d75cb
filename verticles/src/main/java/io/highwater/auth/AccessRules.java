package io.highwater.auth;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.HashMap;
import java.util.Optional;

/**
 * Which role each call of the API needs, and on what: one line per route. A route is a method and
 * a path whose {@code :app} and {@code :ws} segments name the scope (a route without {@code :ws}
 * spans every workspace of the app, one without {@code :app} every app); {@code **} ends a path
 * and matches the rest. The first matching rule decides. A {@code /v1/} call no rule names (an
 * unknown path, which answers 404, or the WebSocket, whose messages are checked one by one) needs
 * a valid token and no grant.
 */
public final class AccessRules {

  /** A route and the role it needs. */
  public record Rule(String method, List<String> segments, Role role) {}

  public static final AccessRules API = new AccessRules(List.of(
      rule("POST", "/v1/apps/:app/ws/:ws/events", Role.WRITE),
      rule("GET", "/v1/apps/:app/ws/:ws/**", Role.READ),
      rule("GET", "/v1/apps/:app/partitions/:p/**", Role.READ),
      rule("POST", "/v1/apps/:app/views/:view/rebuild", Role.ADMIN),
      // Partition-wide: every workspace of the partition is past the skipped event.
      rule("POST", "/v1/apps/:app/views/:view/partitions/:p/resume", Role.ADMIN),
      rule("POST", "/v1/apps/:app/views/:view/partitions/:p/skip", Role.ADMIN),
      rule("PUT", "/v1/apps/:app", Role.ADMIN),
      rule("GET", "/v1/apps/:app", Role.READ),
      rule("GET", "/v1/apps", Role.READ),
      rule("GET", "/v1/cluster", Role.ADMIN)));

  private final List<Rule> rules;

  public AccessRules(List<Rule> rules) {
    this.rules = List.copyOf(rules);
  }

  public static Rule rule(String method, String path, Role role) {
    return new Rule(method, segments(path), role);
  }

  /** This table with {@code more} rules before its own, e.g. for routes added elsewhere. */
  public AccessRules with(Rule... more) {
    List<Rule> all = new ArrayList<>(List.of(more));
    all.addAll(rules);
    return new AccessRules(all);
  }

  /** What the call {@code method path} needs ({@code path} already percent-decoded, no query); empty: a valid token only. */
  public Optional<Scope> scopeOf(String method, String path) {
    return scopeOf(method, segments(path));
  }

  /** The same for a path already split into its decoded segments. */
  public Optional<Scope> scopeOf(String method, List<String> actual) {
    for (Rule rule : rules) {
      if (!rule.method().equals(method)) {
        continue;
      }
      Map<String, String> names = match(rule.segments(), actual);
      if (names != null) {
        return Optional.of(new Scope(rule.role(), names.get(":app"), names.get(":ws")));
      }
    }
    return Optional.empty();
  }

  private static Map<String, String> match(List<String> pattern, List<String> actual) {
    Map<String, String> names = new HashMap<>();
    for (int i = 0; i < pattern.size(); i++) {
      String p = pattern.get(i);
      if (p.equals("**")) {
        return actual.size() > i ? names : null;
      }
      if (i >= actual.size()) {
        return null;
      }
      if (p.startsWith(":")) {
        names.put(p, actual.get(i));
      } else if (!p.equals(actual.get(i))) {
        return null;
      }
    }
    return pattern.size() == actual.size() ? names : null;
  }

  private static List<String> segments(String path) {
    List<String> out = new ArrayList<>();
    for (String s : path.split("/", -1)) {
      if (!s.isEmpty()) {
        out.add(s);
      }
    }
    return out;
  }
}
