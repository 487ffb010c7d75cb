package io.highwater.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.config.Config;
import com.hazelcast.config.MapConfig;
import com.hazelcast.spi.merge.SplitBrainMergePolicy;
import io.highwater.config.ConfigLoader;
import io.highwater.coordinator.ConsistencyMap;
import io.highwater.coordinator.ConsistencyMergePolicy;
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
