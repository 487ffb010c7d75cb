package io.highwater.auth;

/**
 * What one call needs: {@code role} on the app {@code app} and the workspace {@code ws}. A null
 * name means the call spans every app or every workspace (a partition's log, the cluster), which
 * only a grant with {@code *} there covers.
 */
public record Scope(Role role, String app, String ws) {

  public static Scope workspace(Role role, String app, String ws) {
    return new Scope(role, app, ws);
  }

  public static Scope app(Role role, String app) {
    return new Scope(role, app, null);
  }

  public static Scope everything(Role role) {
    return new Scope(role, null, null);
  }

  @Override
  public String toString() {
    return role.wireName() + " on app " + (app == null ? "(every app)" : "'" + app + "'")
        + (ws == null ? ", every workspace" : ", workspace '" + ws + "'");
  }
}
