package io.highwater.projector;

import io.vertx.core.json.JsonObject;

/**
 * Makes projectors of one kind; found with {@link java.util.ServiceLoader}, so a jar in the server's
 * plug-ins directory ({@code pluginsDir}) with a {@code META-INF/services/io.highwater.projector.ProjectorFactory}
 * entry and a view in {@code conf/config.json} that names its kind are all it takes to add a view.
 */
public interface ProjectorFactory {

  /** The kind that {@code conf/config.json} names, e.g. {@code index}. */
  String kind();

  /** A projector for the view named {@code view}, configured by the view's {@code options}. */
  Projector create(String view, JsonObject options);
}
