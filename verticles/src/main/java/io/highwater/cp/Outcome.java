package io.highwater.cp;

import io.highwater.event.StoredEvent;
import java.util.List;

/** What became of one batch. */
public sealed interface Outcome {

  /** Stored (or, when {@code dry}, would have been) with these offsets. */
  record Appended(List<StoredEvent> events, boolean dry) implements Outcome {}

  /** Every event carried an id already stored: nothing written, the stored events answered. */
  record Repeated(List<StoredEvent> events) implements Outcome {}

  /** Nothing stored; {@code ahead} would have been stored before {@code ours} conflicted. */
  record Conflicted(List<StoredEvent> ahead, StoredEvent ours, StoredEvent theirs, List<Long> unresolved) implements Outcome {}

  /** {@code baseOffset} lies beyond the log; {@code nextOffset} is what the next event would take. */
  record InvalidOffset(long nextOffset) implements Outcome {}

  /** The batch breaks a rule only the log can tell (e.g. it mixes stored and new ids). */
  record Rejected(String field, String message) implements Outcome {}

  /**
   * This node no longer owns the partition (it is being handed over, or another node claimed it):
   * nothing was written, so the same request may be sent again to the new owner.
   */
  record Moved(String message) implements Outcome {}

  /** The caller's token was refused ({@code code} {@code unauthorized} or {@code forbidden}); nothing was written. */
  record Refused(String code, String message) implements Outcome {}

  /** The log could not be written; nothing was acknowledged. */
  record Unavailable(String message) implements Outcome {}
}
