package io.highwater.config;

import io.highwater.partition.PartitionId;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.IntStream;

/** An application hosted by the server: its name, its fixed partition count, and its views. */
public record AppConfig(String name, int partitions, Map<String, ViewConfig> views) {

  public AppConfig {
    views = Collections.unmodifiableMap(new LinkedHashMap<>(views));
  }

  /** Every partition of this app. */
  public List<PartitionId> partitionIds() {
    return IntStream.range(0, partitions).mapToObj(p -> new PartitionId(name, p)).toList();
  }

  /** What the consistency coordinator tracks for each partition of this app. */
  public List<String> entities() {
    List<String> entities = new ArrayList<>();
    entities.add("records");
    views.values().forEach(v -> entities.add(v.entity()));
    return entities;
  }

  public Optional<ViewConfig> view(String name) {
    return Optional.ofNullable(views.get(name));
  }

  /** The definition as {@code PUT /v1/apps/{app}} takes it and PostgreSQL stores it, views by name. */
  public JsonObject toJson() {
    JsonObject views = new JsonObject();
    new TreeMap<>(this.views).forEach((name, view) -> views.put(name, view.toJson()));
    return new JsonObject().put("partitions", partitions).put("views", views);
  }

  public static AppConfig fromJson(String name, JsonObject json) {
    int partitions = json.getInteger("partitions");
    if (partitions < 1) {
      throw new IllegalArgumentException("apps." + name + ".partitions: expected a positive integer");
    }
    Map<String, ViewConfig> views = new LinkedHashMap<>();
    json.getJsonObject("views", new JsonObject())
        .forEach(e -> views.put(e.getKey(), ViewConfig.fromJson(name, e.getKey(), (JsonObject) e.getValue())));
    return new AppConfig(name, partitions, views);
  }
}
