package io.highwater.partition;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/** The command processor applied every event up to {@code offset} to a sync view's cache; these keys changed. */
public record ViewApplied(long offset, List<ViewKey> changed) {

  public ViewApplied {
    changed = List.copyOf(changed);
  }

  public JsonObject toJson() {
    JsonArray keys = new JsonArray();
    changed.forEach(k -> keys.add(new JsonArray().add(k.ws()).add(k.key())));
    return new JsonObject().put("offset", offset).put("changed", keys);
  }

  public static ViewApplied fromJson(JsonObject json) {
    List<ViewKey> keys = new ArrayList<>();
    json.getJsonArray("changed").forEach(o -> keys.add(new ViewKey(((JsonArray) o).getString(0), ((JsonArray) o).getString(1))));
    return new ViewApplied(json.getLong("offset"), keys);
  }
}
