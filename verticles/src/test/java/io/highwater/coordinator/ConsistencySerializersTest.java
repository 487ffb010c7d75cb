package io.highwater.coordinator;

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

/** The consistency map's values and reports cross a real Hazelcast member through their own serializers, unchanged. */
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

  private static final Advance REPORT = new Advance(43, Map.of("records", 43L), Map.of("view:books_by_author", 41L),
      Map.of("view:fragile", ""), 3);

  @Test
  void values_and_reports_round_trip_through_their_own_serializers() {
    assertRoundTrip(STATE, 1001);
    assertRoundTrip(PartitionConsistency.EMPTY, 1001);
    assertRoundTrip(REPORT, 1002);
    Data processor = serialization.toData(new AdvanceProcessor(REPORT));
    assertThat(processor.getType()).isEqualTo(1003);
    assertThat(((AdvanceProcessor) serialization.toObject(processor)).report()).isEqualTo(REPORT);
  }

  @Test
  void an_advance_applied_on_the_member_answers_the_advanced_state() {
    var map = member.<String, PartitionConsistency>getMap(ConsistencyMap.MAP_NAME);
    map.put("bookstore/0", STATE);
    PartitionConsistency advanced = map.submitToKey("bookstore/0", new AdvanceProcessor(REPORT)).toCompletableFuture().join();
    assertThat(advanced).isEqualTo(STATE.advance(REPORT));
    assertThat(map.get("bookstore/0")).isEqualTo(advanced);
  }

  private static void assertRoundTrip(Object value, int typeId) {
    Data data = serialization.toData(value);
    assertThat(data.getType()).as("serializer of %s", value.getClass().getSimpleName()).isEqualTo(typeId);
    assertThat((Object) serialization.toObject(data)).isEqualTo(value);
  }
}
