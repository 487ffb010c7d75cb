package io.highwater.projector;

import io.vertx.core.json.JsonObject;
import java.util.Set;

/**
 * Counts aggregates of one type by a field of their state: key = the field's value, value =
 * {@code {"count": n}}. Follows changes and dissocs of the field; a key left at zero keeps {@code {"count": 0}}.
 */
public final class CountProjector implements Projector {

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

  private final FieldOptions options;

  CountProjector(FieldOptions options) {
    this.options = options;
  }

  @Override
  public Set<String> reads(ProjectedEvent event) {
    return options.movedKeys(event);
  }

  @Override
  public void project(ProjectedEvent event, ViewReader view, Intents intents) {
    for (String key : reads(event)) {
      long count = view.get(key).map(v -> v.getLong("count")).orElse(0L);
      boolean leaving = key.equals(options.keyOf(event.before()));
      intents.put(key, new JsonObject().put("count", leaving ? count - 1 : count + 1));
    }
  }
}
