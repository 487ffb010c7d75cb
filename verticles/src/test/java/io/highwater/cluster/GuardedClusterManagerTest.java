package io.highwater.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.multimap.MultiMap;
import io.highwater.config.ConfigLoader;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.spi.cluster.RegistrationInfo;
import io.vertx.core.spi.cluster.RegistrationUpdateEvent;
import io.vertx.spi.cluster.hazelcast.impl.HazelcastRegistrationInfo;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two real Hazelcast members: the registry loses a node's registration (as after a split-brain
 * merge), or keeps one its consumer ended; the guard puts it right, and requests reach the consumer
 * again, or fail at once for want of a handler instead of waiting for a reply that never comes.
 */
class GuardedClusterManagerTest {

  private static final String REGISTRY = "__vertx.subs";
  private final List<Vertx> nodes = new ArrayList<>();
  private final List<GuardedClusterManager> managers = new ArrayList<>();

  @BeforeEach
  void startTwoMembers() throws Exception {
    String name = "guard-test-" + System.nanoTime();
    int[] ports = {freePort(), freePort()};
    String members = "127.0.0.1:" + ports[0] + ",127.0.0.1:" + ports[1];
    for (int port : ports) {
      GuardedClusterManager manager = new GuardedClusterManager(HazelcastSetup.config(ConfigLoader.load(Map.of(
          "HIGHWATER_CLUSTER_NAME", name, "HIGHWATER_CLUSTER_HOST", "127.0.0.1",
          "HIGHWATER_CLUSTER_PORT", String.valueOf(port), "HIGHWATER_CLUSTER_MEMBERS", members))), 100);
      Vertx vertx = await(Vertx.builder()
          .with(new VertxOptions().setEventBusOptions(new EventBusOptions().setHost("127.0.0.1").setClusterPublicHost("127.0.0.1")))
          .withClusterManager(manager).buildClustered());
      managers.add(manager);
      nodes.add(vertx);
    }
    assertThat(managers.get(1).getHazelcastInstance().getCluster().getMembers()).hasSize(2);
  }

  @AfterEach
  void stop() throws Exception {
    for (Vertx vertx : nodes) {
      await(vertx.close());
    }
  }

  @Test
  void aLostRegistrationIsPutBackAndItsConsumerReachedAgain() throws Exception {
    answering(nodes.get(0), "owner.p0");
    Vertx b = nodes.get(1);
    assertThat(await(b.eventBus().<String>request("owner.p0", "hi")).body()).isEqualTo("from a");

    // The fault: the registry forgets a's registration, as a late cleanup after a merge does.
    managers.get(1).getHazelcastInstance().getMultiMap(REGISTRY).remove("owner.p0");
    awaitFailure(b, "owner.p0", ReplyFailure.NO_HANDLERS);

    RegistryDiff repaired = managers.get(0).repairRegistrations();
    assertThat(repaired.missingCount()).isEqualTo(1);
    assertThat(repaired.missing()).containsOnlyKeys("owner.p0");
    awaitAnswer(b, "owner.p0", "from a");
    assertThat(managers.get(0).repairRegistrations().isEmpty()).as("nothing left to put right").isTrue();
  }

  @Test
  void aRegistrationLeftBehindIsTakenOutAndAnEndedConsumerIsNotPutBack() throws Exception {
    Vertx a = nodes.get(0);
    Vertx b = nodes.get(1);
    MessageConsumer<String> ended = answering(a, "owner.p1");
    await(ended.unregister());

    // The fault: the registry still names a for an address a no longer consumes.
    MultiMap<String, HazelcastRegistrationInfo> registry = managers.get(1).getHazelcastInstance().getMultiMap(REGISTRY);
    registry.put("owner.p1", new HazelcastRegistrationInfo(new RegistrationInfo(managers.get(0).getNodeId(), 999, false)));

    RegistryDiff repaired = managers.get(0).repairRegistrations();
    assertThat(repaired.missing()).as("the ended consumer is not put back").isEmpty();
    assertThat(repaired.extraCount()).isEqualTo(1);
    assertThat(registry.get("owner.p1")).isEmpty();
    awaitFailure(b, "owner.p1", ReplyFailure.NO_HANDLERS);
  }

  @Test
  void theGuardVerticleRepairsOnItsOwn() throws Exception {
    Vertx a = nodes.get(0);
    Vertx b = nodes.get(1);
    await(a.deployVerticle(new RegistryGuardVerticle(managers.get(0), 200)));
    answering(a, "owner.p2");
    managers.get(1).getHazelcastInstance().<String, HazelcastRegistrationInfo>getMultiMap(REGISTRY).remove("owner.p2");
    awaitAnswer(b, "owner.p2", "from a");
  }

  @Test
  void aRouteLeftWrongByAMissedChangeIsRefreshedFromTheRegistry() throws Exception {
    Vertx a = nodes.get(0);
    Vertx b = nodes.get(1);
    answering(a, "owner.p3");
    awaitAnswer(b, "owner.p3", "from a");

    // The fault: b's route still names b itself, as when b owned the partition before it was apart
    // from the cluster and missed the change.
    GuardedClusterManager atB = managers.get(1);
    atB.routes().registrationsUpdated(new RegistrationUpdateEvent("owner.p3", List.of(new RegistrationInfo(atB.getNodeId(), 42, false))));
    awaitFailure(b, "owner.p3", ReplyFailure.NO_HANDLERS);
    assertThat(atB.repairRegistrations().isEmpty()).as("the registry itself is right").isTrue();

    assertThat(atB.refreshRoutes()).isPositive();
    assertThat(await(b.eventBus().<String>request("owner.p3", "hi")).body()).isEqualTo("from a");
  }

  // -----------------------------------------------------------------------------------------------

  /** A consumer on {@code node} that answers "from a", once the cluster knows of it. */
  private MessageConsumer<String> answering(Vertx node, String address) throws Exception {
    MessageConsumer<String> consumer = node.eventBus().<String>consumer(address, m -> m.reply("from a"));
    await(consumer.completion());
    return consumer;
  }

  /** Until {@code address} answers {@code expected} from {@code from}, for up to 10 s. */
  private void awaitAnswer(Vertx from, String address, String expected) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    Throwable last = null;
    while (System.nanoTime() < deadline) {
      try {
        Object body = await(from.eventBus().<Object>request(address, "hi", new DeliveryOptions().setSendTimeout(1_000))).body();
        assertThat(body).isEqualTo(expected);
        return;
      } catch (Exception e) {
        last = e;
        Thread.sleep(100);
      }
    }
    throw new AssertionError(address + " did not answer within 10 s", last);
  }

  /** Until a request to {@code address} fails with {@code failure}, for up to 10 s. */
  private void awaitFailure(Vertx from, String address, ReplyFailure failure) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    ReplyFailure seen = null;
    while (System.nanoTime() < deadline) {
      try {
        await(from.eventBus().request(address, "hi", new DeliveryOptions().setSendTimeout(2_000)));
      } catch (Exception e) {
        Throwable cause = e.getCause() != null ? e.getCause() : e;
        if (cause instanceof ReplyException reply && (seen = reply.failureType()) == failure) {
          return;
        }
      }
      Thread.sleep(100);
    }
    throw new AssertionError("a request to " + address + " did not fail with " + failure + " within 10 s; last: " + seen);
  }

  private <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
