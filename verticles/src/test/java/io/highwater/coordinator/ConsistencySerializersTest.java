package io.highwater.coordinator;

import io.highwater.watermark.PartitionConsistency;
import io.highwater.watermark.Watermark;
import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.internal.serialization.Data;
import com.hazelcast.internal.serialization.SerializationService;
import com.hazelcast.spi.impl.SerializationServiceSupport;
import io.highwater.cluster.HazelcastSetup;
import io.highwater.config.ConfigLoader;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The consistency map's values and the owners' copies cross a real Hazelcast member through their own serializers, unchanged. */
class ConsistencySerializersTest {

  private static HazelcastInstance member;
  private static SerializationService serialization;

  @BeforeAll
  static void start() throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    member = Hazelcast.newHazelcastInstance(HazelcastSetup.config(ConfigLoader.load(Map.of(
        "HIGHWATER_CLUSTER_NAME", "serializers-" + System.nanoTime(),
        "HIGHWATER_CLUSTER_PORT", String.valueOf(port)))));
    serialization = ((SerializationServiceSupport) member).getSerializationService();
  }

  @AfterAll
  static void stop() {
    member.shutdown();
  }

  private static final PartitionConsistency STATE = new PartitionConsistency(42,
      Map.of("records", new Watermark(42, 40), "view:books_by_author", new Watermark(41, 0)),
      Map.of("view:fragile", "{\"status\":\"failed\",\"offset\":7}"), 3);

  /** A later copy of the same owner: one offset further, the failure note cleared. */
  private static final PartitionConsistency LATER = new PartitionConsistency(43,
      Map.of("records", new Watermark(43, 40), "view:books_by_author", new Watermark(41, 0)), Map.of(), 3);

  @Test
  void values_and_owner_copies_round_trip_through_their_own_serializers() {
    assertRoundTrip(STATE, 1001);
    assertRoundTrip(PartitionConsistency.EMPTY, 1001);
    Data processor = serialization.toData(new OwnerCopyProcessor(LATER));
    assertThat(processor.getType()).isEqualTo(1004);
    assertThat(((OwnerCopyProcessor) serialization.toObject(processor)).copy()).isEqualTo(LATER);
  }

  @Test
  void an_owner_copy_merged_on_the_member_answers_the_merged_entry_and_a_stale_one_lowers_nothing() {
    var map = member.<String, PartitionConsistency>getMap(ConsistencyMap.MAP_NAME);
    map.put("bookstore/0", STATE);
    PartitionConsistency merged = map.submitToKey("bookstore/0", new OwnerCopyProcessor(LATER)).toCompletableFuture().join();
    assertThat(merged).isEqualTo(STATE.merge(LATER));
    assertThat(merged.cpOffset()).isEqualTo(43);
    assertThat(merged.status()).isEmpty();
    assertThat(map.get("bookstore/0")).isEqualTo(merged);

    PartitionConsistency stale = map.submitToKey("bookstore/0", new OwnerCopyProcessor(STATE)).toCompletableFuture().join();
    assertThat(stale.cpOffset()).isEqualTo(43);
    assertThat(stale.entity("records")).isEqualTo(new Watermark(43, 40));

    PartitionConsistency fresh = map.submitToKey("bookstore/1", new OwnerCopyProcessor(LATER)).toCompletableFuture().join();
    assertThat(fresh).isEqualTo(LATER);
  }

  private static void assertRoundTrip(Object value, int typeId) {
    Data data = serialization.toData(value);
    assertThat(data.getType()).as("serializer of %s", value.getClass().getSimpleName()).isEqualTo(typeId);
    assertThat((Object) serialization.toObject(data)).isEqualTo(value);
  }
}
