package io.highwater.projector.builtin;

import io.highwater.projector.Intents;
import io.highwater.projector.ProjectedEvent;
import io.highwater.projector.Projector;
import io.highwater.projector.ViewReader;
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

  /** Emits what the aggregate {@code id} joining the key, or leaving it when {@code leaving}, does to its value. */
  abstract void move(ViewReader view, Intents intents, String key, String id, boolean leaving);

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
      move(view, intents, key, id, key.equals(leaving));
    }
  }
}
