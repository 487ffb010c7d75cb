package io.highwater.http;

import com.hazelcast.core.HazelcastInstance;
import io.highwater.auth.AccessRules;
import io.highwater.auth.AuthKey;
import io.highwater.auth.TokenVerifier;
import io.highwater.cluster.ClusterView;
import io.highwater.cluster.OwnedPartitions;
import io.highwater.config.HighwaterConfig;
import io.highwater.coordinator.ConsistencyMap;
import io.highwater.coordinator.ConsistencyWatch;
import io.highwater.event.BatchParser;
import io.highwater.keys.KeyRing;
import io.highwater.storage.EventLog;
import io.highwater.storage.RecordStore;
import io.highwater.storage.ViewStore;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The HTTP API of {@code API.md}; one instance per event loop, sharing the port. */
public final class HttpVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(HttpVerticle.class);

  private final HighwaterConfig config;
  private final Pool pool;
  private final HazelcastInstance hazelcast;
  private final ClusterView cluster;
  private final Readiness readiness;
  private final KeyRing keyRing;
  private final OwnedPartitions owned;
  private final AuthKey authKey;
  private ConsistencyWatch watch;
  private HttpServer server;

  public HttpVerticle(HighwaterConfig config, Pool pool, HazelcastInstance hazelcast, ClusterView cluster, Readiness readiness,
      KeyRing keyRing, OwnedPartitions owned, AuthKey authKey) {
    this.authKey = authKey;
    this.owned = owned;
    this.config = config;
    this.pool = pool;
    this.hazelcast = hazelcast;
    this.cluster = cluster;
    this.readiness = readiness;
    this.keyRing = keyRing;
  }

  @Override
  public Future<?> start() {
    watch = new ConsistencyWatch(vertx, new ConsistencyMap(vertx, hazelcast));
    return watch.start(config.partitions())
        .compose(v -> vertx.createHttpServer(serverOptions()).requestHandler(new PercentEscapes(router())).listen(config.http().port(), config.http().host()))
        .onSuccess(s -> server = s);
  }

  /**
   * Refuses new connections and answers the requests in flight before closing theirs, for at most
   * an append's timeout: a node that stops (SIGTERM) has handed its partitions over by then, so
   * they are answered by the new owners rather than cut off.
   */
  @Override
  public Future<?> stop() {
    Future<Void> drained = server == null ? Future.succeededFuture()
        : server.shutdown(config.commandProcessor().requestTimeoutMs(), TimeUnit.MILLISECONDS);
    return drained.eventually(watch::stop);
  }

  private Router router() {
    Apps apps = new Apps(config);
    EventLog log = new EventLog(pool, owned);
    Opener opener = new Opener(keyRing);
    OwnerRoute route = new OwnerRoute(vertx, config.cluster().routeRetryMs());
    OwnerReads ownerReads = new OwnerReads(route, config.reads().ownerMarginMs());
    AppendHandler append = new AppendHandler(apps, new BatchParser(config.limits().maxEvents(), Clock.systemUTC()),
        route, config.commandProcessor().requestTimeoutMs(), opener);
    RecordsHandler recordsHandler = new RecordsHandler(apps, new RecordReader(vertx, watch, new RecordStore(pool, owned), opener, state -> true),
        ownerReads, log, config.reads(), opener);
    LogHandler logHandler = new LogHandler(apps, log, config.limits(), opener);
    ConsistencyHandler consistency = new ConsistencyHandler(apps, watch);
    ViewsHandler views = new ViewsHandler(vertx, apps, new ViewReader(vertx, watch, new ViewStore(pool, owned), keyRing, state -> true), ownerReads,
        config.reads());
    WebSocketHandler webSockets = new WebSocketHandler(vertx, config, watch);

    Router router = Router.router(vertx);
    router.route("/v1/*").handler(new AccessHandler(TokenVerifier.create(vertx, authKey), AccessRules.API));
    router.post("/v1/apps/:app/ws/:ws/events")
        .handler(BodyHandler.create(false).setBodyLimit(config.limits().maxBodyBytes()))
        .handler(append);
    router.get("/v1/apps/:app/ws/:ws/events").handler(logHandler::workspace);
    router.get("/v1/apps/:app/partitions/:p/events").handler(logHandler::partition);
    router.get("/v1/apps/:app/ws/:ws/aggregates/:type/:id/conflicts").handler(recordsHandler::conflicts);
    router.get("/v1/apps/:app/ws/:ws/aggregates/:type/:id").handler(recordsHandler::read);
    router.get("/v1/apps/:app/ws/:ws/views/:view/:key").handler(views::read);
    router.post("/v1/apps/:app/views/:view/rebuild").handler(views::rebuild);
    router.get("/v1/apps/:app/partitions/:p/consistency").handler(consistency::partition);
    router.get("/v1/apps/:app/ws/:ws/consistency").handler(consistency::workspace);
    router.get("/v1/ws").handler(webSockets::upgrade);
    router.get("/v1/cluster").handler(ctx -> cluster.toJson()
        .onSuccess(json -> Responses.json(ctx, 200, json))
        .onFailure(e -> Responses.fail(ctx, ApiError.unavailable("storage unavailable: " + e.getMessage()))));
    router.get("/metrics").handler(new Metrics(config, watch)::handle);
    router.get("/health/live").handler(HealthCheckHandler.createWithHealthChecks(
        HealthChecks.create(vertx).register("event-loop", promise -> promise.complete(Status.OK()))));
    router.get("/health/ready").handler(HealthCheckHandler.createWithHealthChecks(readinessChecks()));
    router.route().last().handler(ctx -> ApiError.notFound("no such resource: " + ctx.request().path()).send(ctx));
    router.route().failureHandler(ctx -> {
      Throwable failure = ctx.failure();
      if (failure instanceof ApiError error) {
        error.send(ctx);
        return;
      }
      int status = ctx.statusCode() > 0 ? ctx.statusCode() : 500;
      if (status == 500) {
        LOG.error("Unexpected failure on {} {}", ctx.request().method(), ctx.request().path(), failure);
      }
      String message = status == 413 ? "the request body is larger than " + config.limits().maxBodyBytes() + " bytes"
          : failure == null ? "request failed" : failure.getMessage();
      ApiError.forStatus(status, message).send(ctx);
    });
    return router;
  }

  private HttpServerOptions serverOptions() {
    HighwaterConfig.WebSocket ws = config.webSocket();
    HttpServerOptions options = new HttpServerOptions()
        .setMaxWebSocketFrameSize(ws.transportMaxBytes())
        .setMaxWebSocketMessageSize(ws.transportMaxBytes())
        .setWebSocketClosingTimeout(ws.closingTimeoutSeconds());
    HighwaterConfig.Http http = config.http();
    if (http.tls()) {
      options.setSsl(true).setKeyCertOptions(new PemKeyCertOptions()
          .setCertPath(http.tlsCertFile().orElseThrow()).setKeyPath(http.tlsKeyFile().orElseThrow()));
    }
    return options;
  }

  private HealthChecks readinessChecks() {
    HealthChecks checks = HealthChecks.create(vertx);
    checks.register("postgresql", promise -> pool.query("SELECT 1").execute()
        .onSuccess(rows -> promise.complete(Status.OK()))
        .onFailure(e -> promise.complete(Status.KO())));
    checks.register("partitions", promise -> promise.complete(readiness.partitions()));
    checks.register("cluster", promise -> promise.complete(
        hazelcast.getLifecycleService().isRunning() ? Status.OK() : Status.KO()));
    return checks;
  }
}
