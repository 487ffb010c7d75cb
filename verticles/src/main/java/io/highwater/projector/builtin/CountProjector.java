package io.highwater.projector.builtin;

import io.highwater.projector.Intents;
import io.highwater.projector.Projector;
import io.highwater.projector.ProjectorFactory;
import io.highwater.projector.ViewReader;
import io.vertx.core.json.JsonObject;

/**
 * Counts aggregates of one type by a field of their state: key = the field's value, value =
 * {@code {"count": n}}. A key left at zero keeps {@code {"count": 0}}.
 */
public final class CountProjector extends FieldProjector {

  /** Makes {@code count} projectors. */
  public static final class Factory implements ProjectorFactory {
    @Override
    public String kind() {
      return "count";
    }

    @Override
    public Projector create(String view, JsonObject options) {
      return new CountProjector(FieldOptions.from(view, options));
    }
  }

  CountProjector(FieldOptions options) {
    super(options);
  }

  @Override
  void move(ViewReader view, Intents intents, String key, String id, boolean leaving) {
    long count = view.get(key).map(v -> v.getLong("count")).orElse(0L);
    intents.put(key, new JsonObject().put("count", leaving ? count - 1 : count + 1));
  }
}
