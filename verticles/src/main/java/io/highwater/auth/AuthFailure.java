package io.highwater.auth;

/** A refused call: {@code unauthorized} (no valid token, 401) or {@code forbidden} (no grant for it, 403). */
public final class AuthFailure extends RuntimeException {

  private final boolean authenticated;

  private AuthFailure(boolean authenticated, String message) {
    super(message, null, false, false);
    this.authenticated = authenticated;
  }

  public static AuthFailure unauthorized(String message) {
    return new AuthFailure(false, message);
  }

  public static AuthFailure forbidden(Scope scope) {
    return new AuthFailure(true, "the token grants no " + scope);
  }

  public int status() {
    return authenticated ? 403 : 401;
  }

  public String code() {
    return authenticated ? "forbidden" : "unauthorized";
  }
}
