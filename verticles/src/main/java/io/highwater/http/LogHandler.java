package io.highwater.http;

import io.highwater.cluster.PartitionId;
import io.highwater.config.HighwaterConfig;
import io.highwater.event.Aggregate;
import io.highwater.event.AggregateKey;
import io.highwater.event.BatchParser;
import io.highwater.event.InvalidInputException;
import io.highwater.event.StoredEvent;
import io.highwater.storage.EventLog;
import io.highwater.storage.StreamFilter;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reading the log as NDJSON (coherence's {@code stream-events}): the stored events from an offset,
 * and for every effect among them the earlier actions it replays, marked {@code replay}.
 */
final class LogHandler {

  private final Apps apps;
  private final EventLog log;
  private final HighwaterConfig.Limits limits;
  private final Opener opener;

  LogHandler(Apps apps, EventLog log, HighwaterConfig.Limits limits, Opener opener) {
    this.apps = apps;
    this.log = log;
    this.limits = limits;
    this.opener = opener;
  }

  /** {@code GET /v1/apps/{app}/ws/{ws}/events} */
  void workspace(RoutingContext ctx) {
    stream(ctx, apps.partitionOfWs(ctx), apps.ws(ctx));
  }

  /** {@code GET /v1/apps/{app}/partitions/{p}/events} */
  void partition(RoutingContext ctx) {
    stream(ctx, apps.partition(ctx), null);
  }

  private void stream(RoutingContext ctx, PartitionId partition, String ws) {
    long from = Math.max(1, Params.optionalLong(ctx, "from", 0).orElse(1));
    int limit = (int) Params.bounded(ctx, "limit", 1, limits.maxStreamLimit(), limits.defaultStreamLimit());
    StreamFilter filter = filter(ctx);
    log.read(partition, from, limit, ws, filter)
        .compose(events -> {
          List<StoredEvent> effects = events.stream().filter(e -> !e.event().isAction()).toList();
          return log.replays(partition, effects, from).compose(replays -> {
            List<EventLog.Replay> passing = replays.stream()
                .filter(r -> filter.passes(new AggregateKey(r.action().ws(), r.action().event().action().aggregate())))
                .toList();
            List<StoredEvent> all = new java.util.ArrayList<>(passing.stream().map(EventLog.Replay::action).toList());
            all.addAll(events);
            return opener.events(partition, all).map(opened -> {
              Buffer out = Buffer.buffer();
              for (int i = 0; i < opened.size(); i++) {
                JsonObject json = opened.get(i);
                line(out, i < passing.size() ? json.put("replay", new JsonObject().put("cause", passing.get(i).cause())) : json);
              }
              return out;
            });
          });
        })
        .onSuccess(out -> ctx.response().putHeader("content-type", "application/x-ndjson").end(out))
        .onFailure(e -> Responses.fail(ctx, ApiError.unavailable("storage unavailable: " + e.getMessage())));
  }

  private static void line(Buffer out, JsonObject json) {
    out.appendBuffer(json.toBuffer()).appendByte((byte) '\n');
  }

  private static StreamFilter filter(RoutingContext ctx) {
    Set<String> types = new HashSet<>();
    for (String type : ctx.queryParam("type")) {
      types.add(parse("type", () -> BatchParser.aggregate("type", type, "x").type()));
    }
    Set<Aggregate> aggregates = new HashSet<>();
    for (String value : ctx.queryParam("aggregate")) {
      int slash = value.indexOf('/');
      if (slash < 0) {
        throw ApiError.badRequest("aggregate", "expected type/id, got '" + value + "'");
      }
      aggregates.add(parse("aggregate", () -> BatchParser.aggregate("aggregate", value.substring(0, slash), value.substring(slash + 1))));
    }
    return new StreamFilter(types, aggregates);
  }

  private static <T> T parse(String field, java.util.function.Supplier<T> parse) {
    try {
      return parse.get();
    } catch (InvalidInputException e) {
      throw ApiError.badRequest(field, e.reason());
    }
  }
}
