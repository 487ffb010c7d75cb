package io.highwater.config;

import io.highwater.cluster.PartitionId;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.stream.IntStream;

/** An application hosted by the server: its name and its fixed partition count. */
public record AppConfig(String name, int partitions) {

  /** Every partition of this app. */
  public List<PartitionId> partitionIds() {
    return IntStream.range(0, partitions).mapToObj(p -> new PartitionId(name, p)).toList();
  }

  /** What the consistency coordinator tracks for each partition of this app. */
  public List<String> entities() {
    return List.of("records");
  }

  public static AppConfig fromJson(String name, JsonObject json) {
    int partitions = json.getInteger("partitions");
    if (partitions < 1) {
      throw new IllegalArgumentException("apps." + name + ".partitions: expected a positive integer");
    }
    return new AppConfig(name, partitions);
  }
}
