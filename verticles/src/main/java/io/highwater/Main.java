package io.highwater;

import io.highwater.config.ConfigLoader;
import io.highwater.config.HighwaterConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/** Starts a node from {@code conf/} and the environment; stops it gracefully on SIGTERM. */
public final class Main {

  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  private Main() {}

  public static void main(String[] args) {
    SLF4JBridgeHandler.removeHandlersForRootLogger();
    SLF4JBridgeHandler.install();
    HighwaterConfig config = ConfigLoader.load(System.getenv());
    Highwater.start(config)
        .onSuccess(node -> Runtime.getRuntime().addShutdownHook(new Thread(() -> {
          LOG.info("Stopping");
          node.stop().await();
        }, "highwater-shutdown")))
        .onFailure(e -> {
          LOG.error("Highwater failed to start", e);
          System.exit(1);
        });
  }
}
