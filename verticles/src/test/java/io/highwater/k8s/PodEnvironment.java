package io.highwater.k8s;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarSource;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The environment the kubelet gives a container: its {@code env} in order, {@code $(NAME)} expanded
 * from the variables before it, the downward API from a pod's fields, Secrets' keys, and the
 * {@code KUBERNETES_SERVICE_*} variables of every container.
 */
final class PodEnvironment {

  private static final Pattern REFERENCE = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)");

  /** What a scheduled pod's fields would hold. */
  record Pod(String name, String namespace, String ip) {}

  /** Where a Secret the render does not hold (created out of band) gets its values. */
  interface OutOfBand {
    Optional<String> value(String secret, String key);
  }

  private PodEnvironment() {}

  static Map<String, String> of(Container container, Pod pod, RenderedManifests rendered, OutOfBand outOfBand) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("KUBERNETES_SERVICE_HOST", "10.96.0.1");
    env.put("KUBERNETES_SERVICE_PORT", "443");
    for (EnvVar variable : container.getEnv()) {
      String value = variable.getValueFrom() == null ? expand(variable.getValue(), env)
          : from(variable.getName(), variable.getValueFrom(), container, pod, rendered, outOfBand);
      env.put(variable.getName(), value);
    }
    return env;
  }

  /** {@code $(NAME)} of a variable defined before; anything else stays as written, as the kubelet leaves it. */
  static String expand(String value, Map<String, String> defined) {
    if (value == null) {
      return "";
    }
    Matcher m = REFERENCE.matcher(value);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(out, Matcher.quoteReplacement(defined.getOrDefault(m.group(1), m.group())));
    }
    return m.appendTail(out).toString();
  }

  private static String from(String name, EnvVarSource source, Container container, Pod pod, RenderedManifests rendered,
      OutOfBand outOfBand) {
    if (source.getFieldRef() != null) {
      return switch (source.getFieldRef().getFieldPath()) {
        case "status.podIP" -> pod.ip();
        case "metadata.name" -> pod.name();
        case "metadata.namespace" -> pod.namespace();
        default -> throw new AssertionError(name + ": a field this check does not know: " + source.getFieldRef().getFieldPath());
      };
    }
    if (source.getResourceFieldRef() != null) {
      String resource = source.getResourceFieldRef().getResource();
      Map<String, Quantity> amounts = resource.startsWith("requests.") ? container.getResources().getRequests()
          : container.getResources().getLimits();
      Quantity amount = amounts == null ? null : amounts.get(resource.substring(resource.indexOf('.') + 1));
      if (amount == null) {
        throw new AssertionError(name + ": " + resource + " is not set on container " + container.getName());
      }
      Quantity divisor = source.getResourceFieldRef().getDivisor();
      BigDecimal by = divisor == null ? BigDecimal.ONE : divisor.getNumericalAmount();
      // The kubelet rounds up: 500m with divisor 1 is 1.
      return amount.getNumericalAmount().divide(by, 0, RoundingMode.CEILING).toPlainString();
    }
    if (source.getSecretKeyRef() != null) {
      String secret = source.getSecretKeyRef().getName();
      String key = source.getSecretKeyRef().getKey();
      Optional<Secret> inRender = rendered.find(Secret.class, secret);
      if (inRender.isPresent()) {
        String value = Optional.ofNullable(inRender.get().getData()).map(d -> d.get(key))
            .map(b64 -> new String(Base64.getMimeDecoder().decode(b64), StandardCharsets.UTF_8))
            .or(() -> Optional.ofNullable(inRender.get().getStringData()).map(d -> d.get(key)))
            .orElseThrow(() -> new AssertionError(name + ": Secret " + secret + " has no key " + key));
        return value;
      }
      return outOfBand.value(secret, key).orElseThrow(() -> new AssertionError(name + ": Secret " + secret + " (key " + key
          + ") is neither rendered nor one that is created out of band"));
    }
    throw new AssertionError(name + ": a valueFrom this check does not know: " + source);
  }
}
