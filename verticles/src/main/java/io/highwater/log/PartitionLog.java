package io.highwater.log;

import io.highwater.partition.Ownership;
import io.vertx.core.Context;
import io.vertx.core.json.JsonObject;

/**
 * What a partition's verticles are deployed with so that their log lines name the partition
 * ({@link PartitionMdc}): the app, partition and epoch of the ownership, and the offset the
 * verticle has reached, which it updates as it goes. The offset is written on the verticle's own
 * context and read when that context logs.
 */
public final class PartitionLog {

  static final String APP = "highwater.log.app";
  static final String PARTITION = "highwater.log.partition";
  static final String EPOCH = "highwater.log.epoch";
  static final String OFFSET = "highwater.log.offset";

  private PartitionLog() {}

  /** The deployment configuration of a verticle of this ownership. */
  public static JsonObject config(Ownership ownership) {
    return new JsonObject()
        .put(APP, ownership.partition().app())
        .put(PARTITION, ownership.partition().partition())
        .put(EPOCH, ownership.epoch());
  }

  /** The offset a partition's verticle reached, for its next log lines. */
  public static void offset(Context context, long offset) {
    if (context != null) {
      context.config().put(OFFSET, offset);
    }
  }
}
