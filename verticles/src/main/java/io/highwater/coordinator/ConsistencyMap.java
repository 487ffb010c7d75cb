package io.highwater.coordinator;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.highwater.cluster.PartitionId;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/** The cluster-wide map of partition consistency, one entry per app partition. */
public final class ConsistencyMap {

  public static final String MAP_NAME = "highwater.consistency";

  private final Vertx vertx;
  private final IMap<String, PartitionConsistency> map;

  public ConsistencyMap(Vertx vertx, HazelcastInstance hazelcast) {
    this.vertx = vertx;
    this.map = hazelcast.getMap(MAP_NAME);
  }

  public Future<PartitionConsistency> advance(PartitionId id, Advance report) {
    return Future.fromCompletionStage(map.submitToKey(id.key(), new AdvanceProcessor(report)), vertx.getOrCreateContext());
  }

  public Future<PartitionConsistency> get(PartitionId id) {
    return Future.fromCompletionStage(map.getAsync(id.key()), vertx.getOrCreateContext())
        .map(state -> state == null ? PartitionConsistency.EMPTY : state);
  }
}
