package io.highwater.partition;

import io.highwater.event.Aggregate;
import io.highwater.event.AggregateKey;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * The command processor applied every event up to {@code offset} to the records cache; these
 * records changed. Tells the records actualizer what to flush.
 */
public record RecordsApplied(long offset, List<AggregateKey> changed) {

  public RecordsApplied {
    changed = List.copyOf(changed);
  }

  public JsonObject toJson() {
    JsonArray keys = new JsonArray();
    changed.forEach(k -> keys.add(new JsonArray().add(k.ws()).add(k.aggregate().type()).add(k.aggregate().id())));
    return new JsonObject().put("offset", offset).put("changed", keys);
  }

  public static RecordsApplied fromJson(JsonObject json) {
    List<AggregateKey> keys = new ArrayList<>();
    json.getJsonArray("changed").forEach(o -> {
      JsonArray k = (JsonArray) o;
      keys.add(new AggregateKey(k.getString(0), new Aggregate(k.getString(1), k.getString(2))));
    });
    return new RecordsApplied(json.getLong("offset"), keys);
  }
}
