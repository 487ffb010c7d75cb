package io.highwater.http;

import com.hazelcast.core.HazelcastInstance;
import io.highwater.apps.AppDeployer;
import io.highwater.auth.AccessRules;
import io.highwater.auth.AuthKey;
import io.highwater.auth.TokenVerifier;
import io.highwater.cluster.ClusterView;
import io.highwater.partition.OwnedPartitions;
import io.highwater.config.HighwaterConfig;
import io.highwater.coordinator.ConsistencyMap;
import io.highwater.coordinator.ConsistencyWatch;
import io.highwater.event.BatchParser;
import io.highwater.keys.KeyRing;
import io.highwater.storage.AppDefinitions;
import io.highwater.metrics.AppendMeters;
import io.highwater.metrics.HighwaterMetrics;
import io.highwater.storage.EventLog;
import io.highwater.storage.RecordStore;
import io.highwater.storage.ViewStore;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import io.vertx.micrometer.PrometheusScrapingHandler;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
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
  private final AppDeployer deployer;
  private final HighwaterMetrics metrics;
  private ConsistencyWatch watch;
  private OwnerRoute route;
  private OwnerConsistency ownerConsistency;
  private HttpServer server;

  public HttpVerticle(HighwaterConfig config, Pool pool, HazelcastInstance hazelcast, ClusterView cluster, Readiness readiness,
      KeyRing keyRing, OwnedPartitions owned, AppDeployer deployer, HighwaterMetrics metrics, AuthKey authKey) {
    this.authKey = authKey;
    this.owned = owned;
    this.deployer = deployer;
    this.metrics = metrics;
    this.config = config;
    this.pool = pool;
    this.hazelcast = hazelcast;
    this.cluster = cluster;
    this.readiness = readiness;
    this.keyRing = keyRing;
  }

  @Override
  public Future<?> start() {
    route = new OwnerRoute(vertx, config.cluster().routeRetryMs());
    ownerConsistency = new OwnerConsistency(route, new ConsistencyMap(vertx, hazelcast), config.reads().ownerMarginMs());
    watch = new ConsistencyWatch(vertx, ownerConsistency);
    return watch.start(deployer.registry().partitions())
        .compose(v -> vertx.createHttpServer(serverOptions()).requestHandler(new PercentEscapes(router())).listen(config.http().port(), config.http().host()))
        .onSuccess(s -> server = s);
  }

  /**
   * Refuses new connections and answers the requests in flight before closing theirs, for at most
   * an append's timeout: the first step of a node's stop, while its partitions still run to answer
   * them (Highwater.stop).
   */
  @Override
  public Future<?> stop() {
    Future<Void> drained = server == null ? Future.succeededFuture()
        : server.shutdown(config.commandProcessor().requestTimeoutMs(), TimeUnit.MILLISECONDS);
    return drained.eventually(watch::stop);
  }

  private Router router() {
    Apps apps = new Apps(deployer.registry());
    EventLog log = new EventLog(pool, owned);
    Opener opener = new Opener(keyRing);
    OwnerReads ownerReads = new OwnerReads(route, config.reads().ownerMarginMs());
    AppendHandler append = new AppendHandler(apps, new BatchParser(config.limits().maxEvents(), Clock.systemUTC()),
        route, config.commandProcessor().requestTimeoutMs(), opener, appendMeters());
    RecordsHandler recordsHandler = new RecordsHandler(apps, new RecordReader(vertx, watch, new RecordStore(pool, owned), opener, state -> true),
        ownerReads, log, config.reads(), opener);
    LogHandler logHandler = new LogHandler(apps, log, config.limits(), opener);
    ConsistencyHandler consistency = new ConsistencyHandler(apps, ownerConsistency, config.reads().defaultTimeoutMs());
    ViewsHandler views = new ViewsHandler(vertx, apps, new ViewReader(vertx, watch, new ViewStore(pool, owned), keyRing, state -> true), ownerReads,
        config.reads(), route, config.commandProcessor().requestTimeoutMs());
    WebSocketHandler webSockets = new WebSocketHandler(vertx, config, deployer.registry(), watch, metrics);

    Router router = Router.router(vertx);
    // The first handler of every /v1/ route, so that 401 and 403 come before any other (a route of its own would
    // add its path to every request's route label in the metrics).
    AccessHandler access = new AccessHandler(TokenVerifier.create(vertx, authKey), AccessRules.API);
    Routes routes = new Routes(router, "/v1/", access);
    routes.add(HttpMethod.POST, "/v1/apps/:app/ws/:ws/events", r -> r
        .handler(new BodyIsJson())
        .handler(BodyHandler.create(false).setBodyLimit(config.limits().maxBodyBytes()))
        .handler(append));
    routes.add(HttpMethod.GET, "/v1/apps/:app/ws/:ws/events", r -> r.handler(logHandler::workspace));
    routes.add(HttpMethod.GET, "/v1/apps/:app/partitions/:p/events", r -> r.handler(logHandler::partition));
    routes.add(HttpMethod.GET, "/v1/apps/:app/ws/:ws/aggregates/:type/:id/conflicts", r -> r.handler(recordsHandler::conflicts));
    routes.add(HttpMethod.GET, "/v1/apps/:app/ws/:ws/aggregates/:type/:id", r -> r.handler(recordsHandler::read));
    routes.add(HttpMethod.GET, "/v1/apps/:app/ws/:ws/views/:view/:key", r -> r.handler(views::read));
    // Operators' calls on a view (role admin): rebuild it, and resume or skip past a failed partition of it.
    routes.add(HttpMethod.POST, "/v1/apps/:app/views/:view/rebuild", r -> r.handler(views::rebuild));
    routes.add(HttpMethod.POST, "/v1/apps/:app/views/:view/partitions/:p/resume", r -> r.handler(views::resume));
    routes.add(HttpMethod.POST, "/v1/apps/:app/views/:view/partitions/:p/skip", r -> r
        .handler(new BodyIsJson())
        .handler(BodyHandler.create(false).setBodyLimit(4096))
        .handler(views::skip));
    routes.add(HttpMethod.GET, "/v1/apps/:app/partitions/:p/consistency", r -> r.handler(consistency::partition));
    routes.add(HttpMethod.GET, "/v1/apps/:app/ws/:ws/consistency", r -> r.handler(consistency::workspace));
    routes.add(HttpMethod.GET, "/v1/ws", r -> r.handler(webSockets::upgrade));
    deploymentRoutes(routes, new AppsHandler(deployer, new AppDefinitions(pool), watch));
    routes.add(HttpMethod.GET, "/v1/cluster", r -> r.handler(ctx -> cluster.toJson()
        .onSuccess(json -> Responses.json(ctx, 200, json))
        .onFailure(e -> Responses.fail(ctx, ApiError.unavailable("storage unavailable: " + e.getMessage())))));
    routes.add(HttpMethod.GET, "/metrics", r -> r.handler(PrometheusScrapingHandler.create(metrics.registry())));
    routes.add(HttpMethod.GET, "/health/live", r -> r.handler(HealthCheckHandler.createWithHealthChecks(
        HealthChecks.create(vertx).register("event-loop", promise -> promise.complete(Status.OK())))));
    routes.add(HttpMethod.GET, "/health/ready", r -> r.handler(HealthCheckHandler.createWithHealthChecks(readinessChecks())));
    routes.add(HttpMethod.GET, "/", r -> r.handler(ctx -> Responses.json(ctx, 200, Root.json())));
    ConsoleRoutes.mount(router);
    // A /v1/ path no route serves, or a method it does not take: 401 without a valid token, then 404 or 405.
    router.route("/v1/*").handler(access);
    routes.methodNotAllowed();
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
      ApiError.forStatus(status, failureMessage(status, failure)).send(ctx);
    });
    return router;
  }

  /** App deployment, all in one place: putting an app needs role {@code admin}, reading one {@code read} ({@link AccessRules}). */
  private void deploymentRoutes(Routes routes, AppsHandler apps) {
    routes.add(HttpMethod.PUT, "/v1/apps/:app", r -> r
        .handler(new BodyIsJson())
        .handler(BodyHandler.create(false).setBodyLimit(config.limits().maxBodyBytes()))
        .handler(apps::put));
    routes.add(HttpMethod.GET, "/v1/apps/:app", r -> r.handler(apps::get));
    routes.add(HttpMethod.GET, "/v1/apps", r -> r.handler(apps::list));
  }

  /** Never null: a failure from Vert.x itself may carry no message, and the contract promises one. */
  private String failureMessage(int status, Throwable failure) {
    if (status == 413) {
      return "the request body is larger than " + config.limits().maxBodyBytes() + " bytes";
    }
    if (failure != null && failure.getMessage() != null && !failure.getMessage().isBlank()) {
      return failure.getMessage();
    }
    return switch (status) {
      case 400 -> "body: the request could not be read";
      case 500 -> "internal error" + (failure == null ? "" : " (" + failure.getClass().getSimpleName() + ")");
      default -> "request failed with status " + status;
    };
  }

  /** Resolved once per app, on first use, so that an append records its meters without looking them up. */
  private Function<String, AppendMeters> appendMeters() {
    Map<String, AppendMeters> byApp = new HashMap<>();
    return app -> byApp.computeIfAbsent(app, metrics::appends);
  }

  private HttpServerOptions serverOptions() {
    HighwaterConfig.WebSocket ws = config.webSocket();
    HttpServerOptions options = new HttpServerOptions()
        .setIdleTimeout(config.limits().idleTimeoutSeconds())
        .setMaxInitialLineLength(config.limits().maxRequestLineBytes())
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
    checks.register("watermarks", promise -> promise.complete(readiness.watermarks()));
    checks.register("cluster", promise -> promise.complete(
        hazelcast.getLifecycleService().isRunning() ? Status.OK() : Status.KO()));
    return checks;
  }
}
