package io.highwater.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;

/**
 * Loads {@code config.json} from the configuration directory and applies the environment
 * overrides ({@code HIGHWATER_*}), which win over the file.
 */
public final class ConfigLoader {

  public static final String CONF_DIR_PROPERTY = "highwater.conf.dir";

  private ConfigLoader() {}

  /** The configuration directory: {@code HIGHWATER_CONF_DIR}, the system property, or {@code conf}. */
  public static Path confDir(Map<String, String> env) {
    String dir = env.getOrDefault("HIGHWATER_CONF_DIR", System.getProperty(CONF_DIR_PROPERTY, "conf"));
    return Path.of(dir);
  }

  public static HighwaterConfig load(Map<String, String> env) {
    Path confDir = confDir(env);
    Path file = confDir.resolve("config.json");
    try {
      JsonObject json = applyEnvironment(new JsonObject(Files.readString(file)), env);
      HighwaterConfig.Keys keys = new HighwaterConfig.Keys(
          Optional.ofNullable(env.get("HIGHWATER_MASTER_KEY")).filter(v -> !v.isBlank()),
          Optional.ofNullable(env.get("HIGHWATER_MASTER_KEY_FILE")).filter(v -> !v.isBlank()),
          inKubernetes(json, env));
      return HighwaterConfig.fromJson(json, confDir, FaultHook.fromEnvironment(env), keys, keys.mustBeGiven());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file.toAbsolutePath(), e);
    }
  }

  /** Kubernetes sets {@code KUBERNETES_SERVICE_HOST} in every container; its discovery may be chosen elsewhere too. */
  private static boolean inKubernetes(JsonObject json, Map<String, String> env) {
    String serviceHost = env.get("KUBERNETES_SERVICE_HOST");
    return (serviceHost != null && !serviceHost.isBlank())
        || HighwaterConfig.Cluster.KUBERNETES.equals(json.getJsonObject("cluster").getString("discovery"));
  }

  /** Returns a copy of {@code json} with the environment's overrides applied. */
  public static JsonObject applyEnvironment(JsonObject json, Map<String, String> env) {
    JsonObject out = json.copy();
    override(env, "HIGHWATER_HTTP_HOST", v -> out.getJsonObject("http").put("host", v));
    override(env, "HIGHWATER_HTTP_PORT", v -> out.getJsonObject("http").put("port", Integer.parseInt(v)));
    override(env, "HIGHWATER_HTTP_TLS_CERT_FILE", v -> out.getJsonObject("http").put("tlsCertFile", v));
    override(env, "HIGHWATER_HTTP_TLS_KEY_FILE", v -> out.getJsonObject("http").put("tlsKeyFile", v));
    override(env, "HIGHWATER_AUTH", v -> out.getJsonObject("auth").put("mode", v));
    override(env, "HIGHWATER_AUTH_HS256_SECRET", v -> out.getJsonObject("auth").put("hs256Secret", v));
    override(env, "HIGHWATER_AUTH_PUBLIC_KEY_FILE", v -> out.getJsonObject("auth").put("publicKeyFile", v));
    override(env, "HIGHWATER_EVENT_LOOPS", v -> out.getJsonObject("threads").put("eventLoops", Integer.parseInt(v)));
    override(env, "HIGHWATER_HTTP_INSTANCES", v -> out.getJsonObject("threads").put("httpInstances", Integer.parseInt(v)));
    override(env, "HIGHWATER_DATA_DIR", v -> out.put("dataDir", v));
    override(env, "HIGHWATER_PG_URL", v -> out.getJsonObject("postgres").put("url", v));
    override(env, "HIGHWATER_PG_POOL_SIZE", v -> out.getJsonObject("postgres").put("poolSize", Integer.parseInt(v)));
    override(env, "HIGHWATER_CLUSTER_NAME", v -> out.getJsonObject("cluster").put("name", v));
    override(env, "HIGHWATER_CLUSTER_HOST", v -> out.getJsonObject("cluster").put("host", v));
    override(env, "HIGHWATER_CLUSTER_PORT", v -> out.getJsonObject("cluster").put("port", Integer.parseInt(v)));
    override(env, "HIGHWATER_CLUSTER_EVENT_BUS_PORT", v -> out.getJsonObject("cluster").put("eventBusPort", Integer.parseInt(v)));
    override(env, "HIGHWATER_CLUSTER_MEMBERS", v -> out.getJsonObject("cluster").put("members",
        new JsonArray(Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList())));
    override(env, "HIGHWATER_CLUSTER_DISCOVERY", v -> out.getJsonObject("cluster").put("discovery", v));
    override(env, "HIGHWATER_CLUSTER_KUBERNETES_SERVICE", v -> out.getJsonObject("cluster").put("kubernetesService", v));
    override(env, "HIGHWATER_CLUSTER_OWNER_LEASE_MS", v -> out.getJsonObject("cluster").put("ownerLeaseMs", Long.parseLong(v)));
    override(env, "HIGHWATER_HELD_AGGREGATES", v -> out.getJsonObject("commandProcessor").put("heldAggregates", Integer.parseInt(v)));
    override(env, "HIGHWATER_RECORDS_FLUSH_INTERVAL_MS", v -> out.getJsonObject("records").put("flushIntervalMs", Long.parseLong(v)));
    override(env, "HIGHWATER_VIEWS_FLUSH_INTERVAL_MS", v -> out.getJsonObject("views").put("flushIntervalMs", Long.parseLong(v)));
    return out;
  }

  private static void override(Map<String, String> env, String name, java.util.function.Consumer<String> apply) {
    String value = env.get(name);
    if (value != null && !value.isBlank()) {
      try {
        apply.accept(value.trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(name + ": expected a number, got '" + value + "'", e);
      }
    }
  }
}
