package io.highwater.projector;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Indexes aggregates of one type by a field of their state: key = the field's value, value =
 * {@code {"ids": [sorted ids], "count": n}}. A key left with no ids keeps its empty value.
 */
public final class IndexProjector extends FieldProjector {

  /** Makes {@code index} projectors. */
  public static final class Factory implements ProjectorFactory {
    @Override
    public String kind() {
      return "index";
    }

    @Override
    public Projector create(String view, JsonObject options) {
      return new IndexProjector(FieldOptions.from(view, options));
    }
  }

  IndexProjector(FieldOptions options) {
    super(options);
  }

  @Override
  JsonObject next(Optional<JsonObject> current, String id, boolean leaving) {
    TreeSet<String> ids = new TreeSet<>();
    current.ifPresent(v -> v.getJsonArray("ids").forEach(i -> ids.add((String) i)));
    if (leaving) {
      ids.remove(id);
    } else {
      ids.add(id);
    }
    return new JsonObject().put("ids", new JsonArray(ids.stream().map(Object.class::cast).toList())).put("count", ids.size());
  }
}
