package io.highwater.it;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP proxy on 127.0.0.1 between a server and its PostgreSQL, which a test uses to take the
 * database away: {@link #cut()} closes every connection through it, {@link #refuse()} closes every
 * new one at once (as a PostgreSQL that is down would) until {@link #accept()}. The upstream port
 * may change, for a PostgreSQL restarted elsewhere. Runs on a Vert.x of its own.
 */
final class PgProxy implements AutoCloseable {

  /** One connection through the proxy. */
  private record Link(NetSocket downstream, NetSocket upstream) {
    void close() {
      downstream.close();
      upstream.close();
    }
  }

  private final Vertx vertx = Vertx.vertx();
  private final NetClient client = vertx.createNetClient(new NetClientOptions().setConnectTimeout(2_000));
  private final Set<Link> open = ConcurrentHashMap.newKeySet();
  private final NetServer server;
  private volatile int upstreamPort;
  private volatile boolean refusing;

  private PgProxy(int upstreamPort) {
    this.upstreamPort = upstreamPort;
    this.server = vertx.createNetServer().connectHandler(this::connected).listen(0, "127.0.0.1").await();
  }

  /** A proxy to PostgreSQL on 127.0.0.1:{@code upstreamPort}, listening on a free port. */
  static PgProxy to(int upstreamPort) {
    return new PgProxy(upstreamPort);
  }

  int port() {
    return server.actualPort();
  }

  /** {@code pgUrl} (a {@code postgresql://} URL of 127.0.0.1) through this proxy. */
  String through(String pgUrl) {
    return pgUrl.replace("127.0.0.1:" + upstreamPort + "/", "127.0.0.1:" + port() + "/");
  }

  void upstream(int port) {
    upstreamPort = port;
  }

  /** Closes every connection through the proxy, both ways, as a PostgreSQL that went down would. */
  void cut() {
    open.forEach(Link::close);
    open.clear();
  }

  /** From now on, every new connection is closed as soon as it is made. */
  void refuse() {
    refusing = true;
  }

  void accept() {
    refusing = false;
  }

  private void connected(NetSocket downstream) {
    if (refusing) {
      downstream.close();
      return;
    }
    downstream.pause();
    client.connect(upstreamPort, "127.0.0.1").onComplete(ar -> {
      if (ar.failed() || refusing) {
        if (ar.succeeded()) {
          ar.result().close();
        }
        downstream.close();
        return;
      }
      NetSocket upstream = ar.result();
      Link link = new Link(downstream, upstream);
      open.add(link);
      upstream.closeHandler(v -> {
        open.remove(link);
        downstream.close();
      });
      downstream.closeHandler(v -> {
        open.remove(link);
        upstream.close();
      });
      upstream.pipeTo(downstream);
      downstream.pipeTo(upstream);
    });
  }

  @Override
  public void close() {
    cut();
    vertx.close().await();
  }
}
