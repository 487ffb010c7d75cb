package io.highwater.cluster;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/** Places a workspace in a partition: CRC32 of its UTF-8 bytes modulo the count, on every node alike. */
public final class Partitioner {

  private Partitioner() {}

  public static int partitionOf(String ws, int partitions) {
    CRC32 crc = new CRC32();
    crc.update(ws.getBytes(StandardCharsets.UTF_8));
    return (int) (crc.getValue() % partitions);
  }
}
