package io.highwater.apps;

import io.highwater.config.AppConfig;
import io.highwater.config.ViewConfig;
import io.highwater.event.BatchParser;
import io.highwater.event.InvalidInputException;
import io.highwater.projector.ProjectorFactory;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Reads an app's definition as {@code PUT /v1/apps/{app}} sends it, refusing what no node could
 * run: a bad name, an unknown projector kind, options its projector refuses. Plain Java: the
 * projector kinds are given, as the factories found on the class path.
 */
public final class DefinitionCheck {

  public static final int MAX_PARTITIONS = 1024;
  private static final Pattern VIEW = Pattern.compile("[a-z][a-z0-9_]{0,62}");
  private static final Set<String> APP_FIELDS = Set.of("partitions", "views");
  private static final Set<String> VIEW_FIELDS = Set.of("projector", "mode", "options");

  private final Map<String, ProjectorFactory> factories;

  public DefinitionCheck(Map<String, ProjectorFactory> factories) {
    this.factories = Map.copyOf(factories);
  }

  /** The app, or an {@link InvalidInputException} naming the first offending field. */
  public AppConfig parse(String app, JsonObject definition) {
    BatchParser.app("app", app);
    if (definition == null) {
      throw new InvalidInputException("body", "expected a JSON object with \"partitions\" and \"views\"");
    }
    for (String field : definition.fieldNames()) {
      if (!APP_FIELDS.contains(field)) {
        throw new InvalidInputException(field, "unknown field (expected \"partitions\" and \"views\")");
      }
    }
    int partitions = partitions(definition.getValue("partitions"));
    Object views = definition.getValue("views", new JsonObject());
    if (!(views instanceof JsonObject viewsJson)) {
      throw new InvalidInputException("views", "expected an object of views by name");
    }
    Map<String, ViewConfig> parsed = new LinkedHashMap<>();
    for (String name : new TreeSet<>(viewsJson.fieldNames())) {
      parsed.put(name, view(name, viewsJson.getValue(name)));
    }
    return new AppConfig(app, partitions, parsed);
  }

  private static int partitions(Object value) {
    if (value == null) {
      throw new InvalidInputException("partitions", "required");
    }
    if (!(value instanceof Integer || value instanceof Long) || ((Number) value).longValue() < 1
        || ((Number) value).longValue() > MAX_PARTITIONS) {
      throw new InvalidInputException("partitions", "expected an integer from 1 to " + MAX_PARTITIONS + ", got " + value);
    }
    return ((Number) value).intValue();
  }

  private ViewConfig view(String name, Object value) {
    String where = "views." + name;
    if (!VIEW.matcher(name).matches()) {
      throw new InvalidInputException(where, "a view name matches [a-z][a-z0-9_]{0,62}");
    }
    if (!(value instanceof JsonObject json)) {
      throw new InvalidInputException(where, "expected an object with \"projector\", \"mode\" and \"options\"");
    }
    for (String field : json.fieldNames()) {
      if (!VIEW_FIELDS.contains(field)) {
        throw new InvalidInputException(where + "." + field, "unknown field (expected \"projector\", \"mode\" and \"options\")");
      }
    }
    Object projector = json.getValue("projector");
    if (!(projector instanceof String kind)) {
      throw new InvalidInputException(where + ".projector", "required: one of " + new TreeSet<>(factories.keySet()));
    }
    ProjectorFactory factory = factories.get(kind);
    if (factory == null) {
      throw new InvalidInputException(where + ".projector", "unknown projector kind '" + kind + "' (known: "
          + new TreeSet<>(factories.keySet()) + ")");
    }
    Object mode = json.getValue("mode", "async");
    if (!"sync".equals(mode) && !"async".equals(mode)) {
      throw new InvalidInputException(where + ".mode", "expected \"sync\" or \"async\", got " + mode);
    }
    Object options = json.getValue("options", new JsonObject());
    if (!(options instanceof JsonObject optionsJson)) {
      throw new InvalidInputException(where + ".options", "expected an object");
    }
    try {
      factory.create(name, optionsJson.copy());
    } catch (RuntimeException e) {
      throw new InvalidInputException(where + ".options", "refused by projector '" + kind + "': " + e.getMessage());
    }
    return new ViewConfig(name, kind, "sync".equals(mode), optionsJson.copy());
  }
}
