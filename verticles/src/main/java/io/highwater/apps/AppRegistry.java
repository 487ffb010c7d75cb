package io.highwater.apps;

import io.highwater.partition.PartitionId;
import io.highwater.config.AppConfig;
import io.highwater.config.ViewConfig;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The apps this node runs, each at the newest version it has applied. Read from every verticle's
 * thread: the map is replaced whole, never changed in place.
 */
public final class AppRegistry {

  private final AtomicReference<Map<String, DeployedApp>> apps = new AtomicReference<>(Map.of());

  /** Takes {@code deployed} if it is newer than what this node has; true if it did. */
  public boolean offer(DeployedApp deployed) {
    while (true) {
      Map<String, DeployedApp> before = apps.get();
      DeployedApp known = before.get(deployed.name());
      if (known != null && known.version() >= deployed.version()) {
        return false;
      }
      Map<String, DeployedApp> after = new TreeMap<>(before);
      after.put(deployed.name(), deployed);
      if (apps.compareAndSet(before, Map.copyOf(after))) {
        return true;
      }
    }
  }

  public Optional<AppConfig> app(String name) {
    return deployed(name).map(DeployedApp::app);
  }

  public Optional<DeployedApp> deployed(String name) {
    return Optional.ofNullable(apps.get().get(name));
  }

  /** The view of an app, if the app has it now. */
  public Optional<ViewConfig> view(String app, String view) {
    return app(app).flatMap(a -> a.view(view));
  }

  public Collection<DeployedApp> all() {
    return new TreeMap<>(apps.get()).values();
  }

  /** Every partition of every app, in app order. */
  public List<PartitionId> partitions() {
    return all().stream().flatMap(d -> d.app().partitionIds().stream()).toList();
  }

  /** The apps by name, as {@code conf/config.json} would declare them. */
  public Map<String, AppConfig> configs() {
    Map<String, AppConfig> configs = new LinkedHashMap<>();
    all().forEach(d -> configs.put(d.name(), d.app()));
    return configs;
  }
}
