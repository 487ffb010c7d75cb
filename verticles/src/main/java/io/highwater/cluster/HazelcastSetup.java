package io.highwater.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.config.XmlConfigBuilder;
import io.highwater.config.HighwaterConfig;
import java.io.FileNotFoundException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

/** Builds the Hazelcast member configuration: {@code conf/hazelcast.xml} plus the cluster settings. */
public final class HazelcastSetup {

  /** The member attribute that tells other members where this node serves HTTP. */
  public static final String HTTP_ATTRIBUTE = "highwater.http";

  private HazelcastSetup() {}

  public static Config config(HighwaterConfig config) {
    Path xml = config.confDir().resolve(config.cluster().hazelcastConfig());
    Config hazelcast;
    try {
      hazelcast = new XmlConfigBuilder(xml.toString()).build();
    } catch (FileNotFoundException e) {
      throw new UncheckedIOException("cannot read " + xml.toAbsolutePath(), e);
    }
    HighwaterConfig.Cluster cluster = config.cluster();
    hazelcast.setClusterName(cluster.name());
    NetworkConfig network = hazelcast.getNetworkConfig();
    network.setPort(cluster.port()).setPortAutoIncrement(false);
    JoinConfig join = network.getJoin();
    if (HighwaterConfig.Cluster.KUBERNETES.equals(cluster.discovery())) {
      // Members are the pods behind the headless service; each binds its pod's own address.
      join.getTcpIpConfig().setEnabled(false);
      join.getKubernetesConfig().setEnabled(true)
          .setProperty("service-dns", cluster.kubernetesService())
          .setProperty("service-port", String.valueOf(cluster.port()));
    } else {
      // Interfaces alone only choose the advertised address; without bind.any=false the member still listens on *.
      hazelcast.setProperty("hazelcast.socket.bind.any", "false");
      network.getInterfaces().setEnabled(true).setInterfaces(List.of(cluster.host()));
      network.setPublicAddress(cluster.host() + ":" + cluster.port());
      List<String> members = cluster.members().isEmpty() ? List.of(cluster.host() + ":" + cluster.port()) : cluster.members();
      join.getTcpIpConfig().setEnabled(true).setMembers(members);
    }
    hazelcast.getMemberAttributeConfig().setAttribute(HTTP_ATTRIBUTE, advertisedHttp(config));
    return hazelcast;
  }

  /** Where this node serves HTTP, as other nodes and clients reach it. */
  public static String advertisedHttp(HighwaterConfig config) {
    String host = "0.0.0.0".equals(config.http().host()) ? config.cluster().host() : config.http().host();
    return host + ":" + config.http().port();
  }
}
