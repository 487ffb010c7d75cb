package io.highwater.cluster;

import io.highwater.partition.PartitionId;
/** Event-bus addresses, one family per role, each per app partition. */
public final class Addresses {

  private Addresses() {}

  /** The command processor that appends to the partition's log. */
  public static String commandProcessor(PartitionId id) {
    return "highwater.cp." + id.key();
  }

  /** The consistency coordinator that takes the partition's reports. */
  public static String coordinator(PartitionId id) {
    return "highwater.coordinator." + id.key();
  }

  /** The partition's owner answers questions about its consistency here, for any node. */
  public static String consistency(PartitionId id) {
    return "highwater.consistency." + id.key();
  }

  /** Published by the coordinator whenever a watermark of the partition moves. */
  public static String watermarks(PartitionId id) {
    return "highwater.watermarks." + id.key();
  }

  /** The command processor tells the records actualizer which records it changed (local only). */
  public static String recordsApplied(PartitionId id) {
    return "highwater.records.applied." + id.key();
  }

  /** The command processor tells a sync view's actualizer which keys it changed (local only). */
  /** Local: each group the command processor applied, as projectors see it (to the async view actualizers). */
  public static String groupProjected(PartitionId id) {
    return "highwater.group.projected." + id.key();
  }

  public static String viewApplied(PartitionId id, String view) {
    return "highwater.view.applied." + view + "." + id.key();
  }

  /** Asks the view's actualizer of the partition to rebuild it beside the live copy. */
  public static String viewRebuild(PartitionId id, String view) {
    return "highwater.view.rebuild." + view + "." + id.key();
  }

  /** The command processor tells a sync view's actualizer that its projector threw (local only). */
  public static String viewFailed(PartitionId id, String view) {
    return "highwater.view.failed." + view + "." + id.key();
  }

  /** An operator's resume or skip of a failed view, to the view's actualizer on the partition's owner. */
  public static String viewRepair(PartitionId id, String view) {
    return "highwater.view.repair." + view + "." + id.key();
  }

  /** Asks the command processor to hold its appends (between two groups) or to resume them. */
  public static String commandProcessorHold(PartitionId id) {
    return "highwater.cp.hold." + id.key();
  }

  /** Serves the partition's cache-level reads on its owner, for any node. */
  public static String cacheReads(PartitionId id) {
    return "highwater.reads." + id.key();
  }

  /** A verticle whose write was refused by the fence tells this node's ownership which one ended (local only). */
  public static String deposed() {
    return "highwater.partition.deposed";
  }

  /** Published to every node when an effect destroys a data key, so none keeps it in memory. */
  public static String keysExpired() {
    return "highwater.keys.expired";
  }

  /** Published by a node that is about to leave the cluster gracefully, with its member id. */
  public static String leaving() {
    return "highwater.node.leaving";
  }

  /** Published to every node when an app's definition was stored under a new version ({@code {"app", "version"}}). */
  public static String appsChanged() {
    return "highwater.apps.changed";
  }

  /** Local: this node now runs a new version of the app named in the body. */
  public static String appApplied() {
    return "highwater.apps.applied";
  }
}
