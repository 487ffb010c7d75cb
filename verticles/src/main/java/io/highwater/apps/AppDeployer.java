package io.highwater.apps;

import io.highwater.cluster.Addresses;
import io.highwater.config.AppConfig;
import io.highwater.event.InvalidInputException;
import io.highwater.plugin.ProjectorKinds;
import io.highwater.projector.ProjectorFactory;
import io.highwater.storage.AppDefinitions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stores new definitions of apps (checked, and diffed against the stored one) and tells every node;
 * brings this node's {@link AppRegistry} to the stored versions.
 */
public final class AppDeployer {

  private static final Logger LOG = LoggerFactory.getLogger(AppDeployer.class);
  /** A put that lost a race with another is decided again this many times before it gives up. */
  private static final int ATTEMPTS = 5;

  private final Vertx vertx;
  private final AppDefinitions store;
  private final AppRegistry registry;
  private final DefinitionCheck check;

  public AppDeployer(Vertx vertx, AppDefinitions store, AppRegistry registry, ProjectorKinds kinds) {
    this.vertx = vertx;
    this.store = store;
    this.registry = registry;
    this.check = new DefinitionCheck(factories(kinds));
  }

  /** The projector kinds of the server and of its plug-ins, by name. */
  public static Map<String, ProjectorFactory> factories(ProjectorKinds kinds) {
    Map<String, ProjectorFactory> factories = new HashMap<>();
    kinds.kinds().forEach(kind -> factories.put(kind, kinds.get(kind).orElseThrow()));
    return factories;
  }

  public DefinitionCheck check() {
    return check;
  }

  public AppRegistry registry() {
    return registry;
  }

  /**
   * Checks and stores a definition; fails with {@link InvalidInputException} (nothing stored) when
   * it is bad or changes what may not change. Every node is told of the new version.
   */
  public Future<DeployedApp> put(String name, JsonObject definition) {
    AppConfig next;
    try {
      next = check.parse(name, definition);
    } catch (InvalidInputException e) {
      return Future.failedFuture(e);
    }
    return attempt(next, ATTEMPTS).onSuccess(deployed ->
        vertx.eventBus().publish(Addresses.appsChanged(), new JsonObject().put("app", name).put("version", deployed.version())));
  }

  private Future<DeployedApp> attempt(AppConfig next, int left) {
    Future<Optional<AppDefinitions.Stored>> stored = store.get(next.name());
    Future<Set<String>> retired = store.retired(next.name());
    Future<Boolean> hasEvents = store.hasEvents(next.name());
    return Future.all(stored, retired, hasEvents).compose(all -> {
      Optional<AppConfig> before = stored.result().map(s -> check.parse(s.app(), s.definition()));
      AppChange change = AppChange.between(before, next, hasEvents.result(), retired.result());
      long expected = stored.result().map(AppDefinitions.Stored::version).orElse(0L);
      return store.put(next.name(), next.partitions(), next.toJson(), expected, change.removed());
    }).map(version -> new DeployedApp(next, version)).recover(failure -> {
      if (failure instanceof AppDefinitions.ChangedMeanwhile && left > 1) {
        return attempt(next, left - 1);
      }
      if (failure instanceof AppDefinitions.PartitionsFixed) {
        return Future.failedFuture(new InvalidInputException("partitions",
            "app '" + next.name() + "' has events, placed by its partition count: the count cannot change"));
      }
      return Future.failedFuture(failure);
    });
  }

  /**
   * An app of {@code conf/config.json}: stored as version 1 unless a definition is stored already,
   * which then wins (a different partition count refuses the start: the data is placed by it).
   */
  public Future<Void> seed(AppConfig app) {
    return store.put(app.name(), app.partitions(), app.toJson(), 0, List.of()).<Void>mapEmpty().recover(failure -> {
      if (failure instanceof AppDefinitions.PartitionsFixed) {
        return Future.failedFuture(new IllegalStateException("app '" + app.name() + "' was created with another partition count;"
            + " its data is placed by that count, so it cannot run with " + app.partitions()));
      }
      if (!(failure instanceof AppDefinitions.ChangedMeanwhile)) {
        return Future.failedFuture(failure);
      }
      return store.get(app.name()).compose(stored -> {
        AppConfig kept = check.parse(app.name(), stored.orElseThrow().definition());
        if (kept.partitions() != app.partitions()) {
          return Future.failedFuture(new IllegalStateException("app '" + app.name() + "' was created with " + kept.partitions()
              + " partitions; its data is placed by that count, so it cannot run with " + app.partitions()));
        }
        if (!kept.toJson().equals(app.toJson())) {
          LOG.warn("App '{}' is stored at version {} with another definition than conf/config.json's; the stored one is deployed",
              app.name(), stored.get().version());
        }
        return Future.succeededFuture();
      });
    });
  }

  /** Brings this node's registry to every stored version, telling this node of each app that changed. */
  public Future<Void> refresh() {
    return store.all().map(all -> {
      for (AppDefinitions.Stored stored : all) {
        if (registry.deployed(stored.app()).map(d -> d.version() >= stored.version()).orElse(false)) {
          continue;
        }
        AppConfig app;
        try {
          app = check.parse(stored.app(), stored.definition());
        } catch (RuntimeException e) {
          LOG.error("App '{}' version {} cannot run on this node: {}", stored.app(), stored.version(), e.getMessage());
          continue;
        }
        if (registry.offer(new DeployedApp(app, stored.version()))) {
          LOG.info("App '{}' at version {}: {} partitions, views {}", app.name(), stored.version(), app.partitions(),
              app.views().keySet());
          vertx.eventBus().publish(Addresses.appApplied(), app.name(), new DeliveryOptions().setLocalOnly(true));
        }
      }
      return null;
    });
  }
}
