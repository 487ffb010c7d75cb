package io.highwater.projector;

import io.vertx.core.json.JsonObject;
import java.util.Optional;
import java.util.Set;

/**
 * A projector keyed by one field of one aggregate type's state: an aggregate whose field changes
 * leaves the old key's value and joins the new one's; how a value takes an aggregate in or out is
 * the subclass's.
 */
abstract class FieldProjector implements Projector {

  private final FieldOptions options;

  FieldProjector(FieldOptions options) {
    this.options = options;
  }

  /** The key's value once the aggregate {@code id} joined it, or left it when {@code leaving}. */
  abstract JsonObject next(Optional<JsonObject> current, String id, boolean leaving);

  @Override
  public final Set<String> reads(ProjectedEvent event) {
    return options.movedKeys(event);
  }

  @Override
  public final void project(ProjectedEvent event, ViewReader view, Intents intents) {
    Set<String> moved = options.movedKeys(event);
    if (moved.isEmpty()) {
      return;
    }
    String id = event.aggregate().aggregate().id();
    String leaving = options.keyOf(event.before());
    for (String key : moved) {
      intents.put(key, next(view.get(key), id, key.equals(leaving)));
    }
  }
}
