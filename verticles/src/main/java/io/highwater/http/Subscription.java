package io.highwater.http;

import io.highwater.partition.PartitionId;
import io.highwater.watermark.PartitionConsistency;

/** An active await or watch of one WebSocket connection, fed by {@link SubscriptionIndex}. */
interface Subscription {

  String id();

  PartitionId partition();

  /**
   * The partition's consistency as this node knows it. Calls usually come in order, but the first
   * one may be older than a later one (a lookup racing a change), so implementations compare.
   */
  void offer(PartitionConsistency state);

  /** Releases what it holds (timer, pending frames); it sends nothing afterwards. Idempotent. */
  void stop();
}
