package io.highwater.apps;

import static org.assertj.core.api.Assertions.assertThat;

import io.highwater.partition.PartitionId;
import io.highwater.config.AppConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A node's apps: only a newer version replaces one, and the partitions follow. */
class AppRegistryTest {

  @Test
  void onlyANewerVersionIsTaken() {
    AppRegistry registry = new AppRegistry();
    assertThat(registry.offer(new DeployedApp(new AppConfig("b", 2, Map.of()), 1))).isTrue();
    assertThat(registry.offer(new DeployedApp(new AppConfig("a", 1, Map.of()), 3))).isTrue();
    assertThat(registry.offer(new DeployedApp(new AppConfig("b", 5, Map.of()), 1))).isFalse();
    assertThat(registry.partitions()).containsExactly(new PartitionId("a", 0), new PartitionId("b", 0), new PartitionId("b", 1));
    assertThat(registry.offer(new DeployedApp(new AppConfig("b", 1, Map.of()), 2))).isTrue();
    assertThat(registry.deployed("b").orElseThrow().version()).isEqualTo(2);
    assertThat(registry.partitions()).containsExactly(new PartitionId("a", 0), new PartitionId("b", 0));
    assertThat(registry.app("c")).isEmpty();
  }
}
