package io.highwater.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;

/** The append meters of one app, one per result, resolved once: recording one is a few additions. */
public final class AppendMeters {

  private final Counter[] appends;
  private final Counter[] events;
  private final Timer[] seconds;

  AppendMeters(MeterRegistry registry, String app) {
    AppendResult[] results = AppendResult.values();
    appends = new Counter[results.length];
    events = new Counter[results.length];
    seconds = new Timer[results.length];
    for (AppendResult result : results) {
      int i = result.ordinal();
      appends[i] = Counter.builder("highwater.appends").description("Append requests answered, by result")
          .tag("app", app).tag("result", result.tag()).register(registry);
      events[i] = Counter.builder("highwater.append.events").description("Events in the append requests answered, by result")
          .tag("app", app).tag("result", result.tag()).register(registry);
      seconds[i] = Timer.builder("highwater.append").description("Time from an append request to its answer")
          .tag("app", app).tag("result", result.tag()).publishPercentileHistogram().register(registry);
    }
  }

  /** An append of {@code eventCount} events answered {@code result}, {@code nanos} after it arrived. */
  public void answered(AppendResult result, int eventCount, long nanos) {
    int i = result.ordinal();
    appends[i].increment();
    events[i].increment(eventCount);
    seconds[i].record(nanos, TimeUnit.NANOSECONDS);
  }
}
