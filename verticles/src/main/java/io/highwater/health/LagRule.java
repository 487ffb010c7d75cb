package io.highwater.health;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * When a partition's lag makes its node unready: an entity (a view or the records) that stays
 * behind the command processor by more than {@code maxLagEvents} events or {@code maxLagMs}
 * milliseconds for {@code overForMs} or longer, or a partition whose watermarks were not assessed
 * for {@code maxSilenceMs} (the loop that reports them stopped). A lag over its bound for a
 * shorter time (a burst, a flush) is tolerated. Plain Java, one instance per partition, used from
 * one thread.
 */
public final class LagRule {

  public record Bounds(long maxLagEvents, long maxLagMs, long overForMs, long maxSilenceMs) {

    public Bounds {
      if (maxLagEvents < 1 || maxLagMs < 1 || overForMs < 0 || maxSilenceMs < 1) {
        throw new IllegalArgumentException("health: expected maxViewLagEvents, maxViewLagMs and maxSilenceMs >= 1 and overForMs >= 0, got "
            + maxLagEvents + ", " + maxLagMs + ", " + maxSilenceMs + " and " + overForMs);
      }
    }
  }

  private final Bounds bounds;
  private final String partition;
  /** Since when each entity and level has been over a bound, while it is. */
  private final Map<String, Long> overSince = new HashMap<>();

  public LagRule(Bounds bounds, String partition) {
    this.bounds = bounds;
    this.partition = partition;
  }

  /** The reasons the partition makes its node unready at {@code nowMs}, none when it does not. */
  public List<String> assess(List<EntityLag> lags, long nowMs) {
    List<String> reasons = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (EntityLag lag : lags) {
      String key = lag.entity() + "@" + lag.level().wireName();
      seen.add(key);
      if (lag.lagEvents() <= bounds.maxLagEvents() && lag.lagMs() <= bounds.maxLagMs()) {
        overSince.remove(key);
        continue;
      }
      long since = overSince.computeIfAbsent(key, k -> nowMs);
      if (nowMs - since >= bounds.overForMs()) {
        reasons.add(lag.entity() + " of " + partition + " is " + lag.lagEvents() + " events and " + lag.lagMs()
            + " ms behind the command processor at " + lag.level().wireName() + " (watermark " + lag.watermark() + "), over the bound of "
            + bounds.maxLagEvents() + " events or " + bounds.maxLagMs() + " ms for " + (nowMs - since) + " ms"
            + (lag.note().isEmpty() ? "" : "; its status: " + lag.note()));
      }
    }
    overSince.keySet().retainAll(seen);
    return reasons;
  }

  /** The reason when the partition's watermarks were last assessed at {@code assessedAtMs}, too long before {@code nowMs}. */
  public static List<String> silence(String partition, long assessedAtMs, long nowMs, long maxSilenceMs) {
    long silent = nowMs - assessedAtMs;
    return silent > maxSilenceMs
        ? List.of("the watermarks of " + partition + " have not been reported for " + silent + " ms (at most " + maxSilenceMs + ")")
        : List.of();
  }
}
