package io.highwater.client;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The client's one {@code GET /v1/ws} socket: opened on first use (and again after it closed),
 * carrying every await and watch, each under an id of its own; frames are routed by id, and frames
 * for ids no longer (or never) active are ignored. Its state is only touched on {@code context}.
 */
final class Notifications {

  /** An active await or watch. */
  interface Subscriber {
    /** Takes a frame with this subscriber's id; true when it was the last one it expects. */
    boolean onFrame(JsonObject frame);

    /** The socket closed; {@code cause} is null when the client itself was closed. */
    void onClosed(Throwable cause);
  }

  private final Context context;
  private final WebSocketClient client;
  private final WebSocketConnectOptions connect;
  private final AtomicLong ids = new AtomicLong();
  private final AtomicLong unrouted = new AtomicLong();
  private final Map<String, Subscriber> active = new HashMap<>();
  private Future<WebSocket> socket;
  private boolean closed;

  Notifications(Context context, WebSocketClient client, WebSocketConnectOptions connect) {
    this.context = context;
    this.client = client;
    this.connect = connect;
  }

  Future<Consistent> await(JsonObject request) {
    Context caller = Vertx.currentContext();
    Promise<Consistent> promise = Promise.promise();
    String id = "a" + ids.incrementAndGet();
    onContext(() -> {
      if (closed) {
        promise.fail(new ConnectionClosedException(null, "the client is closed"));
        return;
      }
      Subscriber await = new Subscriber() {
        @Override
        public boolean onFrame(JsonObject frame) {
          switch (String.valueOf(frame.getValue("type"))) {
            case "consistent" -> promise.tryComplete(Consistent.fromJson(frame));
            case "timeout" -> promise.tryFail(ConsistencyTimeoutException.fromTimeoutFrame(frame));
            case "error" -> promise.tryFail(HighwaterException.fromFrame(frame));
            default -> {
              return false;
            }
          }
          return true;
        }

        @Override
        public void onClosed(Throwable cause) {
          promise.tryFail(cause != null ? cause : new ConnectionClosedException(null, "the client was closed"));
        }
      };
      active.put(id, await);
      send(request.copy().put("op", "await").put("id", id)).onFailure(e -> {
        if (active.remove(id, await)) {
          promise.tryFail(e);
        }
      });
    });
    return onCaller(caller, promise.future());
  }

  WatchStream watch(JsonObject request) {
    Context caller = Vertx.currentContext();
    WatchStreamImpl stream = new WatchStreamImpl("w" + ids.incrementAndGet(), caller != null ? caller : context, this);
    onContext(() -> {
      if (closed) {
        stream.finish(new ConnectionClosedException(null, "the client is closed"));
        return;
      }
      active.put(stream.id(), stream);
      send(request.copy().put("op", "watch").put("id", stream.id())).onFailure(e -> {
        if (active.remove(stream.id(), stream)) {
          stream.finish(e);
        }
      });
    });
    return stream;
  }

  /** Asks the server to cancel a watch; the stream ends when it confirms (or is gone anyway). */
  void cancel(WatchStreamImpl stream) {
    onContext(() -> {
      if (active.get(stream.id()) != stream) {
        stream.finish(null);
        return;
      }
      send(new JsonObject().put("op", "cancel").put("id", stream.id())).onFailure(e -> {
        if (active.remove(stream.id(), stream)) {
          stream.finish(null);
        }
      });
    });
  }

  /** Closes the socket; active awaits fail and watches end. */
  Future<Void> close() {
    Promise<Void> done = Promise.promise();
    onContext(() -> {
      closed = true;
      Future<WebSocket> current = socket;
      socket = null;
      release(null);
      Future<Void> closing = current == null ? Future.succeededFuture()
          : current.transform(ar -> ar.succeeded() ? ar.result().close() : Future.<Void>succeededFuture());
      closing.transform(ar -> client.close()).onComplete(ar -> done.complete());
    });
    return done.future();
  }

  /** How many awaits and watches are active (for tests and metrics). */
  Future<Integer> activeCount() {
    Promise<Integer> promise = Promise.promise();
    onContext(() -> promise.complete(active.size()));
    return promise.future();
  }

  long unroutedFrames() {
    return unrouted.get();
  }

  // ---- on the context ----

  private Future<Void> send(JsonObject message) {
    String text = message.encode();
    return socket().compose(ws -> ws.writeTextMessage(text));
  }

  private Future<WebSocket> socket() {
    if (socket == null) {
      Future<WebSocket> opening = client.connect(connect)
          .recover(e -> Future.failedFuture(ConnectionFailedException.of(connect.getHost() + ":" + connect.getPort(), e)));
      socket = opening;
      opening.onComplete(ar -> {
        if (ar.failed()) {
          if (socket == opening) {
            socket = null;
          }
        } else if (socket != opening) {
          ar.result().close(); // the client was closed while this socket opened
        } else {
          attach(ar.result(), opening);
        }
      });
    }
    return socket;
  }

  private void attach(WebSocket ws, Future<WebSocket> opened) {
    ws.textMessageHandler(this::onText);
    ws.exceptionHandler(e -> {
      // A failed socket also closes; the close handler releases its subscribers.
    });
    ws.closeHandler(v -> {
      if (socket == opened) {
        socket = null;
        release(new ConnectionClosedException(ws.closeStatusCode(), ws.closeReason()));
      }
    });
  }

  private void onText(String text) {
    JsonObject frame;
    try {
      frame = new JsonObject(text);
    } catch (RuntimeException notJson) {
      return;
    }
    Subscriber subscriber = frame.getValue("id") instanceof String id ? active.get(id) : null;
    if (subscriber == null) {
      // An error about a message whose id the server could not read, or a frame for an id no longer active.
      unrouted.incrementAndGet();
    } else if (subscriber.onFrame(frame)) {
      active.remove(frame.getString("id"), subscriber);
    }
  }

  private void release(Throwable cause) {
    List<Subscriber> all = new ArrayList<>(active.values());
    active.clear();
    all.forEach(s -> s.onClosed(cause));
  }

  private void onContext(Runnable action) {
    if (Vertx.currentContext() == context) {
      action.run();
    } else {
      context.runOnContext(v -> action.run());
    }
  }

  /** The future, completed on the caller's context when there was one (so its callbacks run there). */
  static <T> Future<T> onCaller(Context caller, Future<T> future) {
    if (caller == null) {
      return future;
    }
    Promise<T> promise = Promise.promise();
    future.onComplete(ar -> {
      if (Vertx.currentContext() == caller) {
        promise.handle(ar);
      } else {
        caller.runOnContext(v -> promise.handle(ar));
      }
    });
    return promise.future();
  }
}
