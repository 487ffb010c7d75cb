package io.highwater.actualizer;

import io.highwater.projector.ProjectedEvent;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Set;

/**
 * What is told of a projector's exception (in {@code /consistency}, the logs and the skipped
 * events' table): its class and its message, with the text of every sealed value the event's
 * states hold masked, since a projector sees them opened and may put one in its message. The cause
 * chain and stack are left out: their messages are not the projector's. Pure.
 */
public final class ProjectorError {

  static final String MASK = "[sealed]";
  static final int MAX_CHARS = 500;

  private ProjectorError() {}

  public static String describe(RuntimeException thrown, ProjectedEvent event) {
    String message = thrown.getMessage();
    String text = thrown.getClass().getName();
    if (message != null) {
      text += ": " + mask(message, sealedTexts(event));
    }
    return text.length() <= MAX_CHARS ? text : text.substring(0, MAX_CHARS) + "…";
  }

  private static String mask(String message, Set<String> sealed) {
    String masked = message;
    // Longest first, so that a value containing another is masked whole.
    for (String value : sealed.stream().sorted(Comparator.comparingInt(String::length).reversed()).toList()) {
      masked = masked.replace(value, MASK);
    }
    return masked;
  }

  /** The sealed values of the event's states, whole and (for objects and arrays) every scalar in them. */
  private static Set<String> sealedTexts(ProjectedEvent event) {
    Set<String> texts = new HashSet<>();
    for (String field : event.sealed()) {
      for (JsonObject state : new JsonObject[] {event.before(), event.after()}) {
        if (state != null && state.getValue(field) != null) {
          collect(state.getValue(field), texts);
        }
      }
    }
    texts.remove("");
    return texts;
  }

  private static void collect(Object value, Set<String> texts) {
    texts.add(value.toString());
    if (value instanceof JsonObject object) {
      object.forEach(e -> {
        if (e.getValue() != null) {
          collect(e.getValue(), texts);
        }
      });
    } else if (value instanceof JsonArray array) {
      array.forEach(v -> {
        if (v != null) {
          collect(v, texts);
        }
      });
    }
  }
}
