package io.highwater.client;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/** A watch's stream: frames arrive on the client's context, handlers run on {@code context}. */
final class WatchStreamImpl implements WatchStream, Notifications.Subscriber {

  private final String id;
  private final Context context;
  private final Notifications owner;
  private final Promise<Void> ready = Promise.promise();

  // Guarded by this: handlers may be set from any thread.
  private Handler<Advanced> handler;
  private Handler<Void> endHandler;
  private Handler<Throwable> exceptionHandler;
  private long demand = Long.MAX_VALUE;
  /** The latest undelivered notification of each entity. */
  private final Map<String, Advanced> pending = new LinkedHashMap<>();
  private boolean ended;
  private Throwable failure;
  private boolean endDelivered;
  private boolean draining;
  private Promise<Void> cancelled;

  WatchStreamImpl(String id, Context context, Notifications owner) {
    this.id = id;
    this.context = context;
    this.owner = owner;
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public Future<Void> ready() {
    return ready.future();
  }

  @Override
  public Future<Void> cancel() {
    Promise<Void> promise;
    boolean alreadyEnded;
    synchronized (this) {
      if (cancelled != null) {
        return cancelled.future();
      }
      cancelled = Promise.promise();
      promise = cancelled;
      pending.clear();
      alreadyEnded = ended;
    }
    if (alreadyEnded) {
      promise.tryComplete();
    } else {
      owner.cancel(this);
    }
    return promise.future();
  }

  // ---- frames, on the client's context ----

  @Override
  public boolean onFrame(JsonObject frame) {
    switch (String.valueOf(frame.getValue("type"))) {
      case "advanced" -> {
        Advanced advanced = Advanced.fromJson(frame);
        synchronized (this) {
          if (cancelled != null || ended) {
            return false;
          }
          // The latest per entity: a newer value supersedes an undelivered older one.
          pending.remove(advanced.entity());
          pending.put(advanced.entity(), advanced);
        }
        ready.tryComplete();
        scheduleDrain();
        return false;
      }
      case "cancelled" -> {
        finish(null);
        return true;
      }
      case "error" -> {
        finish(HighwaterException.fromFrame(frame));
        return true;
      }
      default -> {
        return false;
      }
    }
  }

  @Override
  public void onClosed(Throwable cause) {
    finish(cause);
  }

  /** No more notifications: the end (and {@code cause}, if any) follows the pending ones. */
  void finish(Throwable cause) {
    Promise<Void> cancel;
    synchronized (this) {
      if (ended) {
        return;
      }
      ended = true;
      failure = cause;
      cancel = cancelled;
      if (cancel != null || cause instanceof HighwaterException && !(cause instanceof ConnectionClosedException)) {
        pending.clear();
      }
    }
    ready.tryFail(cause != null ? cause : new HighwaterException(0, "cancelled", "the watch ended before it started", null));
    if (cancel != null) {
      cancel.tryComplete();
    }
    scheduleDrain();
  }

  // ---- ReadStream ----

  @Override
  public synchronized WatchStream exceptionHandler(Handler<Throwable> handler) {
    this.exceptionHandler = handler;
    return this;
  }

  @Override
  public WatchStream handler(Handler<Advanced> handler) {
    synchronized (this) {
      this.handler = handler;
    }
    scheduleDrain();
    return this;
  }

  @Override
  public synchronized WatchStream pause() {
    demand = 0;
    return this;
  }

  @Override
  public WatchStream resume() {
    synchronized (this) {
      demand = Long.MAX_VALUE;
    }
    scheduleDrain();
    return this;
  }

  @Override
  public WatchStream fetch(long amount) {
    if (amount < 0) {
      throw new IllegalArgumentException("amount must be >= 0, got " + amount);
    }
    synchronized (this) {
      demand = demand + amount < 0 ? Long.MAX_VALUE : demand + amount;
    }
    scheduleDrain();
    return this;
  }

  @Override
  public synchronized WatchStream endHandler(Handler<Void> endHandler) {
    this.endHandler = endHandler;
    return this;
  }

  private void scheduleDrain() {
    if (Vertx.currentContext() == context) {
      drain();
    } else {
      context.runOnContext(v -> drain());
    }
  }

  /** Delivers what demand allows, then the end; a handler that re-enters (fetch, resume) just extends the loop. */
  private void drain() {
    synchronized (this) {
      if (draining) {
        return;
      }
      draining = true;
    }
    try {
      while (true) {
        Handler<Advanced> deliver = null;
        Advanced next = null;
        Handler<Void> end = null;
        Handler<Throwable> onError = null;
        Throwable error = null;
        synchronized (this) {
          if (handler == null) {
            // Nothing flows, not even the end, until there is a handler to flow to.
            draining = false;
            return;
          }
          if (!pending.isEmpty() && demand > 0) {
            Iterator<Advanced> it = pending.values().iterator();
            next = it.next();
            it.remove();
            if (demand != Long.MAX_VALUE) {
              demand--;
            }
            deliver = handler;
          } else if (ended && pending.isEmpty() && !endDelivered) {
            endDelivered = true;
            end = endHandler;
            onError = exceptionHandler;
            error = failure;
          } else {
            draining = false;
            return;
          }
        }
        if (deliver != null) {
          deliver.handle(next);
        } else {
          if (error != null && onError != null) {
            onError.handle(error);
          }
          if (end != null) {
            end.handle(null);
          }
        }
      }
    } catch (RuntimeException e) {
      synchronized (this) {
        draining = false;
      }
      // Keep the stream flowing after a handler failed; the failure goes to the context's handler.
      context.runOnContext(v -> drain());
      throw e;
    }
  }
}
