package io.highwater.projector;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Set;
import java.util.TreeSet;

/**
 * Indexes aggregates of one type by a field of their state: key = the field's value, value =
 * {@code {"ids": [sorted ids], "count": n}}. An aggregate whose field changes leaves its old key and
 * joins the new one; a key left with no ids keeps its empty value.
 */
public final class IndexProjector implements Projector {

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

  private final FieldOptions options;

  IndexProjector(FieldOptions options) {
    this.options = options;
  }

  @Override
  public Set<String> reads(ProjectedEvent event) {
    return options.movedKeys(event);
  }

  @Override
  public void project(ProjectedEvent event, ViewReader view, Intents intents) {
    Set<String> moved = options.movedKeys(event);
    if (moved.isEmpty()) {
      return;
    }
    String id = event.aggregate().aggregate().id();
    String leaving = options.keyOf(event.before());
    for (String key : moved) {
      TreeSet<String> ids = ids(view, key);
      if (key.equals(leaving)) {
        ids.remove(id);
      } else {
        ids.add(id);
      }
      intents.put(key, value(ids));
    }
  }

  private static TreeSet<String> ids(ViewReader view, String key) {
    TreeSet<String> ids = new TreeSet<>();
    view.get(key).ifPresent(v -> v.getJsonArray("ids").forEach(id -> ids.add((String) id)));
    return ids;
  }

  private static JsonObject value(TreeSet<String> ids) {
    return new JsonObject().put("ids", new JsonArray(ids.stream().map(Object.class::cast).toList())).put("count", ids.size());
  }
}
