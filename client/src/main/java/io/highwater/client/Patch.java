package io.highwater.client;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** An action's change: {@code assoc} sets keys, {@code dissoc} removes them. */
public record Patch(JsonObject assoc, List<String> dissoc) {

  public Patch {
    assoc = assoc == null ? new JsonObject() : assoc.copy();
    dissoc = dissoc == null ? List.of() : List.copyOf(dissoc);
  }

  @Override
  public JsonObject assoc() {
    return assoc.copy();
  }

  public JsonObject toJson() {
    return new JsonObject().put("assoc", assoc.copy()).put("dissoc", new JsonArray(List.copyOf(dissoc)));
  }

  public static Patch fromJson(JsonObject json) {
    return new Patch(json.getJsonObject("assoc"), Wire.strings(json.getJsonArray("dissoc")));
  }
}
