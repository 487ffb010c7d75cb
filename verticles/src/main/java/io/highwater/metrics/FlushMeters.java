package io.highwater.metrics;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;

/** The flush meters of one entity (the records or a view) of an app, resolved once. */
public final class FlushMeters {

  /** For code that flushes where nothing is measured (tests of a single part). */
  public static final FlushMeters NONE = new FlushMeters(null, null);

  private final Timer seconds;
  private final DistributionSummary rows;

  FlushMeters(Timer seconds, DistributionSummary rows) {
    this.seconds = seconds;
    this.rows = rows;
  }

  /** A flush of {@code rowCount} values committed {@code nanos} after it was sent. */
  public void flushed(int rowCount, long nanos) {
    if (seconds != null) {
      seconds.record(nanos, TimeUnit.NANOSECONDS);
      rows.record(rowCount);
    }
  }
}
