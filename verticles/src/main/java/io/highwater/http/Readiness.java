package io.highwater.http;

import io.highwater.cluster.StartFailures;
import io.highwater.health.LagHealth;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.Status;
import java.util.Map;

/**
 * Whether this node runs every partition of its share: it has recovered them all once, none it
 * took since has failed to start, and none lags beyond the health bounds. Shared by the HTTP
 * verticle instances.
 */
public final class Readiness {

  private final StartFailures startFailures;
  private final LagHealth lag;
  private volatile boolean recovered;

  public Readiness(StartFailures startFailures, LagHealth lag) {
    this.startFailures = startFailures;
    this.lag = lag;
  }

  public void markRecovered() {
    recovered = true;
  }

  /** OK, or KO naming the partitions that failed to start and why. */
  Status partitions() {
    Map<String, String> failed = startFailures.current();
    if (!recovered) {
      return Status.KO(new JsonObject().put("reason", "recovering the partitions of this node's share"));
    }
    return failed.isEmpty() ? Status.OK() : Status.KO(new JsonObject().put("failedToStart", new JsonObject(Map.copyOf(failed))));
  }

  /** OK, or KO with every reason a partition of this node lags (an entity behind, watermarks not reported). */
  Status watermarks() {
    var reasons = lag.reasons();
    return reasons.isEmpty() ? Status.OK() : Status.KO(new JsonObject().put("reasons", new JsonArray(reasons)));
  }
}
