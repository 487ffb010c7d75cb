package io.highwater.metrics;

import io.highwater.health.PartitionMonitor;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One node's meters: the registry that Vert.x's own metrics (HTTP, event bus, pools) and the JVM's
 * and process's go to, scraped at {@code GET /metrics}, and Highwater's. The verticles get their
 * meters from here once, as they start, so that recording one costs no lookup.
 */
public final class HighwaterMetrics implements AutoCloseable {

  private final PrometheusMeterRegistry registry;
  private final JvmGcMetrics gc = new JvmGcMetrics();
  private final AtomicLong subscriptions = new AtomicLong();

  public HighwaterMetrics() {
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new ClassLoaderMetrics().bindTo(registry);
    new JvmMemoryMetrics().bindTo(registry);
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
    Gauge.builder("highwater.websocket.subscriptions", subscriptions, AtomicLong::get)
        .description("Awaits and watches active on this node's WebSockets").register(registry);
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  public AppendMeters appends(String app) {
    return new AppendMeters(registry, app);
  }

  /** Events per group commit of the app's command processors. */
  public DistributionSummary groupEvents(String app) {
    return DistributionSummary.builder("highwater.group.events").description("Events written per group commit")
        .tag("app", app).publishPercentileHistogram().minimumExpectedValue(1.0).maximumExpectedValue(100_000.0).register(registry);
  }

  public FlushMeters flushes(String app, String entity) {
    Timer seconds = Timer.builder("highwater.flush").description("Time a flush to storage takes, from its statement to its commit")
        .tag("app", app).tag("entity", entity).publishPercentileHistogram().register(registry);
    DistributionSummary rows = DistributionSummary.builder("highwater.flush.rows").description("Values written per flush")
        .tag("app", app).tag("entity", entity).register(registry);
    return new FlushMeters(seconds, rows);
  }

  public PartitionGauges partition(PartitionMonitor monitor) {
    return new PartitionGauges(registry, monitor);
  }

  /** Active awaits and watches, up and down as they start and end. */
  public AtomicLong subscriptions() {
    return subscriptions;
  }

  /** Closed WebSockets, by why they closed. */
  public Counter disconnects(String reason) {
    return Counter.builder("highwater.websocket.disconnects").description("WebSockets closed, by reason")
        .tag("reason", reason).register(registry);
  }

  @Override
  public void close() {
    gc.close();
    registry.close();
  }
}
