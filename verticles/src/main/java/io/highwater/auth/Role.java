package io.highwater.auth;

import java.util.Locale;

/** What a grant lets its holder do; each role includes the ones before it. */
public enum Role {
  /** Aggregates, views, events, conflicts, consistency, and the WebSocket's await and watch. */
  READ,
  /** Read, and append. */
  WRITE,
  /** Write, and rebuilds, app deployment and the cluster's state. */
  ADMIN;

  public boolean covers(Role needed) {
    return compareTo(needed) >= 0;
  }

  /** The role named {@code name} ({@code read}, {@code write}, {@code admin}); {@code field} names it in the error. */
  public static Role parse(String field, String name) {
    if (name != null) {
      for (Role role : values()) {
        if (role.wireName().equals(name)) {
          return role;
        }
      }
    }
    throw new IllegalArgumentException(field + ": expected read, write or admin, got " + (name == null ? "nothing" : "'" + name + "'"));
  }

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
