package io.highwater.plugin;

import io.highwater.projector.ProjectorFactory;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeMap;

/** The projector factories by kind: the server's own and every plug-in's, found once at start-up. */
public final class ProjectorKinds {

  private final Map<String, ProjectorFactory> byKind;

  private ProjectorKinds(Map<String, ProjectorFactory> byKind) {
    this.byKind = Collections.unmodifiableMap(byKind);
  }

  /** The factories {@code loader} finds; two of one kind are refused, naming both classes. */
  public static ProjectorKinds load(ClassLoader loader) {
    Map<String, ProjectorFactory> byKind = new TreeMap<>();
    try {
      for (ProjectorFactory factory : ServiceLoader.load(ProjectorFactory.class, loader)) {
        ProjectorFactory other = byKind.putIfAbsent(factory.kind(), factory);
        if (other != null && other.getClass() != factory.getClass()) {
          throw new IllegalArgumentException("projector kind '" + factory.kind() + "' is made by both "
              + other.getClass().getName() + " and " + factory.getClass().getName() + ": remove one of their jars");
        }
      }
    } catch (ServiceConfigurationError e) {
      throw new IllegalArgumentException("a projector plug-in cannot be loaded: " + e.getMessage(), e);
    }
    return new ProjectorKinds(byKind);
  }

  public Optional<ProjectorFactory> get(String kind) {
    return Optional.ofNullable(byKind.get(kind));
  }

  public java.util.Set<String> kinds() {
    return byKind.keySet();
  }
}
