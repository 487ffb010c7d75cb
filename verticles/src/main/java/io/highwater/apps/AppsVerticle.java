package io.highwater.apps;

import io.highwater.cluster.Addresses;
import io.highwater.config.HighwaterConfig;
import io.highwater.storage.AppDefinitions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this node at the stored version of every app: at once when a change is published, and by
 * reading the stored versions every poll interval, so a node that missed the publication (or
 * joined later) converges. Drops the rows of retired views once their grace period has passed.
 */
public final class AppsVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(AppsVerticle.class);

  private final AppDeployer deployer;
  private final AppDefinitions store;
  private final HighwaterConfig.Deployment config;
  private long timer = -1;
  private boolean refreshing;
  private boolean again;

  public AppsVerticle(AppDeployer deployer, AppDefinitions store, HighwaterConfig.Deployment config) {
    this.deployer = deployer;
    this.store = store;
    this.config = config;
  }

  @Override
  public Future<?> start() {
    timer = vertx.setPeriodic(config.pollIntervalMs(), t -> {
      refresh();
      store.dropRetired(config.retiredViewGraceMs())
          .onSuccess(n -> {
            if (n > 0) {
              LOG.info("Dropped the rows of {} retired view(s)", n);
            }
          })
          .onFailure(e -> LOG.warn("Could not drop the rows of retired views: {}", e.getMessage()));
    });
    return vertx.eventBus().consumer(Addresses.appsChanged(), m -> refresh()).completion();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    return Future.succeededFuture();
  }

  private void refresh() {
    if (refreshing) {
      again = true;
      return;
    }
    refreshing = true;
    again = false;
    deployer.refresh()
        .onFailure(e -> LOG.warn("Could not read the stored app definitions: {}", e.getMessage()))
        .onComplete(done -> {
          refreshing = false;
          if (again) {
            refresh();
          }
        });
  }
}
