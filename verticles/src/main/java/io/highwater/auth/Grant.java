package io.highwater.auth;

/**
 * One entry of a token's {@code grants}: {@code role} on the apps matching {@code app} and the
 * workspaces matching {@code ws}. A pattern is a name, or a prefix ending in {@code *} ({@code *}
 * alone: every name).
 */
public record Grant(String app, String ws, Role role) {

  public static final String ALL = "*";

  public Grant {
    app = pattern("app", app);
    ws = pattern("ws", ws);
    if (role == null) {
      throw new IllegalArgumentException("role: required");
    }
  }

  /** {@code app:ws:role}, as the token command takes it (e.g. {@code bookstore:shop-*:write}). */
  public static Grant parse(String text) {
    String[] parts = text.split(":", -1);
    if (parts.length != 3) {
      throw new IllegalArgumentException("grant: expected app:ws:role (e.g. bookstore:shop-*:write), got '" + text + "'");
    }
    return new Grant(parts[0], parts[1], Role.parse("grant role", parts[2]));
  }

  /** Whether this grant covers {@code scope} with at least its role. */
  public boolean permits(Scope scope) {
    return role.covers(scope.role()) && matches(app, scope.app()) && matches(ws, scope.ws());
  }

  /**
   * {@code name} null stands for "every name" (a call over a whole app or partition): only
   * {@code *} covers it, since no prefix covers names it does not start.
   */
  static boolean matches(String pattern, String name) {
    if (ALL.equals(pattern)) {
      return true;
    }
    if (name == null) {
      return false;
    }
    return pattern.endsWith(ALL) ? name.startsWith(pattern.substring(0, pattern.length() - 1)) : pattern.equals(name);
  }

  private static String pattern(String field, String pattern) {
    if (pattern == null || pattern.isEmpty()) {
      throw new IllegalArgumentException(field + ": expected a name or a prefix ending in *, got " + (pattern == null ? "nothing" : "''"));
    }
    if (pattern.indexOf('*') >= 0 && pattern.indexOf('*') != pattern.length() - 1) {
      throw new IllegalArgumentException(field + ": '*' may only end a pattern, got '" + pattern + "'");
    }
    return pattern;
  }

  @Override
  public String toString() {
    return app + ":" + ws + ":" + role.wireName();
  }
}
