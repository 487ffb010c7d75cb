package io.highwater.cluster;

import io.vertx.core.spi.cluster.RegistrationInfo;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * What the cluster's event-bus registry must gain ({@code missing}) and lose ({@code extra}) to
 * hold exactly this node's own registrations: by address, the registrations under this node's id
 * that its consumers hold and the registry lacks, and those the registry holds that no consumer
 * here does.
 */
record RegistryDiff(Map<String, Set<RegistrationInfo>> missing, Map<String, Set<RegistrationInfo>> extra) {

  RegistryDiff {
    missing = copy(missing);
    extra = copy(extra);
  }

  /**
   * {@code registry}: the registry's entries, read before {@code own} (this node's consumers'
   * registrations, by address) was, so that a registration made in between is never taken for a
   * leftover: whatever the registry holds of this node's was recorded here before it was put there.
   */
  static RegistryDiff between(Map<String, Set<RegistrationInfo>> own, Iterable<Map.Entry<String, RegistrationInfo>> registry,
      String nodeId) {
    Map<String, Set<RegistrationInfo>> held = new HashMap<>();
    Map<String, Set<RegistrationInfo>> extra = new HashMap<>();
    for (Map.Entry<String, RegistrationInfo> entry : registry) {
      RegistrationInfo info = entry.getValue();
      if (!nodeId.equals(info.nodeId())) {
        continue;
      }
      Set<RegistrationInfo> mine = own.get(entry.getKey());
      (mine != null && mine.contains(info) ? held : extra).computeIfAbsent(entry.getKey(), a -> new HashSet<>()).add(info);
    }
    Map<String, Set<RegistrationInfo>> missing = new HashMap<>();
    own.forEach((address, infos) -> infos.forEach(info -> {
      if (!held.getOrDefault(address, Set.of()).contains(info)) {
        missing.computeIfAbsent(address, a -> new HashSet<>()).add(info);
      }
    }));
    return new RegistryDiff(missing, extra);
  }

  /** What both diffs hold: a registration being made or ended while one was read shows in one only. */
  RegistryDiff confirmedBy(RegistryDiff later) {
    return new RegistryDiff(common(missing, later.missing), common(extra, later.extra));
  }

  boolean isEmpty() {
    return missing.isEmpty() && extra.isEmpty();
  }

  int missingCount() {
    return missing.values().stream().mapToInt(Set::size).sum();
  }

  int extraCount() {
    return extra.values().stream().mapToInt(Set::size).sum();
  }

  private static Map<String, Set<RegistrationInfo>> common(Map<String, Set<RegistrationInfo>> a, Map<String, Set<RegistrationInfo>> b) {
    Map<String, Set<RegistrationInfo>> both = new HashMap<>();
    a.forEach((address, infos) -> {
      Set<RegistrationInfo> kept = new HashSet<>(infos);
      kept.retainAll(b.getOrDefault(address, Set.of()));
      if (!kept.isEmpty()) {
        both.put(address, kept);
      }
    });
    return both;
  }

  private static Map<String, Set<RegistrationInfo>> copy(Map<String, Set<RegistrationInfo>> byAddress) {
    Map<String, Set<RegistrationInfo>> copy = new HashMap<>();
    byAddress.forEach((address, infos) -> copy.put(address, Set.copyOf(infos)));
    return Map.copyOf(copy);
  }
}
