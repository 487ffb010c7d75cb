package io.highwater.coordinator;

import io.highwater.watermark.PartitionConsistency;
/** A wait for a watermark that did not catch up in time; carries what the partition had reached. */
public final class WatermarkTimeoutException extends RuntimeException {

  private final PartitionConsistency latest;

  public WatermarkTimeoutException(PartitionConsistency latest) {
    super("watermark did not reach the requested offset in time", null, false, false);
    this.latest = latest;
  }

  public PartitionConsistency latest() {
    return latest;
  }
}
