package io.highwater.http;

import io.highwater.cluster.Addresses;
import io.highwater.partition.PartitionId;
import io.highwater.cp.AppendRequest;
import io.highwater.cp.Outcome;
import io.highwater.cp.OutcomeJson;
import io.highwater.event.Batch;
import io.highwater.event.BatchParser;
import io.highwater.event.InvalidInputException;
import io.highwater.event.PayloadTooLargeException;
import io.highwater.metrics.AppendMeters;
import io.highwater.metrics.AppendResult;
import io.vertx.core.Handler;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.Map;
import java.util.function.Function;

/**
 * {@code POST /v1/apps/{app}/ws/{ws}/events}: validates the batch here, then hands it to the
 * partition's command processor over the (clustered) event bus, on whichever node owns it; this
 * verticle never touches the log itself.
 */
final class AppendHandler implements Handler<RoutingContext> {

  private final Apps apps;
  private final BatchParser parser;
  private final OwnerRoute owner;
  private final long timeoutMs;
  private final Opener opener;
  private final Function<String, AppendMeters> meters;

  AppendHandler(Apps apps, BatchParser parser, OwnerRoute owner, long timeoutMs, Opener opener, Function<String, AppendMeters> meters) {
    this.apps = apps;
    this.parser = parser;
    this.owner = owner;
    this.timeoutMs = timeoutMs;
    this.opener = opener;
    this.meters = meters;
  }

  @Override
  public void handle(RoutingContext ctx) {
    long arrived = System.nanoTime();
    PartitionId partition = apps.partitionOfWs(ctx);
    AppendMeters appMeters = meters.apply(partition.app());
    String ws = apps.ws(ctx);
    Batch batch;
    try {
      batch = parse(ctx);
    } catch (ApiError e) {
      appMeters.answered(AppendResult.REJECTED, 0, System.nanoTime() - arrived);
      throw e;
    }
    int events = batch.events().size();
    owner.<Outcome>request(Addresses.commandProcessor(partition),
        new AppendRequest(ws, batch, ctx.body().length(), AccessHandler.identity(ctx).token()), timeoutMs,
            outcome -> outcome instanceof Outcome.Moved)
        .onSuccess(reply -> {
          appMeters.answered(result(reply.body()), events, System.nanoTime() - arrived);
          answer(ctx, partition, reply.body());
        })
        .onFailure(e -> {
          appMeters.answered(AppendResult.UNAVAILABLE, events, System.nanoTime() - arrived);
          Responses.fail(ctx, unavailable(partition, e));
        });
  }

  private static AppendResult result(Outcome outcome) {
    if (outcome instanceof Outcome.Appended || outcome instanceof Outcome.Repeated) {
      return AppendResult.OK;
    }
    if (outcome instanceof Outcome.Conflicted) {
      return AppendResult.CONFLICT;
    }
    if (outcome instanceof Outcome.InvalidOffset || outcome instanceof Outcome.Rejected || outcome instanceof Outcome.Refused) {
      return AppendResult.REJECTED;
    }
    return AppendResult.UNAVAILABLE;
  }

  private Batch parse(RoutingContext ctx) {
    JsonObject body;
    try {
      body = ctx.body().asJsonObject();
    } catch (DecodeException | ClassCastException e) {
      throw ApiError.badRequest("body", "expected a JSON object");
    }
    if (body == null) {
      throw ApiError.badRequest("body", "expected a JSON object");
    }
    try {
      return parser.parse(body);
    } catch (InvalidInputException e) {
      throw ApiError.badRequest(e.field(), e.reason());
    } catch (PayloadTooLargeException e) {
      throw new ApiError(413, "payload_too_large", e.getMessage(), new JsonObject());
    }
  }

  /** Events of this batch are shown as sent; stored ones (a repeat, theirs) opened like any read. */
  private void answer(RoutingContext ctx, PartitionId partition, Outcome outcome) {
    if (outcome instanceof Outcome.Appended appended) {
      Responses.json(ctx, 200, ok(partition).put("events", OutcomeJson.events(appended.events())));
    } else if (outcome instanceof Outcome.Repeated repeated) {
      opener.events(partition, repeated.events())
          .onSuccess(events -> Responses.json(ctx, 200, ok(partition).put("events", new JsonArray(new ArrayList<>(events)))))
          .onFailure(e -> Responses.fail(ctx, ApiError.unavailable("storage unavailable: " + e.getMessage())));
    } else if (outcome instanceof Outcome.Conflicted c) {
      opener.event(partition, c.theirs())
          .onSuccess(theirs -> Responses.json(ctx, 409, new JsonObject()
              .put("result", "conflict")
              .put("partition", partition.partition())
              .put("events", OutcomeJson.events(c.ahead()))
              .put("conflict", new JsonObject()
                  .put("ours", c.ours().toJson())
                  .put("theirs", theirs)
                  .put("unresolved", c.unresolved()))))
          .onFailure(e -> Responses.fail(ctx, ApiError.unavailable("storage unavailable: " + e.getMessage())));
    } else if (outcome instanceof Outcome.InvalidOffset invalid) {
      new ApiError(400, "invalid_offset",
          "baseOffset: beyond the partition's last offset " + (invalid.nextOffset() - 1),
          new JsonObject().put("nextOffset", invalid.nextOffset())).send(ctx);
    } else if (outcome instanceof Outcome.Rejected rejected) {
      ApiError.badRequest(rejected.field(), rejected.message()).send(ctx);
    } else if (outcome instanceof Outcome.Refused refused) {
      new ApiError(refused.code().equals("forbidden") ? 403 : 401, refused.code(), refused.message(), new JsonObject()).send(ctx);
    } else if (outcome instanceof Outcome.Moved moved) {
      ApiError.unavailable(moved.message()).send(ctx);
    } else {
      ApiError.unavailable(((Outcome.Unavailable) outcome).message()).send(ctx);
    }
  }

  private static JsonObject ok(PartitionId partition) {
    return new JsonObject().put("result", "ok").put("partition", partition.partition());
  }

  private static ApiError unavailable(PartitionId partition, Throwable e) {
    if (e instanceof ReplyException reply && reply.failureType() == ReplyFailure.NO_HANDLERS) {
      return ApiError.unavailable("partition " + partition + " has no owner right now");
    }
    return ApiError.unavailable("partition " + partition + " did not answer: " + e.getMessage());
  }
}
