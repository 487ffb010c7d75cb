package io.highwater.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import io.highwater.storage.Catalog;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** {@code GET /v1/cluster}: the members as Hazelcast sees them, the owners and epochs as PostgreSQL has them. */
public final class ClusterView {

  private final HazelcastInstance hazelcast;
  private final Catalog catalog;

  public ClusterView(HazelcastInstance hazelcast, Catalog catalog) {
    this.hazelcast = hazelcast;
    this.catalog = catalog;
  }

  public Future<JsonObject> toJson() {
    JsonArray members = new JsonArray();
    for (Member member : hazelcast.getCluster().getMembers()) {
      members.add(new JsonObject()
          .put("id", member.getUuid().toString())
          .put("address", member.getAddress().getHost() + ":" + member.getAddress().getPort())
          .put("http", member.getAttribute(HazelcastSetup.HTTP_ATTRIBUTE)));
    }
    return catalog.owners().map(owners -> {
      JsonArray partitions = new JsonArray();
      owners.forEach(o -> partitions.add(o.toJson()));
      return new JsonObject().put("members", members).put("partitions", partitions);
    });
  }
}
