package io.highwater.client;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.streams.ReadStream;

/**
 * The notifications of one {@code watch}: an {@link Advanced} whenever a watched watermark moves,
 * starting with the current watermarks of every watched entity.
 *
 * <p>Nothing is delivered before a {@link #handler} is set, and nothing while paused; meanwhile only
 * the latest notification per entity is kept (notifications are state, so an older one is never
 * worth more than a newer one, and the buffer is bounded by the number of entities). The stream
 * ends after {@link #cancel()} is confirmed, after an {@code error} frame for it (reported to the
 * {@link #exceptionHandler} first), or when the socket closes (a {@link ConnectionClosedException},
 * unless the client itself was closed). Handlers run on the Vert.x context that called
 * {@code watch}, or the client's when there was none.
 */
public interface WatchStream extends ReadStream<Advanced> {

  /** The subscription's id on the socket. */
  String id();

  /** Completes once the server confirmed the watch (its first notification), fails if it refused it. */
  Future<Void> ready();

  /** Ends the watch: completes once the server confirmed it (or the watch had ended anyway). */
  Future<Void> cancel();

  @Override
  WatchStream exceptionHandler(Handler<Throwable> handler);

  @Override
  WatchStream handler(Handler<Advanced> handler);

  @Override
  WatchStream pause();

  @Override
  WatchStream resume();

  @Override
  WatchStream fetch(long amount);

  @Override
  WatchStream endHandler(Handler<Void> endHandler);
}
