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
      out.writeInt(state.entities().size());
      for (Map.Entry<String, Watermark> e : state.entities().entrySet()) {
        out.writeString(e.getKey());
        out.writeLong(e.getValue().cache());
        out.writeLong(e.getValue().storage());
      }
      writeStrings(out, state.status());
    }

    @Override
    public PartitionConsistency read(ObjectDataInput in) throws IOException {
      long cpOffset = in.readLong();
      long epoch = in.readLong();
      int n = in.readInt();
      Map<String, Watermark> entities = new HashMap<>(n * 2);
      for (int i = 0; i < n; i++) {
        entities.put(in.readString(), new Watermark(in.readLong(), in.readLong()));
      }
      return new PartitionConsistency(cpOffset, entities, readStrings(in), epoch);
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
    writeLongs(out, report.cache());
    writeLongs(out, report.storage());
    writeStrings(out, report.status());
  }

  private static Advance readAdvance(ObjectDataInput in) throws IOException {
    long cpOffset = in.readLong();
    long epoch = in.readLong();
    Map<String, Long> cache = readLongs(in);
    Map<String, Long> storage = readLongs(in);
    return new Advance(cpOffset, cache, storage, readStrings(in), epoch);
  }

  private static void writeLongs(ObjectDataOutput out, Map<String, Long> values) throws IOException {
    out.writeInt(values.size());
    for (Map.Entry<String, Long> e : values.entrySet()) {
      out.writeString(e.getKey());
      out.writeLong(e.getValue());
    }
  }

  private static Map<String, Long> readLongs(ObjectDataInput in) throws IOException {
    int n = in.readInt();
    Map<String, Long> values = new HashMap<>(n * 2);
    for (int i = 0; i < n; i++) {
      values.put(in.readString(), in.readLong());
    }
    return values;
  }

  private static void writeStrings(ObjectDataOutput out, Map<String, String> values) throws IOException {
    out.writeInt(values.size());
    for (Map.Entry<String, String> e : values.entrySet()) {
      out.writeString(e.getKey());
      out.writeString(e.getValue());
    }
  }

  private static Map<String, String> readStrings(ObjectDataInput in) throws IOException {
    int n = in.readInt();
    Map<String, String> values = new HashMap<>(n * 2);
    for (int i = 0; i < n; i++) {
      values.put(in.readString(), in.readString());
    }
    return values;
  }
}
