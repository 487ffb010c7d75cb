package io.highwater.auth;

import java.util.List;

/** A token's grants; a call is allowed when any one of them covers it. */
public record Grants(List<Grant> list) {

  /** What a node that checks nothing ({@code HIGHWATER_AUTH=none}) lets everyone do. */
  public static final Grants EVERYTHING = new Grants(List.of(new Grant(Grant.ALL, Grant.ALL, Role.ADMIN)));

  public Grants {
    list = List.copyOf(list);
  }

  public boolean permit(Scope scope) {
    return list.stream().anyMatch(g -> g.permits(scope));
  }
}
