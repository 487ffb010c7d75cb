package io.highwater.coordinator;

import com.hazelcast.map.EntryProcessor;
import java.util.Map;

/**
 * Applies a report to a partition's entry on the member that owns the key, atomically: no
 * read-then-write race between reporters, and no offset ever moves backwards.
 */
final class AdvanceProcessor implements EntryProcessor<String, PartitionConsistency, PartitionConsistency> {

  private static final long serialVersionUID = 1L;

  private final Advance report;

  AdvanceProcessor(Advance report) {
    this.report = report;
  }

  Advance report() {
    return report;
  }

  @Override
  public PartitionConsistency process(Map.Entry<String, PartitionConsistency> entry) {
    PartitionConsistency current = entry.getValue() == null ? PartitionConsistency.EMPTY : entry.getValue();
    PartitionConsistency next = current.advance(report);
    if (!next.equals(current)) {
      entry.setValue(next);
    }
    return next;
  }
}
