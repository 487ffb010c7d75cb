package io.highwater.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hazelcast.config.JoinConfig;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.highwater.cluster.HazelcastSetup;
import io.highwater.config.ConfigLoader;
import io.highwater.config.HighwaterConfig;
import io.highwater.auth.AuthKey;
import io.highwater.auth.AuthKeys;
import io.highwater.keys.MasterKey;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code k8s/}: every overlay renders with {@code kubectl kustomize} and no flag, reads back as
 * typed Kubernetes objects with no unknown field, wires its selectors, ports, ConfigMap and Secrets
 * together, and gives the server's pods an environment on which the real configuration loader
 * chooses Kubernetes discovery. Skipped, saying why, where kubectl (with kustomize 4 or later) is
 * not installed; {@code .ci/run} installs it where it can.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KubernetesManifestsTest {

  private static final Path ROOT = new File(System.getProperty(ConfigLoader.CONF_DIR_PROPERTY, "../conf")).getAbsoluteFile().toPath()
      .normalize().getParent();
  private static final String SERVER = "highwater";
  private static final PodEnvironment.Pod POD = new PodEnvironment.Pod("highwater-1", "shop", "10.244.3.17");
  /** What overlays/prod expects to exist before it is applied (README, Kubernetes), as the README's commands would make them. */
  private static final Map<String, String> OUT_OF_BAND = Map.of(
      "highwater-postgres/HIGHWATER_PG_URL", "postgresql://highwater:s3cret@pg.internal:5432/highwater",
      "highwater-master-key/HIGHWATER_MASTER_KEY", Base64.getEncoder().encodeToString(randomKey()),
      "highwater-auth/HIGHWATER_AUTH_HS256_SECRET", Base64.getEncoder().encodeToString(randomKey()));

  /** As {@code head -c 32 /dev/urandom | base64} makes it. */
  private static byte[] randomKey() {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    return key;
  }

  private final Map<String, RenderedManifests> renders = new HashMap<>();

  @TempDir
  Path tmp;

  static Stream<String> overlays() throws IOException {
    try (Stream<Path> dirs = Files.list(ROOT.resolve("k8s/overlays"))) {
      return dirs.filter(Files::isDirectory).map(d -> d.getFileName().toString()).sorted().toList().stream();
    }
  }

  /** Why the overlays cannot be rendered here, if they cannot. */
  private Optional<String> skipped;

  @BeforeAll
  void findKubectl() {
    skipped = RenderedManifests.kubectlMissing().map(why -> "Kubernetes manifests not rendered: " + why
        + "; install kubectl 1.21 or later to check k8s/ (.ci/run installs it where an apt source has it)");
    // Surefire's summary only counts skipped tests: say why once where the build's output shows it.
    skipped.ifPresent(why -> System.out.println("[k8s] KubernetesManifestsTest skipped: " + why));
  }

  private RenderedManifests rendered(String overlay) {
    Assumptions.assumeTrue(skipped.isEmpty(), skipped::orElseThrow);
    return renders.computeIfAbsent(overlay, o -> RenderedManifests.render(ROOT.resolve("k8s/overlays").resolve(o)));
  }

  private static StatefulSet server(RenderedManifests m) {
    return m.get(StatefulSet.class, SERVER);
  }

  private static Container serverContainer(RenderedManifests m) {
    return server(m).getSpec().getTemplate().getSpec().getContainers().stream().filter(c -> SERVER.equals(c.getName())).findFirst()
        .orElseThrow(() -> new AssertionError(m.source() + ": no container named " + SERVER));
  }

  // -----------------------------------------------------------------------------------------------

  @Test
  void readingRefusesAFieldTheModelDoesNotKnowAtAnyDepth() {
    String yaml = """
        apiVersion: apps/v1
        kind: StatefulSet
        metadata: {name: x}
        spec:
          selector: {matchLabels: {a: b}}
          template:
            metadata: {labels: {a: b}}
            spec:
              containers:
                - name: c
                  image: i
                  readinessProbe:
                    httpGet: {path: /health/ready, port: http, pathh: /typo}
        """;
    assertThatThrownBy(() -> RenderedManifests.parse("typo", yaml)).hasMessageContaining("pathh");
    assertThat(RenderedManifests.parse("fixed", yaml.replace(", pathh: /typo", "")).objects()).hasSize(1);
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void rendersWithNoFlagAsTypedObjects(String overlay) {
    RenderedManifests m = rendered(overlay);
    assertThat(m.all(StatefulSet.class)).extracting(s -> s.getMetadata().getName()).contains(SERVER);
    assertThat(m.all(Service.class)).extracting(s -> s.getMetadata().getName()).contains("highwater", "highwater-cluster");
    assertThat(m.all(PodDisruptionBudget.class)).hasSize(1);
    assertThat(m.all(NetworkPolicy.class)).hasSize(1);
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void selectorsMatchThePodsLabels(String overlay) {
    RenderedManifests m = rendered(overlay);
    SoftAssertions softly = new SoftAssertions();
    for (StatefulSet set : m.all(StatefulSet.class)) {
      Map<String, String> labels = set.getSpec().getTemplate().getMetadata().getLabels();
      softly.assertThat(selects(set.getSpec().getSelector(), labels)).as("%s: StatefulSet %s's selector %s matches its pods' labels %s",
          overlay, set.getMetadata().getName(), set.getSpec().getSelector(), labels).isTrue();
      softly.assertThat(m.find(Service.class, set.getSpec().getServiceName())).as("%s: StatefulSet %s's serviceName %s",
          overlay, set.getMetadata().getName(), set.getSpec().getServiceName()).isPresent();
    }
    for (Service service : m.all(Service.class)) {
      softly.assertThat(selected(m, service.getSpec().getSelector())).as("%s: pods Service %s (selector %s) selects", overlay,
          service.getMetadata().getName(), service.getSpec().getSelector()).isNotEmpty();
    }
    PodDisruptionBudget budget = m.all(PodDisruptionBudget.class).get(0);
    softly.assertThat(selectedBy(m, budget.getSpec().getSelector())).as("%s: the pods of the disruption budget", overlay)
        .containsExactly(server(m));
    softly.assertThat(budget.getSpec().getMaxUnavailable()).isEqualTo(new IntOrString(1));
    NetworkPolicy policy = m.all(NetworkPolicy.class).get(0);
    softly.assertThat(selectedBy(m, policy.getSpec().getPodSelector())).as("%s: the pods of the network policy", overlay)
        .containsExactly(server(m));
    for (NetworkPolicyIngressRule rule : policy.getSpec().getIngress()) {
      for (NetworkPolicyPeer peer : rule.getFrom()) {
        softly.assertThat(selectedBy(m, peer.getPodSelector())).as("%s: the pods a network policy rule lets in", overlay)
            .containsExactly(server(m));
      }
    }
    Service headless = m.get(Service.class, server(m).getSpec().getServiceName());
    softly.assertThat(headless.getSpec().getClusterIP()).as("%s: the StatefulSet's Service is headless", overlay).isEqualTo("None");
    softly.assertThat(headless.getSpec().getPublishNotReadyAddresses()).as("%s: it lists pods before they are ready", overlay).isTrue();
    softly.assertAll();
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void everyPortThatIsNamedExistsOnTheContainer(String overlay) {
    RenderedManifests m = rendered(overlay);
    SoftAssertions softly = new SoftAssertions();
    for (StatefulSet set : m.all(StatefulSet.class)) {
      for (Container c : set.getSpec().getTemplate().getSpec().getContainers()) {
        for (Probe probe : Stream.of(c.getStartupProbe(), c.getReadinessProbe(), c.getLivenessProbe()).filter(Objects::nonNull).toList()) {
          if (probe.getHttpGet() != null) {
            softly.assertThat(hasPort(List.of(c), probe.getHttpGet().getPort())).as("%s: %s's probe port %s among its ports %s", overlay,
                c.getName(), probe.getHttpGet().getPort(), c.getPorts()).isTrue();
          }
        }
      }
    }
    for (Service service : m.all(Service.class)) {
      for (StatefulSet set : selected(m, service.getSpec().getSelector())) {
        for (ServicePort port : service.getSpec().getPorts()) {
          softly.assertThat(hasPort(set.getSpec().getTemplate().getSpec().getContainers(), port.getTargetPort()))
              .as("%s: Service %s's targetPort %s on the containers of %s", overlay, service.getMetadata().getName(), port.getTargetPort(),
                  set.getMetadata().getName()).isTrue();
        }
      }
    }
    for (NetworkPolicy policy : m.all(NetworkPolicy.class)) {
      for (StatefulSet set : selectedBy(m, policy.getSpec().getPodSelector())) {
        for (NetworkPolicyIngressRule rule : policy.getSpec().getIngress()) {
          for (NetworkPolicyPort port : rule.getPorts()) {
            softly.assertThat(hasPort(set.getSpec().getTemplate().getSpec().getContainers(), port.getPort()))
                .as("%s: network policy port %s on the containers of %s", overlay, port.getPort(), set.getMetadata().getName()).isTrue();
          }
        }
      }
    }
    softly.assertAll();
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void thePodsEnvironmentMakesTheServerChooseKubernetesDiscoveryWithMulticastOff(String overlay) throws IOException {
    RenderedManifests m = rendered(overlay);
    Container container = serverContainer(m);
    Map<String, String> env = new TreeMap<>(PodEnvironment.of(container, POD, m,
        (secret, key) -> Optional.ofNullable(OUT_OF_BAND.get(secret + "/" + key))));
    env.put("HIGHWATER_CONF_DIR", mountedConfiguration(m, container, env.get("HIGHWATER_CONF_DIR")).toString());

    HighwaterConfig config = ConfigLoader.load(env);
    JoinConfig join = HazelcastSetup.config(config).getNetworkConfig().getJoin();
    Service headless = m.get(Service.class, server(m).getSpec().getServiceName());
    SoftAssertions softly = new SoftAssertions();
    softly.assertThat(config.cluster().discovery()).as("%s: discovery, from %s", overlay, env).isEqualTo(HighwaterConfig.Cluster.KUBERNETES);
    softly.assertThat(join.getKubernetesConfig().isEnabled()).as("Kubernetes join").isTrue();
    softly.assertThat(join.getMulticastConfig().isEnabled()).as("multicast").isFalse();
    softly.assertThat(join.getTcpIpConfig().isEnabled()).as("TCP-IP join").isFalse();
    softly.assertThat(join.getAutoDetectionConfig().isEnabled()).as("auto-detection").isFalse();
    softly.assertThat(join.getKubernetesConfig().getProperty("service-dns")).as("the Service Hazelcast resolves")
        .isEqualTo(headless.getMetadata().getName() + "." + POD.namespace() + ".svc");
    softly.assertThat(headless.getSpec().getPorts()).extracting(ServicePort::getPort).as("the headless Service's ports")
        .contains(config.cluster().port());
    softly.assertThat(config.cluster().host()).as("the cluster and event-bus host").isEqualTo(POD.ip());
    softly.assertThat(config.cluster().port()).as("the Hazelcast port").isEqualTo(containerPort(container, "hazelcast"));
    softly.assertThat(config.cluster().eventBusPort()).as("the event-bus port").isEqualTo(containerPort(container, "event-bus"));
    softly.assertThat(config.http().port()).as("the HTTP port").isEqualTo(containerPort(container, "http"));
    softly.assertThat(config.postgres().url()).as("the PostgreSQL URL").isPresent();
    softly.assertThat(config.keys().mustBeGiven()).as("a pod must be given its master key").isTrue();
    softly.assertThat(config.keys().masterKey()).as("the master key, from a Secret").isPresent();
    softly.assertThat(config.auth().mustBeGiven()).as("a pod must be given its auth key").isTrue();
    softly.assertThat(config.auth().checks()).as("tokens are checked").isTrue();
    softly.assertThat(config.auth().hs256Secret()).as("the auth key, from a Secret").isPresent();
    softly.assertAll();
    // The keys the pods are given are ones the server takes (and the server writes none of its own).
    MasterKey.load(config.keys(), tmp.resolve("data"));
    assertThat(AuthKeys.load(config.auth(), tmp.resolve("data"))).isInstanceOf(AuthKey.Hs256.class);
    assertThat(tmp.resolve("data")).doesNotExist();
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void theConfigMapIsConfAsItIs(String overlay) throws IOException {
    RenderedManifests m = rendered(overlay);
    ConfigMap conf = m.get(ConfigMap.class, configMapOf(m, "conf"));
    Map<String, String> files = new TreeMap<>();
    try (Stream<Path> paths = Files.list(ROOT.resolve("conf"))) {
      for (Path p : paths.filter(p -> !p.getFileName().toString().equals("kustomization.yaml")).toList()) {
        files.put(p.getFileName().toString(), Files.readString(p, StandardCharsets.UTF_8));
      }
    }
    assertThat(new TreeMap<>(conf.getData())).as("%s: the ConfigMap's files vs conf/", overlay).isEqualTo(files);
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void everySecretAndConfigMapThePodsNameIsRenderedOrCreatedOutOfBand(String overlay) {
    RenderedManifests m = rendered(overlay);
    Set<String> outOfBand = new TreeSet<>();
    for (StatefulSet set : m.all(StatefulSet.class)) {
      PodSpec pod = set.getSpec().getTemplate().getSpec();
      for (Container c : pod.getContainers()) {
        for (EnvVar v : c.getEnv()) {
          if (v.getValueFrom() != null && v.getValueFrom().getSecretKeyRef() != null
              && m.find(Secret.class, v.getValueFrom().getSecretKeyRef().getName()).isEmpty()) {
            outOfBand.add(v.getValueFrom().getSecretKeyRef().getName() + "/" + v.getValueFrom().getSecretKeyRef().getKey());
          }
        }
        c.getEnvFrom().stream().filter(e -> e.getSecretRef() != null)
            .forEach(e -> assertThat(m.find(Secret.class, e.getSecretRef().getName())).as("%s: Secret %s", overlay, e.getSecretRef().getName())
                .isPresent());
      }
      pod.getVolumes().stream().filter(v -> v.getConfigMap() != null)
          .forEach(v -> assertThat(m.find(ConfigMap.class, v.getConfigMap().getName())).as("%s: ConfigMap %s", overlay,
              v.getConfigMap().getName()).isPresent());
    }
    // Only production leaves its Secrets to the operator; what it expects is what the README has them create.
    assertThat(outOfBand).as("%s: Secrets the pods read that the render does not hold", overlay)
        .isEqualTo("prod".equals(overlay) ? new TreeSet<>(OUT_OF_BAND.keySet()) : Set.of());
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void theServerRunsHardenedSizedFromItsContainerAndDrainsWithinItsGracePeriod(String overlay) {
    RenderedManifests m = rendered(overlay);
    PodSpec pod = server(m).getSpec().getTemplate().getSpec();
    Container c = serverContainer(m);
    SoftAssertions softly = new SoftAssertions();
    softly.assertThat(pod.getSecurityContext().getRunAsNonRoot()).as("runAsNonRoot").isTrue();
    softly.assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).as("readOnlyRootFilesystem").isTrue();
    softly.assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).as("allowPrivilegeEscalation").isFalse();
    softly.assertThat(c.getSecurityContext().getCapabilities().getDrop()).as("capabilities dropped").containsExactly("ALL");
    Optional<VolumeMount> tmpMount = c.getVolumeMounts().stream().filter(v -> "/tmp".equals(v.getMountPath())).findFirst();
    softly.assertThat(tmpMount.flatMap(t -> pod.getVolumes().stream().filter(v -> v.getName().equals(t.getName())).findFirst())
        .map(Volume::getEmptyDir)).as("/tmp on an emptyDir").isPresent();

    softly.assertThat(c.getArgs()).as("JVM flags").anyMatch(a -> a.startsWith("-XX:MaxRAMPercentage="))
        .contains("-XX:ActiveProcessorCount=$(CPU_REQUEST)");
    softly.assertThat(c.getEnv()).as("CPU_REQUEST from the container's CPU request").anyMatch(v -> "CPU_REQUEST".equals(v.getName())
        && v.getValueFrom() != null && v.getValueFrom().getResourceFieldRef() != null
        && "requests.cpu".equals(v.getValueFrom().getResourceFieldRef().getResource()));
    softly.assertThat(c.getResources().getLimits()).as("limits").containsKey("memory");
    softly.assertThat(c.getResources().getRequests()).as("requests").containsKeys("cpu", "memory");

    softly.assertThat(c.getStartupProbe().getHttpGet().getPath()).as("startup probe").isEqualTo("/health/ready");
    softly.assertThat(c.getReadinessProbe().getHttpGet().getPath()).as("readiness probe").isEqualTo("/health/ready");
    softly.assertThat(c.getLivenessProbe().getHttpGet().getPath()).as("liveness probe").isEqualTo("/health/live");
    List<String> preStop = c.getLifecycle().getPreStop().getExec().getCommand();
    softly.assertThat(preStop).as("preStop").hasSize(2).startsWith("sleep");
    softly.assertThat(Long.parseLong(preStop.get(1))).as("the preStop pause against the grace period")
        .isLessThan(pod.getTerminationGracePeriodSeconds() / 4);
    softly.assertThat(pod.getAffinity().getPodAntiAffinity().getPreferredDuringSchedulingIgnoredDuringExecution())
        .as("anti-affinity across nodes").anyMatch(t -> "kubernetes.io/hostname".equals(t.getPodAffinityTerm().getTopologyKey())
            && selects(t.getPodAffinityTerm().getLabelSelector(), server(m).getSpec().getTemplate().getMetadata().getLabels()));
    softly.assertAll();
  }

  @Test
  void thePrometheusComponentPointsAtTheMetricsOfTheHttpPort() {
    RenderedManifests m = rendered("prod");
    Map<String, String> annotations = server(m).getSpec().getTemplate().getMetadata().getAnnotations();
    assertThat(annotations).containsEntry("prometheus.io/scrape", "true").containsEntry("prometheus.io/path", "/metrics");
    assertThat(Integer.parseInt(annotations.get("prometheus.io/port"))).isEqualTo(containerPort(serverContainer(m), "http"));
  }

  // -----------------------------------------------------------------------------------------------

  /** The rendered ConfigMap mounted at {@code dir}, written out under a temporary directory: what the pod reads there. */
  private Path mountedConfiguration(RenderedManifests m, Container container, String dir) throws IOException {
    VolumeMount mount = container.getVolumeMounts().stream().filter(v -> v.getMountPath().equals(dir)).findFirst()
        .orElseThrow(() -> new AssertionError("HIGHWATER_CONF_DIR " + dir + " is not a mount of " + container.getVolumeMounts()));
    ConfigMap conf = m.get(ConfigMap.class, configMapOf(m, mount.getName()));
    Path out = Files.createDirectories(tmp.resolve("etc-highwater"));
    for (Map.Entry<String, String> file : conf.getData().entrySet()) {
      Files.writeString(out.resolve(file.getKey()), file.getValue(), StandardCharsets.UTF_8);
    }
    return out;
  }

  private static String configMapOf(RenderedManifests m, String volume) {
    return server(m).getSpec().getTemplate().getSpec().getVolumes().stream().filter(v -> v.getName().equals(volume) && v.getConfigMap() != null)
        .findFirst().orElseThrow(() -> new AssertionError("no ConfigMap volume " + volume)).getConfigMap().getName();
  }

  private static int containerPort(Container c, String name) {
    return c.getPorts().stream().filter(p -> name.equals(p.getName())).map(ContainerPort::getContainerPort).findFirst()
        .orElseThrow(() -> new AssertionError("container " + c.getName() + " has no port named " + name + ": " + c.getPorts()));
  }

  private static boolean hasPort(List<Container> containers, IntOrString port) {
    List<ContainerPort> ports = new ArrayList<>();
    containers.forEach(c -> ports.addAll(c.getPorts()));
    return port.getStrVal() != null ? ports.stream().anyMatch(p -> port.getStrVal().equals(p.getName()))
        : ports.stream().anyMatch(p -> port.getIntVal().equals(p.getContainerPort()));
  }

  /** Equality-based selection, the only kind used here: a selector with expressions selects nothing. */
  private static boolean selects(LabelSelector selector, Map<String, String> labels) {
    return selector != null && selector.getMatchExpressions().isEmpty() && selects(selector.getMatchLabels(), labels);
  }

  private static boolean selects(Map<String, String> selector, Map<String, String> labels) {
    return selector != null && !selector.isEmpty() && labels != null && labels.entrySet().containsAll(selector.entrySet());
  }

  private static List<StatefulSet> selected(RenderedManifests m, Map<String, String> selector) {
    return m.all(StatefulSet.class).stream().filter(s -> selects(selector, s.getSpec().getTemplate().getMetadata().getLabels())).toList();
  }

  private static List<StatefulSet> selectedBy(RenderedManifests m, LabelSelector selector) {
    return m.all(StatefulSet.class).stream().filter(s -> selects(selector, s.getSpec().getTemplate().getMetadata().getLabels())).toList();
  }
}
