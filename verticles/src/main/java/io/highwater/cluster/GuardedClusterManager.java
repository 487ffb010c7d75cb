package io.highwater.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.multimap.MultiMap;
import io.vertx.core.Completable;
import io.vertx.core.spi.cluster.RegistrationInfo;
import io.vertx.core.spi.cluster.RegistrationListener;
import io.vertx.core.spi.cluster.RegistrationUpdateEvent;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import io.vertx.spi.cluster.hazelcast.impl.HazelcastRegistrationInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Hazelcast cluster manager, keeping a record of this node's event-bus registrations so that
 * {@link #repairRegistrations()} can put the cluster's registry right. Vert.x republishes a node's
 * registrations only when a member leaves; after a split-brain merge, or a member's late cleanup of
 * one that left and came back under the same node id, the registry can lack some of them for good
 * (eclipse-vertx/vert.x#4394): the other nodes then find no handler for a partition this node owns,
 * and its requests fail over and over while it runs well. (The registry's value type is
 * vertx-hazelcast's own; the repair reads and writes it as Vert.x does.)
 */
public final class GuardedClusterManager extends HazelcastClusterManager {

  /** Where vertx-hazelcast keeps the cluster-wide registrations, by address. */
  private static final String REGISTRY = "__vertx.subs";

  private final Map<String, Set<RegistrationInfo>> own = new ConcurrentHashMap<>();
  /** Local-only registrations are not in the registry, but the routes of their addresses list them. */
  private final Map<String, Set<RegistrationInfo>> ownLocal = new ConcurrentHashMap<>();
  /** Addresses the registry held at the last refresh: one that empties must have its route emptied too. */
  private Set<String> routedAddresses = Set.of();
  private final long settleMs;
  private volatile RegistrationListener routes;

  /**
   * {@code settleMs}: how long a difference must last to be put right; a registration being made
   * or ended (recorded here, not yet in the registry, or the reverse) is one for a few milliseconds.
   */
  public GuardedClusterManager(Config config, long settleMs) {
    super(config);
    this.settleMs = settleMs;
  }

  @Override
  public void registrationListener(RegistrationListener listener) {
    this.routes = listener;
    super.registrationListener(listener);
  }

  @Override
  public void addRegistration(String address, RegistrationInfo registration, Completable<Void> promise) {
    (registration.localOnly() ? ownLocal : own).computeIfAbsent(address, a -> ConcurrentHashMap.newKeySet()).add(registration);
    super.addRegistration(address, registration, promise);
  }

  @Override
  public void removeRegistration(String address, RegistrationInfo registration, Completable<Void> promise) {
    (registration.localOnly() ? ownLocal : own).computeIfPresent(address, (a, set) -> {
      set.remove(registration);
      return set.isEmpty() ? null : set;
    });
    super.removeRegistration(address, registration, promise);
  }

  /**
   * Blocking (call it from a worker): hands the event bus's routes (which node to send each address
   * to, kept up to date only by the registry's change events) the registry as it is now, for every
   * address they hold. A member that has just merged back missed the events of the time it was
   * apart, and would go on sending a partition's requests to its former owner. How many addresses
   * were refreshed.
   */
  public synchronized int refreshRoutes() {
    RegistrationListener listener = routes;
    if (listener == null) {
      return 0;
    }
    MultiMap<String, HazelcastRegistrationInfo> registry = getHazelcastInstance().getMultiMap(REGISTRY);
    Map<String, List<RegistrationInfo>> byAddress = new HashMap<>();
    registry.entrySet().forEach(e -> byAddress.computeIfAbsent(e.getKey(), a -> new ArrayList<>()).add(e.getValue().unwrap()));
    ownLocal.forEach((address, infos) -> byAddress.computeIfAbsent(address, a -> new ArrayList<>()).addAll(infos));
    Set<String> addresses = new HashSet<>(byAddress.keySet());
    addresses.addAll(routedAddresses);
    int refreshed = 0;
    for (String address : addresses) {
      if (listener.wantsUpdatesFor(address)) {
        listener.registrationsUpdated(new RegistrationUpdateEvent(address, byAddress.getOrDefault(address, List.of())));
        refreshed++;
      }
    }
    routedAddresses = Set.copyOf(byAddress.keySet());
    return refreshed;
  }

  /**
   * Blocking (call it from a worker): puts back this node's registrations the registry lacks and
   * takes out the ones under this node's id that no consumer here holds; what it changed.
   */
  public synchronized RegistryDiff repairRegistrations() throws InterruptedException {
    MultiMap<String, HazelcastRegistrationInfo> registry = getHazelcastInstance().getMultiMap(REGISTRY);
    RegistryDiff first = compare(registry);
    if (first.isEmpty()) {
      return first;
    }
    Thread.sleep(settleMs);
    RegistryDiff diff = first.confirmedBy(compare(registry));
    diff.missing().forEach((address, infos) -> infos.forEach(info -> registry.put(address, new HazelcastRegistrationInfo(info))));
    diff.extra().forEach((address, infos) -> infos.forEach(info -> registry.remove(address, new HazelcastRegistrationInfo(info))));
    // A consumer that ended while this ran may have had its registration put back: take it out again.
    diff.missing().forEach((address, infos) -> infos.forEach(info -> {
      if (!own.getOrDefault(address, Set.of()).contains(info)) {
        registry.remove(address, new HazelcastRegistrationInfo(info));
      }
    }));
    return diff;
  }

  private RegistryDiff compare(MultiMap<String, HazelcastRegistrationInfo> registry) {
    List<Map.Entry<String, RegistrationInfo>> entries = new ArrayList<>();
    registry.entrySet().forEach(e -> entries.add(Map.entry(e.getKey(), e.getValue().unwrap())));
    return RegistryDiff.between(snapshot(), entries, getNodeId());
  }

  /** The event bus's routes, as Vert.x handed them over (tests put a route wrong through it). */
  RegistrationListener routes() {
    return routes;
  }

  private Map<String, Set<RegistrationInfo>> snapshot() {
    Map<String, Set<RegistrationInfo>> copy = new HashMap<>();
    own.forEach((address, infos) -> copy.put(address, Set.copyOf(infos)));
    return copy;
  }
}
