package io.highwater.client;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.ext.web.client.WebClientSession;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A client of one Highwater node: the whole wire contract ({@code API.md}) as Vert.x Futures and streams.
 *
 * <ul>
 *   <li>HTTP: {@link #append}, {@link #record}, {@link #view}, {@link #events}, {@link #consistency}
 *       and their relatives. Error answers fail the Future with a {@link HighwaterException} carrying the
 *       status, the contract's code, its message and the body ({@link ConsistencyTimeoutException} for a
 *       504 {@code timeout}); an append's 409 is not an error but an {@link AppendResult.Conflict}.
 *   <li>WebSocket: {@link #await} and {@link #watch} share one {@code GET /v1/ws} socket per client,
 *       opened on first use (and again after it closed), each under an id of its own.
 * </ul>
 *
 * <p>Thread-safe: call it from any thread or context. The socket's state lives on the context the
 * client was created on (a new event-loop context when created outside Vert.x); Futures and watch
 * handlers complete on the caller's context when the call was made on one. {@link #close()} closes
 * the socket (active awaits fail with a {@link ConnectionClosedException}, watches end) and the
 * HTTP client.
 */
public final class HighwaterClient {

  private final WebClient http;
  private final Notifications notifications;
  /** host:port, for the message of a failed connection. */
  private final String target;

  private HighwaterClient(WebClient http, Notifications notifications, String target) {
    this.http = http;
    this.target = target;
    this.notifications = notifications;
  }

  /** A client of the node serving HTTP (and {@code /v1/ws}) on {@code host:port}. */
  public static HighwaterClient create(Vertx vertx, String host, int port) {
    return builder(vertx).node(host, port).build();
  }

  /**
   * A client with its HTTP and WebSocket clients configured: {@code httpOptions}' default host, port and
   * SSL name the node (the socket connects there too); {@code pool} sizes the HTTP connection pool.
   */
  public static HighwaterClient create(Vertx vertx, WebClientOptions httpOptions, PoolOptions pool,
      WebSocketClientOptions webSocketOptions) {
    return builder(vertx).http(httpOptions).pool(pool).webSocket(webSocketOptions).build();
  }

  /** A builder of clients of the node at {@code localhost:8080} unless told otherwise. */
  public static Builder builder(Vertx vertx) {
    return new Builder(Objects.requireNonNull(vertx, "vertx"));
  }

  /** The options of a client: where the node is, its HTTP and WebSocket clients, and the caller's token. */
  public static final class Builder {

    private final Vertx vertx;
    private WebClientOptions http = new WebClientOptions().setDefaultHost("localhost").setDefaultPort(8080);
    private PoolOptions pool = new PoolOptions();
    private WebSocketClientOptions webSocket = new WebSocketClientOptions();
    private String token;

    private Builder(Vertx vertx) {
      this.vertx = vertx;
    }

    /** The node serving HTTP (and {@code /v1/ws}) on {@code host:port}. */
    public Builder node(String host, int port) {
      http = new WebClientOptions(http).setDefaultHost(host).setDefaultPort(port);
      return this;
    }

    /** The HTTP client's options: their default host, port and SSL name the node (the socket connects there too). */
    public Builder http(WebClientOptions options) {
      http = new WebClientOptions(options);
      return this;
    }

    /** Sizes the HTTP connection pool. */
    public Builder pool(PoolOptions options) {
      pool = options;
      return this;
    }

    public Builder webSocket(WebSocketClientOptions options) {
      webSocket = options;
      return this;
    }

    /** The bearer token (a JWT) sent with every request and the WebSocket's upgrade; none by default. */
    public Builder token(String token) {
      this.token = token;
      return this;
    }

    public HighwaterClient build() {
      Context context = vertx.getOrCreateContext();
      WebClient client = WebClient.create(vertx, http, pool);
      WebSocketConnectOptions connect = new WebSocketConnectOptions()
          .setHost(http.getDefaultHost())
          .setPort(http.getDefaultPort())
          .setSsl(http.isSsl())
          .setURI("/v1/ws");
      if (token != null) {
        String bearer = "Bearer " + token;
        client = WebClientSession.create(client).addHeader("Authorization", bearer);
        connect.addHeader("Authorization", bearer);
      }
      return new HighwaterClient(client, new Notifications(context, vertx.createWebSocketClient(webSocket), connect),
          http.getDefaultHost() + ":" + http.getDefaultPort());
    }
  }

  // ---- append ----

  /**
   * {@code POST /v1/apps/{app}/ws/{ws}/events}: a conflict-checked, atomic batch. Succeeds with
   * {@link AppendResult.Ok} once the batch is durable, or with {@link AppendResult.Conflict} (409,
   * nothing stored); fails with a {@link HighwaterException} for any other answer (e.g. 400
   * {@code bad_request} naming the field, 400 {@code invalid_offset} with {@code nextOffset} in its body).
   */
  public Future<AppendResult> append(String app, String ws, AppendRequest request) {
    return http.post(workspace(app, ws) + "/events")
        .putHeader("content-type", "application/json")
        .sendBuffer(request.toJson().toBuffer())
        .recover(this::unreachable)
        .map(response -> {
          int status = response.statusCode();
          if (status == 200 || status == 409) {
            JsonObject body = jsonObject(response);
            if (body != null && body.containsKey("result")) {
              return AppendResult.fromJson(body);
            }
          }
          throw HighwaterException.fromResponse(status, response.body());
        });
  }

  // ---- records ----

  /**
   * {@code GET …/aggregates/{type}/{id}}: the aggregate's state, consistent at {@code options}'
   * offset and level. Fails with 404 {@code not_found} when it has no event up to that offset, and
   * with a {@link ConsistencyTimeoutException} when the records did not get there in time.
   */
  public Future<RecordState> record(String app, String ws, String type, Object id, ReadOptions options) {
    HttpRequest<Buffer> request = http.get(workspace(app, ws) + "/aggregates/" + Wire.segment(type) + "/"
        + Wire.segment(Wire.nameId(id)));
    return send(read(request, options)).map(RecordState::fromJson);
  }

  /** The aggregate's state as the server has it now, at level cache. */
  public Future<RecordState> record(String app, String ws, String type, Object id) {
    return record(app, ws, type, id, ReadOptions.latest());
  }

  /** {@code GET …/aggregates/{type}/{id}/conflicts?since=N}: every stored event an action based at {@code since} would conflict with. */
  public Future<List<StoredEvent>> conflicts(String app, String ws, String type, Object id, long since) {
    return http.get(workspace(app, ws) + "/aggregates/" + Wire.segment(type) + "/" + Wire.segment(Wire.nameId(id))
            + "/conflicts")
        .addQueryParam("since", Long.toString(since))
        .send()
        .recover(this::unreachable)
        .map(response -> {
          if (response.statusCode() != 200) {
            throw HighwaterException.fromResponse(response.statusCode(), response.body());
          }
          List<StoredEvent> events = new ArrayList<>();
          new JsonArray(response.body()).forEach(o -> events.add(StoredEvent.fromJson((JsonObject) o)));
          return events;
        });
  }

  // ---- views ----

  /** {@code GET …/views/{view}/{key}}: a view's value for a key, consistent as {@code options} say; errors as for records. */
  public Future<ViewValue> view(String app, String ws, String view, String key, ReadOptions options) {
    HttpRequest<Buffer> request = http.get(workspace(app, ws) + "/views/" + Wire.segment(view) + "/" + Wire.segment(key));
    return send(read(request, options)).map(ViewValue::fromJson);
  }

  public Future<ViewValue> view(String app, String ws, String view, String key) {
    return view(app, ws, view, key, ReadOptions.latest());
  }

  // ---- the log ----

  /**
   * {@code GET …/ws/{ws}/events?from=N&limit=M}: the stored events with offset ≥ {@code from}, in offset
   * order, and the earlier actions each effect among them replays (marked with their
   * {@link StoredEvent#replayCause()}). {@code limit} ≤ 0 takes the server's default (1,000); filters
   * (repeatable) keep some aggregate types or aggregates.
   */
  public Future<List<StoredEvent>> events(String app, String ws, long from, int limit, EventFilter... filters) {
    return log(http.get(workspace(app, ws) + "/events"), from, limit, filters);
  }

  /** {@code GET /v1/apps/{app}/partitions/{p}/events}: the same for a whole partition. */
  public Future<List<StoredEvent>> partitionEvents(String app, int partition, long from, int limit, EventFilter... filters) {
    return log(http.get(partition(app, partition) + "/events"), from, limit, filters);
  }

  // ---- consistency ----

  /** {@code GET …/ws/{ws}/consistency}: the workspace's partition's cpOffset and watermarks. */
  public Future<Consistency> consistency(String app, String ws) {
    return send(http.get(workspace(app, ws) + "/consistency")).map(Consistency::fromJson);
  }

  /** {@code GET /v1/apps/{app}/partitions/{p}/consistency}. */
  public Future<Consistency> partitionConsistency(String app, int partition) {
    return send(http.get(partition(app, partition) + "/consistency")).map(Consistency::fromJson);
  }

  /** {@code GET /v1/cluster}: members, partition owners and epochs, as the server answers them. */
  public Future<JsonObject> cluster() {
    return send(http.get("/v1/cluster"));
  }

  // ---- WebSocket ----

  /**
   * Waits until the entity ({@code records}, {@code view:<name>}) of the workspace's partition is
   * consistent at {@code offset} at {@code level}: completes with the {@code consistent} reply (at once
   * when it already is), fails with a {@link ConsistencyTimeoutException} after {@code timeoutMs}
   * (1 to the server's maximum, 60,000 by default), with a {@link HighwaterException} for an
   * {@code error} reply, or a {@link ConnectionClosedException} when the socket closes first.
   */
  public Future<Consistent> await(String app, String ws, String entity, long offset, Level level, long timeoutMs) {
    return notifications.await(subscription(app, ws, entity, level).put("offset", offset).put("timeoutMs", timeoutMs));
  }

  /** As {@link #await(String, String, String, long, Level, long)} with the server's default timeout (5,000 ms). */
  public Future<Consistent> await(String app, String ws, String entity, long offset, Level level) {
    return notifications.await(subscription(app, ws, entity, level).put("offset", offset));
  }

  /**
   * Follows the watermarks of an entity ({@code records}, {@code view:<name>} or {@link Entity#ALL}) of
   * the workspace's partition: an {@link Advanced} whenever its watermark at {@code level} moves,
   * starting with the current one. See {@link WatchStream}.
   */
  public WatchStream watch(String app, String ws, String entity, Level level) {
    return notifications.watch(subscription(app, ws, entity, level));
  }

  /** {@link #watch(String, String, String, Level)} at level cache. */
  public WatchStream watch(String app, String ws, String entity) {
    return watch(app, ws, entity, Level.CACHE);
  }

  /** Closes the socket (awaits fail, watches end) and the HTTP client. */
  public Future<Void> close() {
    return notifications.close().onComplete(ar -> http.close());
  }

  /** How many awaits and watches are active on the socket. */
  public Future<Integer> activeSubscriptions() {
    return notifications.activeCount();
  }

  /**
   * How many frames the socket received that matched no active await or watch (an error about a
   * message without a readable id, a reply after its await ended…); ignored, counted for diagnosis.
   */
  public long unroutedFrames() {
    return notifications.unroutedFrames();
  }

  // ---- helpers ----

  private static JsonObject subscription(String app, String ws, String entity, Level level) {
    return new JsonObject()
        .put("app", Objects.requireNonNull(app, "app"))
        .put("ws", Objects.requireNonNull(ws, "ws"))
        .put("entity", Objects.requireNonNull(entity, "entity"))
        .put("level", (level == null ? Level.CACHE : level).wire());
  }

  private static String workspace(String app, String ws) {
    return "/v1/apps/" + Wire.segment(app) + "/ws/" + Wire.segment(ws);
  }

  private static String partition(String app, int partition) {
    return "/v1/apps/" + Wire.segment(app) + "/partitions/" + partition;
  }

  private static HttpRequest<Buffer> read(HttpRequest<Buffer> request, ReadOptions options) {
    if (options != null) {
      if (options.consistentAt() != null) {
        request.addQueryParam("consistentAt", options.consistentAt().toString());
      }
      if (options.level() != null) {
        request.addQueryParam("level", options.level().wire());
      }
      if (options.timeoutMs() != null) {
        request.addQueryParam("timeoutMs", options.timeoutMs().toString());
      }
    }
    return request;
  }

  private <T> Future<T> unreachable(Throwable failure) {
    return Future.failedFuture(ConnectionFailedException.of(target, failure));
  }

  private Future<JsonObject> send(HttpRequest<Buffer> request) {
    return request.send().recover(this::unreachable).map(response -> {
      JsonObject body = response.statusCode() == 200 ? jsonObject(response) : null;
      if (body == null) {
        throw HighwaterException.fromResponse(response.statusCode(), response.body());
      }
      return body;
    });
  }

  private Future<List<StoredEvent>> log(HttpRequest<Buffer> request, long from, int limit, EventFilter... filters) {
    request.addQueryParam("from", Long.toString(from));
    if (limit > 0) {
      request.addQueryParam("limit", Integer.toString(limit));
    }
    for (EventFilter filter : filters) {
      request.addQueryParam(filter.param(), filter.value());
    }
    return request.send().recover(this::unreachable).map(response -> {
      if (response.statusCode() != 200) {
        throw HighwaterException.fromResponse(response.statusCode(), response.body());
      }
      return parseNdjson(response.body());
    });
  }

  /** One stored event per non-blank line. */
  static List<StoredEvent> parseNdjson(Buffer body) {
    List<StoredEvent> events = new ArrayList<>();
    if (body != null) {
      body.toString().lines().filter(line -> !line.isBlank())
          .forEach(line -> events.add(StoredEvent.fromJson(new JsonObject(line))));
    }
    return events;
  }

  private static JsonObject jsonObject(HttpResponse<Buffer> response) {
    Buffer body = response.body();
    if (body == null || body.length() == 0) {
      return null;
    }
    try {
      return new JsonObject(body);
    } catch (RuntimeException notAnObject) {
      return null;
    }
  }
}
