package io.highwater.coordinator;

import io.highwater.watermark.PartitionConsistency;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.spi.merge.MergingValue;
import com.hazelcast.spi.merge.SplitBrainMergePolicy;

/**
 * How the consistency map heals after a split-brain: each entry becomes the merge of the two sides'
 * entries ({@link PartitionConsistency#merge}: the newer epoch, else the larger of every offset), so
 * no watermark goes backwards and none is claimed that either side did not reach. Configured for the
 * map in {@code conf/hazelcast.xml}.
 */
public final class ConsistencyMergePolicy
    implements SplitBrainMergePolicy<PartitionConsistency, MergingValue<PartitionConsistency>, Object> {

  @Override
  public Object merge(MergingValue<PartitionConsistency> merging, MergingValue<PartitionConsistency> existing) {
    PartitionConsistency incoming = merging.getValue();
    if (existing == null || existing.getValue() == null) {
      return incoming;
    }
    return existing.getValue().merge(incoming);
  }

  @Override
  public void writeData(ObjectDataOutput out) {
    // stateless
  }

  @Override
  public void readData(ObjectDataInput in) {
    // stateless
  }
}
