package io.highwater.http;

import io.highwater.auth.AuthFailure;
import io.highwater.auth.Identity;
import io.highwater.auth.Role;
import io.highwater.auth.Scope;
import io.highwater.config.HighwaterConfig;
import io.highwater.coordinator.ConsistencyWatch;
import io.highwater.metrics.HighwaterMetrics;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client socket of {@code GET /v1/ws}: takes its messages, keeps its awaits and watches by id,
 * and releases all of them when the socket closes. Runs on the context of the HttpVerticle that
 * accepted it, the same as that verticle's {@link ConsistencyWatch} and {@link SubscriptionIndex}.
 */
final class WebSocketConnection {

  private static final Logger LOG = LoggerFactory.getLogger(WebSocketConnection.class);

  /** WebSocket status 1008, policy violation: the client did not read its messages, or its token expired. */
  private static final short POLICY_VIOLATION = 1008;

  private final ServerWebSocket ws;
  private final Vertx vertx;
  private final ConsistencyWatch watch;
  private final SubscriptionIndex index;
  private final WebSocketRequestParser parser;
  private final HighwaterConfig.WebSocket limits;
  private final WebSocketOutbox outbox;
  private final Map<String, Subscription> active = new HashMap<>();
  private final Identity identity;
  private long expiryTimer = -1;
  private long pingTimer = -1;
  private final HighwaterMetrics metrics;
  /** Why the socket closed, once it has: counted once. */
  private String closedBecause;

  WebSocketConnection(ServerWebSocket ws, Vertx vertx, ConsistencyWatch watch, SubscriptionIndex index,
      WebSocketRequestParser parser, HighwaterConfig.WebSocket limits, HighwaterMetrics metrics, Identity identity) {
    this.identity = identity;
    this.ws = ws;
    this.metrics = metrics;
    this.vertx = vertx;
    this.watch = watch;
    this.index = index;
    this.parser = parser;
    this.limits = limits;
    this.outbox = new WebSocketOutbox(ws, limits.maxQueuedBytes(), this::tooSlow);
  }

  void start() {
    ws.textMessageHandler(this::onText);
    ws.binaryMessageHandler(b -> outbox.reply(WebSocketFrames.badRequest(null, "expected JSON text frames, got a binary one")));
    ws.exceptionHandler(e -> LOG.debug("WebSocket {} failed", ws.remoteAddress(), e));
    ws.closeHandler(v -> {
      closed(reason(ws.closeStatusCode()));
      release();
    });
    // The HTTP idle timeout counts frames both ways: pings keep a quiet subscription's socket open.
    if (limits.pingIntervalSeconds() > 0) {
      pingTimer = vertx.setPeriodic(limits.pingIntervalSeconds() * 1000L, t -> {
        if (!ws.isClosed() && !ws.writeQueueFull()) {
          ws.writePing(Buffer.buffer());
        }
      });
    }
    // The token was checked at the upgrade; it stops being valid at its exp, and so does the socket.
    identity.expiresAt().ifPresent(exp -> expiryTimer = vertx.setTimer(
        Math.max(1, exp * 1000 - System.currentTimeMillis()), t -> expired()));
  }

  private void expired() {
    expiryTimer = -1;
    LOG.info("Closing WebSocket {}: its token expired", ws.remoteAddress());
    closed("token_expired");
    release();
    ws.close(POLICY_VIOLATION, "token expired");
  }

  /** An await or a watch reads the workspace's watermarks: the token must grant read on it. */
  private boolean permitted(String id, io.highwater.partition.PartitionId partition, String workspace) {
    Scope scope = Scope.workspace(Role.READ, partition.app(), workspace);
    if (identity.permit(scope)) {
      return true;
    }
    outbox.reply(WebSocketFrames.error(id, "forbidden", AuthFailure.forbidden(scope).getMessage()));
    return false;
  }

  /** The reason tag of a close the client (or the network) made. */
  private static String reason(Short status) {
    if (status == null) {
      return "connection_lost";
    }
    return switch (status) {
      case 1000 -> "normal";
      case 1001 -> "going_away";
      case 1006 -> "connection_lost";
      case 1009 -> "message_too_big";
      default -> "other";
    };
  }

  private void closed(String reason) {
    if (closedBecause == null) {
      closedBecause = reason;
      metrics.disconnects(reason).increment();
    }
  }

  private void onText(String text) {
    try {
      if (tooLarge(text)) {
        throw new WebSocketRequestException(null, "the message is larger than " + limits.maxFrameBytes() + " bytes");
      }
      WebSocketRequest request = parser.parse(text);
      if (request instanceof WebSocketRequest.Cancel cancel) {
        cancel(cancel.id());
      } else if (request instanceof WebSocketRequest.Await await) {
        if (!permitted(await.id(), await.partition(), await.ws())) {
          return;
        }
        admit(await.id());
        add(AwaitSubscription.start(await, vertx, outbox, this::remove));
      } else if (request instanceof WebSocketRequest.Watch w) {
        if (!permitted(w.id(), w.partition(), w.ws())) {
          return;
        }
        admit(w.id());
        add(new WatchSubscription(w, outbox));
      }
    } catch (WebSocketRequestException e) {
      outbox.reply(WebSocketFrames.badRequest(e.id(), e.getMessage()));
    }
  }

  private boolean tooLarge(String text) {
    int max = limits.maxFrameBytes();
    // A UTF-16 unit is at most 3 UTF-8 bytes: count the bytes only when it could matter.
    return text.length() > max || (text.length() * 3L > max && text.getBytes(StandardCharsets.UTF_8).length > max);
  }

  private void admit(String id) {
    if (active.containsKey(id)) {
      throw new WebSocketRequestException(id, "id: '" + id + "' is already in use by an active await or watch");
    }
    if (active.size() >= limits.maxSubscriptionsPerConnection()) {
      throw new WebSocketRequestException(id, "too many active awaits and watches on this connection (at most "
          + limits.maxSubscriptionsPerConnection() + ")");
    }
  }

  /**
   * Indexes the subscription before looking up the current consistency, so that no change can fall
   * between the lookup and the registration; subscriptions tolerate the lookup arriving late.
   */
  private void add(Subscription subscription) {
    active.put(subscription.id(), subscription);
    metrics.subscriptions().incrementAndGet();
    index.add(subscription);
    watch.current(subscription.partition())
        .onSuccess(state -> {
          if (active.get(subscription.id()) == subscription) {
            subscription.offer(state);
          }
        })
        .onFailure(e -> {
          if (active.get(subscription.id()) == subscription) {
            remove(subscription);
            outbox.reply(WebSocketFrames.error(subscription.id(), "unavailable",
                "the consistency of " + subscription.partition() + " is unavailable: " + e.getMessage()));
          }
        });
  }

  private void cancel(String id) {
    Subscription subscription = active.get(id);
    if (subscription == null) {
      throw new WebSocketRequestException(id, "id: no active await or watch '" + id + "'");
    }
    remove(subscription);
    outbox.reply(WebSocketFrames.cancelled(id));
  }

  private void remove(Subscription subscription) {
    if (active.remove(subscription.id(), subscription)) {
      metrics.subscriptions().decrementAndGet();
      index.remove(subscription);
      subscription.stop();
    }
  }

  /** The outbox gave up on this client: stop feeding it, then close with a reason it can log. */
  private void tooSlow() {
    LOG.info("Closing WebSocket {}: the client does not read its messages", ws.remoteAddress());
    closed("too_slow");
    release();
    ws.close(POLICY_VIOLATION, "client too slow");
  }

  private void release() {
    vertx.cancelTimer(expiryTimer);
    vertx.cancelTimer(pingTimer);
    new ArrayList<>(active.values()).forEach(this::remove);
    outbox.close();
  }
}
