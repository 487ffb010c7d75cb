package io.highwater.health;

import java.util.Map;
import java.util.TreeMap;

/**
 * When the command processor's offset first reached each value, so that an entity's lag can be told
 * in milliseconds: how long the oldest event beyond its watermark has been durable. Offsets are kept
 * at most one per {@code resolutionMs} (the lag is then told to within that much) and at most
 * {@code capacity} of them (past that every other one is dropped, the oldest kept, so a stopped
 * entity's lag stays exact while the others' get coarser). Plain Java; one thread at a time.
 */
public final class LagTracker {

  private final long resolutionMs;
  private final int capacity;
  /** Offset to the time the command processor's offset first reached it. */
  private final TreeMap<Long, Long> reached = new TreeMap<>();
  private long cpOffset;

  public LagTracker(long resolutionMs, int capacity) {
    if (capacity < 2) {
      throw new IllegalArgumentException("capacity: expected at least 2, got " + capacity);
    }
    this.resolutionMs = resolutionMs;
    this.capacity = capacity;
  }

  /** The command processor's offset as seen at {@code nowMs}; an offset behind the last one changes nothing. */
  public void observe(long offset, long nowMs) {
    if (offset <= cpOffset) {
      return;
    }
    cpOffset = offset;
    Map.Entry<Long, Long> last = reached.lastEntry();
    if (last != null && nowMs - last.getValue() < resolutionMs) {
      // Within the resolution: the last entry now stands for this offset too, at its own (earlier) time.
      reached.remove(last.getKey());
      reached.put(offset, last.getValue());
      return;
    }
    reached.put(offset, nowMs);
    if (reached.size() > capacity) {
      thin();
    }
  }

  public long cpOffset() {
    return cpOffset;
  }

  /** Events beyond {@code watermark} that the command processor made durable. */
  public long lagEvents(long watermark) {
    return Math.max(0, cpOffset - watermark);
  }

  /** How long the first event beyond {@code watermark} has been durable at {@code nowMs}; 0 when nothing is beyond it. */
  public long lagMs(long watermark, long nowMs) {
    if (watermark >= cpOffset) {
      return 0;
    }
    Map.Entry<Long, Long> first = reached.ceilingEntry(watermark + 1);
    return first == null ? 0 : Math.max(0, nowMs - first.getValue());
  }

  /** Forgets the offsets every entity is past: no lag is measured from them again. */
  public void forgetUpTo(long lowestWatermark) {
    reached.headMap(lowestWatermark, true).clear();
  }

  int size() {
    return reached.size();
  }

  /**
   * Drops every other entry, keeping the first and the last. A dropped entry's offsets fall to the
   * next entry kept, whose time is later: a lag is then under-told, never over-told.
   */
  private void thin() {
    Long first = reached.firstKey();
    Long last = reached.lastKey();
    int i = 0;
    var it = reached.keySet().iterator();
    while (it.hasNext()) {
      Long key = it.next();
      if (i++ % 2 == 1 && !key.equals(first) && !key.equals(last)) {
        it.remove();
      }
    }
  }
}
