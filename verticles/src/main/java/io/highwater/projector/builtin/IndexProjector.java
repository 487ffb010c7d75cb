package io.highwater.projector.builtin;

import io.highwater.projector.Intents;
import io.highwater.projector.Projector;
import io.highwater.projector.ProjectorFactory;
import io.highwater.projector.ViewReader;
import io.vertx.core.json.JsonObject;

/**
 * Indexes aggregates of one type by a field of their state: key = the field's value, value =
 * {@code {"ids": [sorted ids], "count": n}}. A key left with no ids keeps its empty value. Per
 * member: an aggregate joining or leaving a key costs the same whatever the key's size.
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
  public boolean perMember() {
    return true;
  }

  @Override
  void move(ViewReader view, Intents intents, String key, String id, boolean leaving) {
    if (leaving) {
      intents.leave(key, id);
    } else {
      intents.join(key, id);
    }
  }
}
