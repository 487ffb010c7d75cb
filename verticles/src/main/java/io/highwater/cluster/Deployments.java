package io.highwater.cluster;

import io.highwater.partition.Ownership;
import io.highwater.partition.PartitionId;
import io.highwater.log.PartitionLog;
import io.vertx.core.Deployable;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The verticles this node runs for each partition, in the order they were deployed, so that they
 * stop in the reverse order: the command processor first, then the actualizers (which flush), and
 * the coordinator they report to last.
 */
public final class Deployments {

  private final Vertx vertx;
  private final Map<PartitionId, List<String>> partitions = new ConcurrentHashMap<>();

  public Deployments(Vertx vertx) {
    this.vertx = vertx;
  }

  /** Deploys a verticle of the ownership; its configuration names the partition in its log lines. */
  public Future<String> deploy(Ownership ownership, Deployable verticle) {
    return vertx.deployVerticle(verticle, new DeploymentOptions().setConfig(PartitionLog.config(ownership)))
        .onSuccess(id -> partitions.computeIfAbsent(ownership.partition(), p -> new CopyOnWriteArrayList<>()).add(id));
  }

  /** Stops one verticle of the partition (a view removed from its app), leaving the others running. */
  public Future<Void> undeployOne(PartitionId partition, String id) {
    List<String> ids = partitions.get(partition);
    if (ids == null || !ids.remove(id)) {
      return Future.succeededFuture();
    }
    return vertx.undeploy(id);
  }

  public Future<Void> undeploy(PartitionId partition) {
    List<String> ids = new ArrayList<>(partitions.getOrDefault(partition, List.of()));
    partitions.remove(partition);
    Future<Void> done = Future.succeededFuture();
    for (int i = ids.size() - 1; i >= 0; i--) {
      String id = ids.get(i);
      // Each one is stopped even if one before it failed to stop cleanly.
      done = done.transform(before -> vertx.undeploy(id)
          .transform(after -> before.failed() ? Future.failedFuture(before.cause()) : after.succeeded()
              ? Future.succeededFuture() : Future.failedFuture(after.cause())));
    }
    return done;
  }
}
