package io.highwater.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The members of the cluster and the owners of the partitions this node knows of. */
public final class ClusterView {

  private final HazelcastInstance hazelcast;
  private final Map<PartitionId, Ownership> ownerships = new ConcurrentHashMap<>();

  public ClusterView(HazelcastInstance hazelcast) {
    this.hazelcast = hazelcast;
  }

  public String localMemberId() {
    return hazelcast.getCluster().getLocalMember().getUuid().toString();
  }

  public void owned(Ownership ownership) {
    ownerships.put(ownership.partition(), ownership);
  }

  public List<Ownership> ownerships() {
    return ownerships.values().stream()
        .sorted((a, b) -> a.partition().key().compareTo(b.partition().key()))
        .toList();
  }

  public JsonObject toJson() {
    JsonArray members = new JsonArray();
    for (Member member : hazelcast.getCluster().getMembers()) {
      members.add(new JsonObject()
          .put("id", member.getUuid().toString())
          .put("address", member.getAddress().getHost() + ":" + member.getAddress().getPort())
          .put("http", member.getAttribute(HazelcastSetup.HTTP_ATTRIBUTE)));
    }
    JsonArray partitions = new JsonArray();
    ownerships().forEach(o -> partitions.add(o.toJson()));
    return new JsonObject().put("members", members).put("partitions", partitions);
  }
}
