package io.highwater.storage;

import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.Shareable;

/**
 * A view key's value and {@code offs}, the offset of the last event that changed it (a write at an
 * offset already applied is skipped, which makes writes idempotent).
 * The value is {@code whole} (stored as one row), or {@code members} for a per-member view (one
 * row per member); both are null once the key was deleted. Immutable: never mutate {@code whole}.
 */
public record ViewValue(JsonObject whole, Members members, long offs) implements Shareable {

  public ViewValue(JsonObject value, long offs) {
    this(value, null, offs);
  }

  public static ViewValue of(Members members, long offs) {
    return new ViewValue(null, members, offs);
  }

  public boolean deleted() {
    return whole == null && members == null;
  }

  public boolean perMember() {
    return members != null;
  }

  /** The value as readers see it (null once deleted); a per-member one is built from its members. */
  public JsonObject value() {
    return members != null ? members.toJson() : whole;
  }

  /** This value once {@code flushed} is in storage: a per-member one keeps only the changes made since. */
  public ViewValue afterFlush(ViewValue flushed) {
    return members == null || flushed.members == null ? this : of(members.without(flushed.members), offs);
  }
}
