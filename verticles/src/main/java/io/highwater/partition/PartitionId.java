package io.highwater.partition;

/** One app partition: the unit of ordering, ownership and consistency tracking. */
public record PartitionId(String app, int partition) {

  /** The key of this partition in cluster-wide maps. */
  public String key() {
    return app + "/" + partition;
  }

  /** The partition named by {@link #key()}. */
  public static PartitionId parse(String key) {
    int slash = key.lastIndexOf('/');
    return new PartitionId(key.substring(0, slash), Integer.parseInt(key.substring(slash + 1)));
  }

  @Override
  public String toString() {
    return key();
  }
}
