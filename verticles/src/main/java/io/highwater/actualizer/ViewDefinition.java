package io.highwater.actualizer;

import io.highwater.config.AppConfig;
import io.highwater.config.ViewConfig;
import io.highwater.plugin.ProjectorKinds;
import io.highwater.projector.Projector;
import io.highwater.projector.ProjectorFactory;
import java.util.ArrayList;
import java.util.List;

/** A configured view with the projector that keeps it. */
public record ViewDefinition(ViewConfig config, Projector projector) {

  public String name() {
    return config.name();
  }

  public boolean sync() {
    return config.sync();
  }

  /** The app's views, their projectors made by {@code kinds}. */
  public static List<ViewDefinition> of(AppConfig app, ProjectorKinds kinds) {
    List<ViewDefinition> views = new ArrayList<>();
    for (ViewConfig view : app.views().values()) {
      ProjectorFactory factory = kinds.get(view.projector()).orElseThrow(() -> new IllegalArgumentException(
          "apps." + app.name() + ".views." + view.name() + ".projector: no projector kind '" + view.projector()
              + "' in the server or in a jar of the plug-ins directory (known: " + kinds.kinds() + ")"));
      views.add(new ViewDefinition(view, factory.create(view.name(), view.options())));
    }
    return views;
  }
}
