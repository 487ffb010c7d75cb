package io.highwater.coordinator;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.StreamSerializer;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * How the consistency map's values and reports cross Hazelcast: field by field, where Java
 * serialization spent several percent of the server's CPU on every group (class descriptors, reflection).
 * Registered in {@code conf/hazelcast.xml}; every member of a cluster must run the same ones.
 */
public final class ConsistencySerializers {

  private static final int PARTITION_CONSISTENCY = 1001;
  private static final int ADVANCE = 1002;
  private static final int ADVANCE_PROCESSOR = 1003;

  private ConsistencySerializers() {}

  /** {@link PartitionConsistency}: the map's values, and each advance's answer. */
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

  /** {@link Advance}: a report. */
  public static final class OfAdvance implements StreamSerializer<Advance> {
    @Override
    public int getTypeId() {
      return ADVANCE;
    }

    @Override
    public void write(ObjectDataOutput out, Advance report) throws IOException {
      writeAdvance(out, report);
    }

    @Override
    public Advance read(ObjectDataInput in) throws IOException {
      return readAdvance(in);
    }
  }

  /** {@link AdvanceProcessor}: a report on its way to the member that owns the partition's entry. */
  public static final class OfAdvanceProcessor implements StreamSerializer<AdvanceProcessor> {
    @Override
    public int getTypeId() {
      return ADVANCE_PROCESSOR;
    }

    @Override
    public void write(ObjectDataOutput out, AdvanceProcessor processor) throws IOException {
      writeAdvance(out, processor.report());
    }

    @Override
    public AdvanceProcessor read(ObjectDataInput in) throws IOException {
      return new AdvanceProcessor(readAdvance(in));
    }
  }

  private static void writeAdvance(ObjectDataOutput out, Advance report) throws IOException {
    out.writeLong(report.cpOffset());
    out.writeLong(report.epoch());
    writeMap(out, report.cache(), LONGS);
    writeMap(out, report.storage(), LONGS);
    writeMap(out, report.status(), STRINGS);
  }

  private static Advance readAdvance(ObjectDataInput in) throws IOException {
    long cpOffset = in.readLong();
    long epoch = in.readLong();
    Map<String, Long> cache = readMap(in, LONGS);
    Map<String, Long> storage = readMap(in, LONGS);
    return new Advance(cpOffset, cache, storage, readMap(in, STRINGS), epoch);
  }

  /** How one value of a map is written and read. */
  private interface ValueIo<V> {
    void write(ObjectDataOutput out, V value) throws IOException;

    V read(ObjectDataInput in) throws IOException;
  }

  private static final ValueIo<Long> LONGS = new ValueIo<>() {
    @Override
    public void write(ObjectDataOutput out, Long value) throws IOException {
      out.writeLong(value);
    }

    @Override
    public Long read(ObjectDataInput in) throws IOException {
      return in.readLong();
    }
  };

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
