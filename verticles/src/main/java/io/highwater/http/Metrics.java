package io.highwater.http;

import io.highwater.cluster.PartitionId;
import io.highwater.config.AppConfig;
import io.highwater.apps.AppRegistry;
import io.highwater.coordinator.ConsistencyWatch;
import io.highwater.coordinator.PartitionConsistency;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/** {@code GET /metrics}: the partitions' offsets and watermarks in Prometheus text format. */
final class Metrics {

  private final AppRegistry apps;
  private final ConsistencyWatch watch;

  Metrics(AppRegistry apps, ConsistencyWatch watch) {
    this.apps = apps;
    this.watch = watch;
  }

  void handle(RoutingContext ctx) {
    List<PartitionId> partitions = apps.partitions();
    List<Future<PartitionConsistency>> states = partitions.stream().map(watch::current).toList();
    Future.all(states).onComplete(done -> {
      StringBuilder out = new StringBuilder();
      out.append("# HELP highwater_cp_offset Offset of the last event the command processor made durable.\n");
      out.append("# TYPE highwater_cp_offset gauge\n");
      StringBuilder watermarks = new StringBuilder();
      watermarks.append("# HELP highwater_watermark Offset up to which an entity is consistent, per level.\n");
      watermarks.append("# TYPE highwater_watermark gauge\n");
      for (int i = 0; i < partitions.size(); i++) {
        if (states.get(i).failed()) {
          continue;
        }
        PartitionId id = partitions.get(i);
        PartitionConsistency state = states.get(i).result();
        String labels = "app=\"" + id.app() + "\",partition=\"" + id.partition() + "\"";
        out.append("highwater_cp_offset{").append(labels).append("} ").append(state.cpOffset()).append('\n');
        AppConfig app = apps.app(id.app()).orElseThrow();
        for (String entity : app.entities()) {
          var w = state.entity(entity);
          watermarks.append("highwater_watermark{").append(labels).append(",entity=\"").append(entity)
              .append("\",level=\"cache\"} ").append(w.cache()).append('\n');
          watermarks.append("highwater_watermark{").append(labels).append(",entity=\"").append(entity)
              .append("\",level=\"storage\"} ").append(w.storage()).append('\n');
        }
      }
      ctx.response().putHeader("content-type", "text/plain; version=0.0.4").end(out.append(watermarks).toString());
    });
  }
}
