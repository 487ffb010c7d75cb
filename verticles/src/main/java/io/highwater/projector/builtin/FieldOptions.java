package io.highwater.projector.builtin;

import io.highwater.projector.ProjectedEvent;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashSet;
import java.util.Set;

/** The options of the generic projectors: which aggregate type, and which field of its state. */
record FieldOptions(String type, String field) {

  static FieldOptions from(String view, JsonObject options) {
    String type = options.getString("type");
    String field = options.getString("field");
    if (type == null || field == null) {
      throw new IllegalArgumentException("view " + view + ": options need \"type\" and \"field\"");
    }
    return new FieldOptions(type, field);
  }

  /** The view key this state belongs under: the field's value as text, or null if it has none. */
  String keyOf(JsonObject state) {
    if (state == null) {
      return null;
    }
    Object value = state.getValue(field);
    return value == null ? null : value.toString();
  }

  /** The keys an action moves its aggregate out of and into, when its field changed. */
  Set<String> movedKeys(ProjectedEvent event) {
    Set<String> keys = new LinkedHashSet<>();
    if (concerns(event)) {
      String before = keyOf(event.before());
      String after = keyOf(event.after());
      if (before != null && !before.equals(after)) {
        keys.add(before);
      }
      if (after != null && !after.equals(before)) {
        keys.add(after);
      }
    }
    return keys;
  }

  boolean concerns(ProjectedEvent event) {
    return event.isAction() && event.aggregate().aggregate().type().equals(type);
  }
}
