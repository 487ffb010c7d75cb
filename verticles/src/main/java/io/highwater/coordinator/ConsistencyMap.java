package io.highwater.coordinator;

import io.highwater.watermark.PartitionConsistency;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.highwater.partition.PartitionId;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.concurrent.CompletionStage;

/**
 * The cluster-wide map of partition consistency, one entry per app partition: a copy of what each
 * owner knows first-hand, written after its appends answered, for the nodes that have not heard the
 * owner and for the next owner to start from. It may lag behind its owner, never run ahead of it.
 */
public final class ConsistencyMap implements ConsistencySource {

  public static final String MAP_NAME = "highwater.consistency";

  private final Vertx vertx;
  private final IMap<String, PartitionConsistency> map;

  public ConsistencyMap(Vertx vertx, HazelcastInstance hazelcast) {
    this.vertx = vertx;
    this.map = hazelcast.getMap(MAP_NAME);
  }

  /** Merges the owner's copy into the partition's entry; the entry as it then is. */
  public Future<PartitionConsistency> publish(PartitionId id, PartitionConsistency copy) {
    return future(map.submitToKey(id.key(), new OwnerCopyProcessor(copy)));
  }

  /** The map's copy: it may lag behind the owner, never run ahead of it. */
  @Override
  public Future<PartitionConsistency> current(PartitionId id) {
    return future(map.getAsync(id.key())).map(state -> state == null ? PartitionConsistency.EMPTY : state);
  }

  /**
   * Completes on the thread that completes the Hazelcast future: its default executor for
   * callbacks starts a thread per callback on machines with few cores.
   */
  private <T> Future<T> future(CompletionStage<T> stage) {
    Context context = vertx.getOrCreateContext();
    Promise<T> promise = Promise.promise();
    stage.whenCompleteAsync((value, failure) -> context.runOnContext(v -> {
      if (failure != null) {
        promise.fail(failure);
      } else {
        promise.complete(value);
      }
    }), Runnable::run);
    return promise.future();
  }
}
