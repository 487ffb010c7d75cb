package io.highwater.actualizer;

import io.highwater.config.AppConfig;
import io.highwater.config.ViewConfig;
import io.highwater.projector.Projector;
import io.highwater.projector.ProjectorFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/** A configured view with the projector that keeps it. */
public record ViewDefinition(ViewConfig config, Projector projector) {

  public String name() {
    return config.name();
  }

  public boolean sync() {
    return config.sync();
  }

  /** The app's views, their projectors made by the factories found on the class path. */
  public static List<ViewDefinition> of(AppConfig app) {
    Map<String, ProjectorFactory> factories = new HashMap<>();
    ServiceLoader.load(ProjectorFactory.class).forEach(f -> factories.put(f.kind(), f));
    List<ViewDefinition> views = new ArrayList<>();
    for (ViewConfig view : app.views().values()) {
      ProjectorFactory factory = factories.get(view.projector());
      if (factory == null) {
        throw new IllegalArgumentException("apps." + app.name() + ".views." + view.name() + ".projector: no projector kind '"
            + view.projector() + "' on the class path (known: " + factories.keySet() + ")");
      }
      views.add(new ViewDefinition(view, factory.create(view.name(), view.options())));
    }
    return views;
  }
}
