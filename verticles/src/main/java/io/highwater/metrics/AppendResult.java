package io.highwater.metrics;

import java.util.Locale;

/** How an append was answered, as the {@code result} tag of the append meters. */
public enum AppendResult {
  /** Stored, or every event was stored already (a repeat). */
  OK,
  CONFLICT,
  /** Refused as bad input (the body, an offset beyond the log, a rule only the log can tell), or by the owner's token check. */
  REJECTED,
  /** Not answered by an owner: none, moved, overloaded, storage down. */
  UNAVAILABLE;

  public String tag() {
    return name().toLowerCase(Locale.ROOT);
  }
}
