package io.highwater.auth;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * The identities of the tokens verified lately, so that a client sending the same token with every
 * request pays for one signature check, not one per request. Bounded (least recently used out
 * first), and a token is never answered from here at or after its {@code exp}: the verifier checks
 * it again, and refuses it. Used from one context only, like the verifier that owns it.
 */
final class VerifiedTokens {

  private final int capacity;
  private final LongSupplier epochSeconds;
  private final Map<String, Identity> byToken;

  VerifiedTokens(int capacity, LongSupplier epochSeconds) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity: expected at least 1, got " + capacity);
    }
    this.capacity = capacity;
    this.epochSeconds = epochSeconds;
    this.byToken = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Identity> eldest) {
        return size() > VerifiedTokens.this.capacity;
      }
    };
  }

  /** The identity {@code token} was verified as, while it has not expired. */
  Optional<Identity> get(String token) {
    Identity identity = byToken.get(token);
    if (identity == null) {
      return Optional.empty();
    }
    if (expired(identity)) {
      byToken.remove(token);
      return Optional.empty();
    }
    return Optional.of(identity);
  }

  /** Remembers a verified token's identity (not one that has already expired). */
  void put(String token, Identity identity) {
    if (!expired(identity)) {
      byToken.put(token, identity);
    }
  }

  int size() {
    return byToken.size();
  }

  private boolean expired(Identity identity) {
    return identity.expiresAt().isPresent() && epochSeconds.getAsLong() >= identity.expiresAt().getAsLong();
  }
}
