package io.highwater.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

/** A workspace's partition: CRC32 of its UTF-8 bytes modulo the partition count (API.md, "Names"). */
class PartitionerTest {

  private static long crc32(byte[] bytes) {
    CRC32 crc = new CRC32();
    crc.update(bytes);
    return crc.getValue();
  }

  private static int expected(String ws, int partitions) {
    return (int) (crc32(ws.getBytes(StandardCharsets.UTF_8)) % partitions);
  }

  @Test
  void knownCrc32Values() {
    // "123456789" is CRC-32's check value, 0xCBF43926
    assertThat(Partitioner.partitionOf("123456789", 4)).isEqualTo((int) (0xCBF43926L % 4)).isEqualTo(2);
    assertThat(Partitioner.partitionOf("123456789", 7)).isEqualTo(5);
    assertThat(Partitioner.partitionOf("123456789", 16)).isEqualTo(6);
    // CRC32("a") = 0xE8B7BE43 has its top bit set: no negative partitions from an int cast
    assertThat(Partitioner.partitionOf("a", 4)).isEqualTo(3);
    assertThat(Partitioner.partitionOf("a", 7)).isEqualTo(4);
    // CRC32("shop-1") = 0xD3763790
    assertThat(Partitioner.partitionOf("shop-1", 4)).isEqualTo(0);
    assertThat(Partitioner.partitionOf("shop-1", 7)).isEqualTo(6);
  }

  @Test
  void hashesTheUtf8Bytes() {
    // UTF-8 and ISO-8859-1 hashes differ for these, and so do their partitions at these counts
    assertThat(crc32("Zürich".getBytes(StandardCharsets.UTF_8))).isEqualTo(0xD30BA93EL);
    assertThat(Partitioner.partitionOf("Zürich", 16)).isEqualTo(14);
    assertThat(Partitioner.partitionOf("Zürich", 7)).isEqualTo(5);
    assertThat(crc32("日本語".getBytes(StandardCharsets.UTF_8))).isEqualTo(0xA80B52E5L);
    assertThat(Partitioner.partitionOf("日本語", 16)).isEqualTo(5);
    assertThat(Partitioner.partitionOf("日本語", 4)).isEqualTo(1);
  }

  @Test
  void matchesJavaUtilZipCrc32ForManyNames() {
    List<String> names = List.of("shop-1", "shop-2", "bookstore", "A", "Z.z_9-", "x".repeat(128), "émile", "😀", "Ωmega");
    for (String name : names) {
      for (int partitions = 1; partitions <= 64; partitions++) {
        assertThat(Partitioner.partitionOf(name, partitions)).as("%s / %d", name, partitions)
            .isEqualTo(expected(name, partitions));
      }
    }
  }

  @Test
  void stableAndWithinRange() {
    Random random = new Random(42);
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-";
    for (int i = 0; i < 2000; i++) {
      StringBuilder ws = new StringBuilder();
      int length = 1 + random.nextInt(128);
      for (int k = 0; k < length; k++) {
        ws.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      int partitions = 1 + random.nextInt(1024);
      int p = Partitioner.partitionOf(ws.toString(), partitions);
      assertThat(p).isBetween(0, partitions - 1);
      assertThat(Partitioner.partitionOf(new String(ws), partitions)).isEqualTo(p);
      assertThat(p).isEqualTo(expected(ws.toString(), partitions));
    }
  }

  @Test
  void onePartitionTakesEverything() {
    assertThat(Partitioner.partitionOf("anything", 1)).isZero();
    assertThat(Partitioner.partitionOf("a", 1)).isZero();
  }
}
