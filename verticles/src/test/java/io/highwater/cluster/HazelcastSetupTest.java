package io.highwater.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.config.Config;
import com.hazelcast.config.MapConfig;
import com.hazelcast.spi.merge.SplitBrainMergePolicy;
import io.highwater.config.ConfigLoader;
import io.highwater.coordinator.ConsistencyMap;
import io.highwater.coordinator.ConsistencyMergePolicy;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Hazelcast member built from {@code conf/}: the cluster settings applied, the consistency map's rules in place. */
class HazelcastSetupTest {

  @Test
  void tcpIpMembersNameAndPortComeFromTheConfiguration() {
    Config config = HazelcastSetup.config(ConfigLoader.load(Map.of(
        "HIGHWATER_CLUSTER_NAME", "setup-test",
        "HIGHWATER_CLUSTER_PORT", "5999",
        "HIGHWATER_CLUSTER_MEMBERS", "127.0.0.1:5998, 127.0.0.1:5999")));
    assertThat(config.getClusterName()).isEqualTo("setup-test");
    assertThat(config.getNetworkConfig().getPort()).isEqualTo(5999);
    assertThat(config.getNetworkConfig().getJoin().getTcpIpConfig().isEnabled()).isTrue();
    assertThat(config.getNetworkConfig().getJoin().getTcpIpConfig().getMembers()).containsExactly("127.0.0.1:5998", "127.0.0.1:5999");
    assertThat(config.getNetworkConfig().getJoin().getMulticastConfig().isEnabled()).isFalse();
    assertThat(config.getNetworkConfig().getJoin().getKubernetesConfig().isEnabled()).isFalse();
  }

  @Test
  void theMemberListensOnlyOnTheConfiguredHost() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    HazelcastInstance member = Hazelcast.newHazelcastInstance(HazelcastSetup.config(ConfigLoader.load(Map.of(
        "HIGHWATER_CLUSTER_NAME", "bind-test-" + System.nanoTime(),
        "HIGHWATER_CLUSTER_HOST", "127.0.0.1",
        "HIGHWATER_CLUSTER_PORT", String.valueOf(port)))));
    try {
      assertThat(listeningAddresses(port)).containsExactly("127.0.0.1");
    } finally {
      member.shutdown();
    }
  }

  /** The local addresses of the sockets listening on {@code port}, as ss -ltn would show them. */
  private static List<String> listeningAddresses(int port) throws Exception {
    List<String> addresses = new ArrayList<>();
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      for (String line : Files.readAllLines(Path.of(table)).subList(1, Files.readAllLines(Path.of(table)).size())) {
        String[] fields = line.trim().split("\\s+");
        String[] local = fields[1].split(":");
        boolean listening = fields[3].equals("0A");
        if (listening && Integer.parseInt(local[1], 16) == port) {
          addresses.add(address(local[0]));
        }
      }
    }
    return addresses;
  }

  /** /proc/net/tcp writes an address as hex words in host (little-endian) byte order. */
  private static String address(String hex) throws Exception {
    byte[] bytes = new byte[hex.length() / 2];
    for (int word = 0; word < bytes.length / 4; word++) {
      for (int i = 0; i < 4; i++) {
        bytes[word * 4 + i] = (byte) Integer.parseInt(hex.substring(word * 8 + (3 - i) * 2, word * 8 + (3 - i) * 2 + 2), 16);
      }
    }
    return InetAddress.getByAddress(bytes).getHostAddress();
  }

  @Test
  void kubernetesDiscoveryUsesTheHeadlessService() {
    Config config = HazelcastSetup.config(ConfigLoader.load(Map.of(
        "HIGHWATER_CLUSTER_DISCOVERY", "kubernetes",
        "HIGHWATER_CLUSTER_KUBERNETES_SERVICE", "highwater-cluster.prod.svc.cluster.local")));
    assertThat(config.getNetworkConfig().getJoin().getTcpIpConfig().isEnabled()).isFalse();
    assertThat(config.getNetworkConfig().getJoin().getKubernetesConfig().isEnabled()).isTrue();
    assertThat(config.getNetworkConfig().getJoin().getKubernetesConfig().getProperty("service-dns"))
        .isEqualTo("highwater-cluster.prod.svc.cluster.local");
  }

  @Test
  void theConsistencyMapMergesSplitBrainsWithItsOwnPolicy() throws Exception {
    Config config = HazelcastSetup.config(ConfigLoader.load(Map.of()));
    MapConfig map = config.getMapConfig(ConsistencyMap.MAP_NAME);
    assertThat(map.getMergePolicyConfig().getPolicy()).isEqualTo(ConsistencyMergePolicy.class.getName());
    assertThat(SplitBrainMergePolicy.class.isAssignableFrom(Class.forName(map.getMergePolicyConfig().getPolicy()))).isTrue();
    assertThat(map.getBackupCount()).isEqualTo(1);
  }
}
