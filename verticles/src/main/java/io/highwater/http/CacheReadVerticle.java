package io.highwater.http;

import io.highwater.apps.AppRegistry;
import io.highwater.auth.AuthFailure;
import io.highwater.auth.AuthKey;
import io.highwater.auth.Role;
import io.highwater.auth.Scope;
import io.highwater.auth.TokenVerifier;
import io.highwater.cluster.Addresses;
import io.highwater.partition.OwnedPartitions;
import io.highwater.partition.Ownership;
import io.highwater.partition.PartitionId;
import io.highwater.config.HighwaterConfig;
import io.highwater.config.ViewConfig;
import io.highwater.coordinator.ConsistencyWatch;
import io.highwater.coordinator.CoordinatorClient;
import io.highwater.watermark.Level;
import io.highwater.watermark.PartitionConsistency;
import io.highwater.event.Aggregate;
import io.highwater.event.AggregateKey;
import io.highwater.keys.KeyRing;
import io.highwater.storage.RecordStore;
import io.highwater.partition.ViewKey;
import io.highwater.storage.ViewStore;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Predicate;

/**
 * Serves the cache-level reads of one partition on its owner, for the HTTP API of every node: only
 * the owner holds the cache, and only its watermarks say what that cache holds.
 */
public final class CacheReadVerticle extends VerticleBase {

  private final PartitionId partition;
  private final long epoch;
  private final HighwaterConfig config;
  private final AppRegistry apps;
  private final Pool pool;
  private final OwnedPartitions owned;
  private final KeyRing keyRing;
  private final AuthKey authKey;
  private TokenVerifier verifier;
  private ConsistencyWatch watch;
  private RecordReader records;
  private ViewReader views;

  public CacheReadVerticle(Ownership ownership, HighwaterConfig config, AppRegistry apps, Pool pool, OwnedPartitions owned,
      KeyRing keyRing, AuthKey authKey) {
    this.authKey = authKey;
    this.partition = ownership.partition();
    this.epoch = ownership.epoch();
    this.config = config;
    this.apps = apps;
    this.pool = pool;
    this.owned = owned;
    this.keyRing = keyRing;
  }

  /** The request a node sends to the owner: what to read, from when, for how long to wait. */
  static JsonObject recordRequest(AggregateKey key, OptionalLong consistentAt, long timeoutMs) {
    JsonObject request = new JsonObject().put("ws", key.ws()).put("type", key.aggregate().type()).put("id", key.aggregate().id());
    return withWait(request, consistentAt, timeoutMs);
  }

  static JsonObject viewRequest(String view, ViewKey key, OptionalLong consistentAt, long timeoutMs) {
    return withWait(new JsonObject().put("ws", key.ws()).put("view", view).put("key", key.key()), consistentAt, timeoutMs);
  }

  private static JsonObject withWait(JsonObject request, OptionalLong consistentAt, long timeoutMs) {
    consistentAt.ifPresent(n -> request.put("consistentAt", n));
    return request.put("timeoutMs", timeoutMs);
  }

  @Override
  public Future<?> start() {
    // This node's coordinator, not the cluster map: the owner's watermarks are what its cache holds.
    CoordinatorClient coordinator = new CoordinatorClient(vertx.eventBus(), partition, epoch);
    watch = new ConsistencyWatch(vertx, id -> coordinator.current());
    verifier = TokenVerifier.create(vertx, authKey);
    // Watermarks of another epoch are another owner's: this node's cache does not back them.
    Predicate<PartitionConsistency> ours = state -> state.epoch() == epoch;
    records = new RecordReader(vertx, watch, new RecordStore(pool, owned), new Opener(keyRing), ours);
    views = new ViewReader(vertx, watch, new ViewStore(pool, owned), keyRing, ours);
    return watch.start(List.of(partition))
        .compose(v -> vertx.eventBus().<JsonObject>consumer(Addresses.cacheReads(partition), this::onRead).completion());
  }

  @Override
  public Future<?> stop() {
    return watch.stop();
  }

  /** The read may come from any node: its token is checked here again before anything is read. */
  private void onRead(Message<JsonObject> message) {
    JsonObject q = message.body();
    verifier.check(q.getString("credential"), Scope.workspace(Role.READ, partition.app(), q.getString("ws")))
        .onSuccess(identity -> read(message))
        .onFailure(e -> {
          ApiError error = e instanceof AuthFailure refused ? ApiError.of(refused) : ApiError.unavailable(e.getMessage());
          message.reply(new JsonObject().put("status", error.status()).put("body", error.toJson()));
        });
  }

  private void read(Message<JsonObject> message) {
    JsonObject q = message.body();
    OptionalLong consistentAt = q.containsKey("consistentAt") ? OptionalLong.of(q.getLong("consistentAt")) : OptionalLong.empty();
    long timeoutMs = q.getLong("timeoutMs");
    Future<JsonObject> body;
    if (q.containsKey("view")) {
      Optional<ViewConfig> view = apps.view(partition.app(), q.getString("view"));
      // The view may have been removed since the request was routed.
      body = view.isEmpty() ? Future.failedFuture(ApiError.notFound("unknown view '" + q.getString("view") + "'"))
          : views.read(partition, view.get(), new ViewKey(q.getString("ws"), q.getString("key")), consistentAt, Level.CACHE, timeoutMs);
    } else {
      AggregateKey key = new AggregateKey(q.getString("ws"), new Aggregate(q.getString("type"), q.getString("id")));
      body = records.read(partition, key, consistentAt, Level.CACHE, timeoutMs);
    }
    body.onSuccess(json -> message.reply(new JsonObject().put("status", 200).put("body", json)))
        .onFailure(e -> {
          if (e instanceof NotOwnerException) {
            message.reply(new JsonObject().put("moved", true));
            return;
          }
          ApiError error = e instanceof ApiError api ? api : ApiError.unavailable("storage unavailable: " + e.getMessage());
          message.reply(new JsonObject().put("status", error.status()).put("body", error.toJson()));
        });
  }
}
