package io.highwater.cluster;

import com.hazelcast.core.LifecycleEvent;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.time.Duration;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this node reachable on the event bus, and its routes right: every {@code intervalMs}, and
 * as soon as its Hazelcast member has merged back into the cluster, has {@link GuardedClusterManager}
 * put the cluster's registry right (saying so when it had to); for {@link #AFTER_MERGE} after a
 * merge, also refreshes the routes from the registry, as the change events of the time apart never
 * reach this node.
 */
public final class RegistryGuardVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(RegistryGuardVerticle.class);
  /** Long enough for the merge's own republishing and the other members' late cleanups to be over. */
  static final Duration AFTER_MERGE = Duration.ofSeconds(30);

  /** What one check did. */
  record Check(RegistryDiff repaired, int routesRefreshed) {}

  private final GuardedClusterManager manager;
  private final long intervalMs;
  private long timer = -1;
  private UUID lifecycleListener;
  private boolean checking;
  private long refreshUntil;

  public RegistryGuardVerticle(GuardedClusterManager manager, long intervalMs) {
    this.manager = manager;
    this.intervalMs = intervalMs;
  }

  @Override
  public Future<?> start() {
    refreshUntil = System.nanoTime();
    timer = vertx.setPeriodic(intervalMs, t -> check());
    lifecycleListener = manager.getHazelcastInstance().getLifecycleService().addLifecycleListener(event -> {
      if (event.getState() == LifecycleEvent.LifecycleState.MERGED) {
        context.runOnContext(v -> {
          refreshUntil = System.nanoTime() + AFTER_MERGE.toNanos();
          check();
        });
      }
    });
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    if (manager.getHazelcastInstance().getLifecycleService().isRunning()) {
      manager.getHazelcastInstance().getLifecycleService().removeLifecycleListener(lifecycleListener);
    }
    return Future.succeededFuture();
  }

  private void check() {
    if (checking) {
      return;
    }
    checking = true;
    boolean refresh = System.nanoTime() - refreshUntil < 0;
    vertx.executeBlocking(() -> new Check(manager.repairRegistrations(), refresh ? manager.refreshRoutes() : 0), false).onComplete(ar -> {
      checking = false;
      if (ar.failed()) {
        // The cluster is changing (a member leaving, a merge): the next check tries again.
        LOG.debug("Could not check the cluster's event-bus registry: {}", ar.cause().toString());
        return;
      }
      if (ar.result().routesRefreshed() > 0) {
        LOG.debug("Refreshed the routes of {} addresses from the registry", ar.result().routesRefreshed());
      }
      if (!ar.result().repaired().isEmpty()) {
        RegistryDiff diff = ar.result().repaired();
        LOG.warn("The cluster's event-bus registry had lost {} of this node's registrations and kept {} it had ended; put right: "
            + "missing {}, ended {}", diff.missingCount(), diff.extraCount(), diff.missing().keySet(), diff.extra().keySet());
      }
    });
  }
}
