package io.highwater.config;

import io.vertx.core.json.JsonObject;

/**
 * A view of an app: the projector kind that keeps it, whether it is applied synchronously by the
 * command processor ({@code sync}) or by its own actualizer following the log ({@code async}), and
 * the projector's options.
 */
public record ViewConfig(String name, String projector, boolean sync, JsonObject options) {

  public static ViewConfig fromJson(String app, String name, JsonObject json) {
    String where = "apps." + app + ".views." + name;
    if (!name.matches("[a-z][a-z0-9_]{0,62}")) {
      throw new IllegalArgumentException(where + ": a view name matches [a-z][a-z0-9_]{0,62}");
    }
    String mode = json.getString("mode", "async");
    if (!mode.equals("sync") && !mode.equals("async")) {
      throw new IllegalArgumentException(where + ".mode: expected sync or async, got " + mode);
    }
    String projector = json.getString("projector");
    if (projector == null) {
      throw new IllegalArgumentException(where + ".projector: required");
    }
    return new ViewConfig(name, projector, mode.equals("sync"), json.getJsonObject("options", new JsonObject()));
  }

  public JsonObject toJson() {
    return new JsonObject().put("projector", projector).put("mode", sync ? "sync" : "async").put("options", options.copy());
  }

  /** The name the consistency coordinator tracks it under. */
  public String entity() {
    return "view:" + name;
  }
}
