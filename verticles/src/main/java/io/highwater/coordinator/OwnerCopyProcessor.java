package io.highwater.coordinator;

import io.highwater.watermark.PartitionConsistency;
import com.hazelcast.map.EntryProcessor;
import java.util.Map;

/**
 * Writes an owner's copy of its partition's consistency into the cluster map, on the member that
 * holds the entry, merged with what it holds ({@link PartitionConsistency#merge}): copies arriving
 * late or from a deposed owner lower nothing.
 */
final class OwnerCopyProcessor implements EntryProcessor<String, PartitionConsistency, PartitionConsistency> {

  private static final long serialVersionUID = 1L;

  private final PartitionConsistency copy;

  OwnerCopyProcessor(PartitionConsistency copy) {
    this.copy = copy;
  }

  PartitionConsistency copy() {
    return copy;
  }

  @Override
  public PartitionConsistency process(Map.Entry<String, PartitionConsistency> entry) {
    PartitionConsistency current = entry.getValue();
    PartitionConsistency next = current == null ? copy : current.merge(copy);
    if (!next.equals(current)) {
      entry.setValue(next);
    }
    return next;
  }
}
