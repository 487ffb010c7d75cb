package io.highwater.config;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Loads {@code config.json} from the configuration directory and applies the environment
 * overrides ({@code HIGHWATER_*}, {@link EnvironmentOverrides}), which win over the file.
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

  /** Returns a copy of {@code json} with the environment's overrides applied ({@link EnvironmentOverrides}). */
  public static JsonObject applyEnvironment(JsonObject json, Map<String, String> env) {
    return EnvironmentOverrides.apply(json, env);
  }
}
