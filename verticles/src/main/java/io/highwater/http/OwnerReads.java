package io.highwater.http;

import io.highwater.cluster.Addresses;
import io.highwater.partition.PartitionId;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** Hands a cache-level read to the partition's owner and answers with what it answered. */
final class OwnerReads {

  private final OwnerRoute route;
  private final long marginMs;

  /** {@code marginMs}: how much longer than the read may wait the owner is given to answer. */
  OwnerReads(OwnerRoute route, long marginMs) {
    this.route = route;
    this.marginMs = marginMs;
  }

  /** The caller's token goes with the request: the owner checks it itself. */
  void read(RoutingContext ctx, PartitionId partition, JsonObject request, long timeoutMs) {
    request.put("credential", AccessHandler.identity(ctx).token());
    route.<JsonObject>request(Addresses.cacheReads(partition), request, timeoutMs + marginMs, reply -> reply.getBoolean("moved", false))
        .onSuccess(reply -> {
          if (reply.body().getBoolean("moved", false)) {
            ApiError.unavailable("partition " + partition + " is moving to another node; send again").send(ctx);
          } else {
            Responses.json(ctx, reply.body().getInteger("status"), reply.body().getJsonObject("body"));
          }
        })
        .onFailure(e -> ApiError.unavailable("partition " + partition + " has no owner answering: " + e.getMessage()).send(ctx));
  }
}
