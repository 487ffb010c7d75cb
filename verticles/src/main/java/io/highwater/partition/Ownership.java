package io.highwater.partition;

import io.vertx.core.json.JsonObject;

/** Who owns a partition, under which epoch. */
public record Ownership(PartitionId partition, String owner, long epoch) {

  public JsonObject toJson() {
    return new JsonObject()
        .put("app", partition.app())
        .put("partition", partition.partition())
        .put("owner", owner)
        .put("epoch", epoch);
  }
}
