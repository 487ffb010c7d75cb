package io.highwater.coordinator;

import io.highwater.watermark.PartitionConsistency;
import io.highwater.watermark.Watermark;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.StreamSerializer;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * How the consistency map's values and the owners' copies cross Hazelcast: field by field, where Java
 * serialization spent several percent of the server's CPU on every group (class descriptors, reflection).
 * Registered in {@code conf/hazelcast.xml}; every member of a cluster must run the same ones.
 */
public final class ConsistencySerializers {

  private static final int PARTITION_CONSISTENCY = 1001;
  // 1002 and 1003 were a report and its entry processor, before owners answered for their watermarks.
  private static final int OWNER_COPY_PROCESSOR = 1004;

  private ConsistencySerializers() {}

  /** {@link PartitionConsistency}: the map's values and the owners' copies. */
  public static final class OfPartitionConsistency implements StreamSerializer<PartitionConsistency> {
    @Override
    public int getTypeId() {
      return PARTITION_CONSISTENCY;
    }

    @Override
    public void write(ObjectDataOutput out, PartitionConsistency state) throws IOException {
      out.writeLong(state.cpOffset());
      out.writeLong(state.epoch());
      writeMap(out, state.entities(), WATERMARKS);
      writeMap(out, state.status(), STRINGS);
    }

    @Override
    public PartitionConsistency read(ObjectDataInput in) throws IOException {
      long cpOffset = in.readLong();
      long epoch = in.readLong();
      Map<String, Watermark> entities = readMap(in, WATERMARKS);
      return new PartitionConsistency(cpOffset, entities, readMap(in, STRINGS), epoch);
    }
  }

  /** {@link OwnerCopyProcessor}: an owner's copy on its way to the member that holds the partition's entry. */
  public static final class OfOwnerCopyProcessor implements StreamSerializer<OwnerCopyProcessor> {
    private final OfPartitionConsistency values = new OfPartitionConsistency();

    @Override
    public int getTypeId() {
      return OWNER_COPY_PROCESSOR;
    }

    @Override
    public void write(ObjectDataOutput out, OwnerCopyProcessor processor) throws IOException {
      values.write(out, processor.copy());
    }

    @Override
    public OwnerCopyProcessor read(ObjectDataInput in) throws IOException {
      return new OwnerCopyProcessor(values.read(in));
    }
  }

  /** How one value of a map is written and read. */
  private interface ValueIo<V> {
    void write(ObjectDataOutput out, V value) throws IOException;

    V read(ObjectDataInput in) throws IOException;
  }

  private static final ValueIo<String> STRINGS = new ValueIo<>() {
    @Override
    public void write(ObjectDataOutput out, String value) throws IOException {
      out.writeString(value);
    }

    @Override
    public String read(ObjectDataInput in) throws IOException {
      return in.readString();
    }
  };

  private static final ValueIo<Watermark> WATERMARKS = new ValueIo<>() {
    @Override
    public void write(ObjectDataOutput out, Watermark value) throws IOException {
      out.writeLong(value.cache());
      out.writeLong(value.storage());
    }

    @Override
    public Watermark read(ObjectDataInput in) throws IOException {
      return new Watermark(in.readLong(), in.readLong());
    }
  };

  private static <V> void writeMap(ObjectDataOutput out, Map<String, V> values, ValueIo<V> io) throws IOException {
    out.writeInt(values.size());
    for (Map.Entry<String, V> e : values.entrySet()) {
      out.writeString(e.getKey());
      io.write(out, e.getValue());
    }
  }

  private static <V> Map<String, V> readMap(ObjectDataInput in, ValueIo<V> io) throws IOException {
    int n = in.readInt();
    Map<String, V> values = new HashMap<>(n * 2);
    for (int i = 0; i < n; i++) {
      values.put(in.readString(), io.read(in));
    }
    return values;
  }
}
