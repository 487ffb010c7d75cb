package io.highwater.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.highwater.config.ConfigLoader;
import io.highwater.config.HighwaterConfig;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the master key comes from, and that a pod in Kubernetes never makes one of its own. */
class MasterKeyTest {

  private static final String CONF_DIR = new File(System.getProperty("highwater.conf.dir", "../conf")).getAbsolutePath();
  private static final String KEY = Base64.getEncoder().encodeToString(DataKey.generate().raw());

  @TempDir
  Path dataDir;

  private static HighwaterConfig.Keys loaded(Map<String, String> env) {
    return ConfigLoader.load(env).keys();
  }

  @Test
  void theKeyIdTellsKeysApartAndRevealsNothingOfThem() {
    byte[] raw = DataKey.generate().raw();
    String id = MasterKey.of(raw).keyId();
    assertThat(id).hasSize(16).isEqualTo(MasterKey.of(raw.clone()).keyId());
    assertThat(MasterKey.of(DataKey.generate().raw()).keyId()).isNotEqualTo(id);
    assertThat(id).doesNotContain(Base64.getEncoder().encodeToString(raw).substring(0, 8));
  }

  @Test
  void outsideKubernetesAKeyIsGeneratedOnceAndKept() {
    HighwaterConfig.Keys keys = loaded(Map.of("HIGHWATER_CONF_DIR", CONF_DIR));
    assertThat(keys.mustBeGiven()).isFalse();
    MasterKey first = MasterKey.load(keys, dataDir);
    assertThat(dataDir.resolve("master.key")).exists();
    assertThat(MasterKey.load(keys, dataDir).hash("test", "v")).isEqualTo(first.hash("test", "v"));
  }

  @Test
  void aPodInKubernetesRefusesToStartWithoutAKeyAndWritesNone() {
    HighwaterConfig.Keys keys = loaded(Map.of("HIGHWATER_CONF_DIR", CONF_DIR, "KUBERNETES_SERVICE_HOST", "10.96.0.1"));
    assertThat(keys.mustBeGiven()).isTrue();
    assertThatThrownBy(() -> MasterKey.load(keys, dataDir))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("HIGHWATER_MASTER_KEY")
        .hasMessageContaining("Kubernetes");
    assertThat(dataDir.resolve("master.key")).doesNotExist();
  }

  @Test
  void kubernetesDiscoveryAloneMeansKubernetes() {
    assertThat(loaded(Map.of("HIGHWATER_CONF_DIR", CONF_DIR, "HIGHWATER_CLUSTER_DISCOVERY", "kubernetes")).mustBeGiven()).isTrue();
  }

  @Test
  void aKeyGeneratedEarlierUnderTheDataDirectoryIsNotTakenInKubernetes() {
    MasterKey.load(loaded(Map.of("HIGHWATER_CONF_DIR", CONF_DIR)), dataDir);
    HighwaterConfig.Keys keys = loaded(Map.of("HIGHWATER_CONF_DIR", CONF_DIR, "KUBERNETES_SERVICE_HOST", "10.96.0.1"));
    assertThatThrownBy(() -> MasterKey.load(keys, dataDir)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void everyPodGivenTheSameKeyHashesAlike() throws Exception {
    HighwaterConfig.Keys inline = loaded(Map.of("HIGHWATER_CONF_DIR", CONF_DIR, "KUBERNETES_SERVICE_HOST", "10.96.0.1",
        "HIGHWATER_MASTER_KEY", KEY));
    Path file = Files.writeString(dataDir.resolve("mounted.key"), KEY + "\n", StandardCharsets.US_ASCII);
    HighwaterConfig.Keys mounted = new HighwaterConfig.Keys(Optional.empty(), Optional.of(file.toString()), true);
    assertThat(MasterKey.load(mounted, dataDir.resolve("elsewhere")).hash("test", "v"))
        .isEqualTo(MasterKey.load(inline, dataDir).hash("test", "v"));
    assertThat(dataDir.resolve("master.key")).doesNotExist();
  }
}
