package io.highwater.cluster;

/** One app partition: the unit of ordering, ownership and consistency tracking. */
public record PartitionId(String app, int partition) {

  /** The key of this partition in cluster-wide maps. */
  public String key() {
    return app + "/" + partition;
  }

  @Override
  public String toString() {
    return key();
  }
}
