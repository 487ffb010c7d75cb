package io.highwater.k8s;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.BeanDescription;
import tools.jackson.databind.DeserializationConfig;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.deser.BeanDeserializerBuilder;
import tools.jackson.databind.deser.ValueDeserializerModifier;
import tools.jackson.databind.module.SimpleModule;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The objects {@code kubectl kustomize} renders from a kustomization, each read as its typed
 * Kubernetes model class. The model keeps a field it does not know in the object's additional
 * properties; here every such catch-all is removed, so a misspelt or misplaced field, at any
 * depth, fails the reading instead.
 */
record RenderedManifests(String source, List<HasMetadata> objects) {

  private static final Map<String, Class<? extends HasMetadata>> KINDS = Map.of(
      "v1/ConfigMap", ConfigMap.class,
      "v1/Secret", Secret.class,
      "v1/Service", Service.class,
      "apps/v1/StatefulSet", StatefulSet.class,
      "policy/v1/PodDisruptionBudget", PodDisruptionBudget.class,
      "networking.k8s.io/v1/NetworkPolicy", NetworkPolicy.class);
  private static final Pattern KUSTOMIZE_VERSION = Pattern.compile("Kustomize Version: v(\\d+)\\.");
  /** {@code components} and the patch forms used here need kustomize 4 (kubectl 1.21) or later. */
  private static final int MIN_KUSTOMIZE = 4;

  private static final YAMLMapper STRICT = YAMLMapper.builder()
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .addModule(new SimpleModule("no-additional-properties").setDeserializerModifier(new ValueDeserializerModifier() {
        @Override
        public BeanDeserializerBuilder updateBuilder(DeserializationConfig config, BeanDescription.Supplier bean,
            BeanDeserializerBuilder builder) {
          builder.setAnySetter(null);
          return builder;
        }
      }))
      .build();

  /** Why kubectl cannot render here (absent, or its kustomize too old), or empty when it can. */
  static Optional<String> kubectlMissing() {
    try {
      Result version = run(List.of("kubectl", "version", "--client"), null);
      Matcher m = KUSTOMIZE_VERSION.matcher(version.out());
      if (version.status() != 0 || !m.find()) {
        return Optional.of("`kubectl version --client` answered " + version.status() + ": " + version.out() + version.err());
      }
      int major = Integer.parseInt(m.group(1));
      return major >= MIN_KUSTOMIZE ? Optional.empty()
          : Optional.of("kubectl's kustomize is v" + major + ", older than v" + MIN_KUSTOMIZE);
    } catch (UncheckedIOException e) {
      return Optional.of("no kubectl on the PATH (" + e.getCause().getMessage() + ")");
    }
  }

  /** {@code kubectl kustomize dir}, with no flag, read strictly. */
  static RenderedManifests render(Path dir) {
    Result result = run(List.of("kubectl", "kustomize", dir.toString()), dir);
    if (result.status() != 0) {
      throw new AssertionError("kubectl kustomize " + dir + " exited with " + result.status() + ": " + result.err());
    }
    return parse(dir.toString(), result.out());
  }

  /** Every document of {@code yaml}, each as the model class of its apiVersion and kind. */
  static RenderedManifests parse(String source, String yaml) {
    List<HasMetadata> objects = new ArrayList<>();
    for (JsonNode doc : STRICT.readerFor(JsonNode.class).<JsonNode>readValues(yaml).readAll()) {
      if (doc == null || doc.isNull() || doc.isEmpty()) {
        continue;
      }
      String type = doc.path("apiVersion").asString() + "/" + doc.path("kind").asString();
      Class<? extends HasMetadata> model = KINDS.get(type);
      if (model == null) {
        throw new AssertionError(source + ": an object of type " + type + ", which these checks do not know: " + doc);
      }
      objects.add(STRICT.treeToValue(doc, model));
    }
    return new RenderedManifests(source, List.copyOf(objects));
  }

  <T extends HasMetadata> List<T> all(Class<T> type) {
    return objects.stream().filter(type::isInstance).map(type::cast).toList();
  }

  <T extends HasMetadata> Optional<T> find(Class<T> type, String name) {
    return all(type).stream().filter(o -> name.equals(o.getMetadata().getName())).findFirst();
  }

  <T extends HasMetadata> T get(Class<T> type, String name) {
    return find(type, name).orElseThrow(() -> new AssertionError(source + ": no " + type.getSimpleName() + " named " + name
        + " among " + objects.stream().map(o -> o.getKind() + "/" + o.getMetadata().getName()).toList()));
  }

  private record Result(int status, String out, String err) {}

  private static Result run(List<String> command, Path dir) {
    try {
      Process process = new ProcessBuilder(command).directory(dir == null ? null : dir.toFile()).start();
      process.getOutputStream().close();
      // Both streams are small (a few tens of kB): read one after the other.
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError(String.join(" ", command) + " still running after 60 s");
      }
      return new Result(process.exitValue(), out, err);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
