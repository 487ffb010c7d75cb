package io.highwater.auth;

import java.util.OptionalLong;

/**
 * Who made a call, as their verified token says: {@code subject}, {@code grants}, the token's
 * {@code exp} (epoch seconds) if it has one, and the token itself, which requests forwarded to
 * another node carry so that the node checks it again. {@code token} is null when nothing is checked.
 */
public record Identity(String subject, Grants grants, OptionalLong expiresAt, String token) {

  /** Everyone, on a node that checks nothing. */
  public static final Identity UNCHECKED = new Identity("anyone", Grants.EVERYTHING, OptionalLong.empty(), null);

  public boolean permit(Scope scope) {
    return grants.permit(scope);
  }
}
