package io.highwater.http;

import io.highwater.partition.PartitionId;
import io.highwater.config.HighwaterConfig;
import io.highwater.event.Aggregate;
import io.highwater.event.AggregateKey;
import io.highwater.event.BatchParser;
import io.highwater.event.InvalidInputException;
import io.highwater.event.StoredEvent;
import io.highwater.storage.EventLog;
import io.highwater.storage.StreamFilter;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
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
    Answer answer = new Answer(ctx.response());
    // The replays come first: they are actions from before {@code from}, and the answer is in offset order.
    log.effectsIn(partition, from, limit, ws, filter)
        .compose(effects -> replays(answer, partition, effects, from, filter, null))
        .compose(v -> events(answer, partition, from, limit, ws, filter))
        .onSuccess(v -> answer.end())
        .onFailure(e -> answer.fail(ctx, e));
  }

  private Future<Void> replays(Answer answer, PartitionId partition, List<EventLog.EffectAt> effects, long from,
      StreamFilter filter, EventLog.Replay after) {
    return log.replays(partition, effects, from, after).compose(page -> {
      if (page.isEmpty()) {
        return Future.succeededFuture();
      }
      List<EventLog.Replay> passing = page.stream()
          .filter(r -> filter.passes(new AggregateKey(r.action().ws(), r.action().event().action().aggregate())))
          .toList();
      return opener.events(partition, passing.stream().map(EventLog.Replay::action).toList())
          .compose(opened -> {
            Buffer out = Buffer.buffer();
            for (int i = 0; i < opened.size(); i++) {
              line(out, opened.get(i).put("replay", new JsonObject().put("cause", passing.get(i).cause())));
            }
            return answer.write(out);
          })
          .compose(v -> replays(answer, partition, effects, from, filter, page.get(page.size() - 1)));
    });
  }

  private Future<Void> events(Answer answer, PartitionId partition, long from, int left, String ws, StreamFilter filter) {
    return log.read(partition, from, left, ws, filter).compose(page -> {
      if (page.isEmpty()) {
        return Future.succeededFuture();
      }
      return opener.events(partition, page)
          .compose(opened -> {
            Buffer out = Buffer.buffer();
            opened.forEach(json -> line(out, json));
            return answer.write(out);
          })
          .compose(v -> page.size() == left ? Future.succeededFuture()
              : events(answer, partition, page.get(page.size() - 1).offset() + 1, left - page.size(), ws, filter));
    });
  }

  /**
   * The NDJSON answer, written a page at a time: the next page is read only once the client has
   * taken the last, so a large answer holds one page in memory.
   */
  private static final class Answer {
    private final HttpServerResponse response;
    private boolean started;

    Answer(HttpServerResponse response) {
      this.response = response;
    }

    Future<Void> write(Buffer page) {
      if (response.closed()) {
        return Future.failedFuture(new IllegalStateException("the client left"));
      }
      if (page.length() == 0) {
        return Future.succeededFuture();
      }
      if (!started) {
        started = true;
        response.setChunked(true).putHeader("content-type", "application/x-ndjson");
      }
      response.write(page);
      if (!response.writeQueueFull()) {
        return Future.succeededFuture();
      }
      Promise<Void> drained = Promise.promise();
      response.drainHandler(v -> drained.tryComplete());
      response.closeHandler(v -> drained.tryFail("the client left"));
      return drained.future();
    }

    void end() {
      if (!started) {
        response.putHeader("content-type", "application/x-ndjson");
      }
      response.end();
    }

    /** Before the first page, an error answer; after it, the connection is reset so that the client sees it cut short. */
    void fail(RoutingContext ctx, Throwable e) {
      if (!started) {
        Responses.fail(ctx, ApiError.unavailable("storage unavailable: " + e.getMessage()));
      } else if (!response.closed()) {
        response.reset();
      }
    }
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
