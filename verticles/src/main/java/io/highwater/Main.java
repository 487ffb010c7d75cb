package io.highwater;

import io.highwater.auth.TokenCommand;
import io.highwater.config.ConfigLoader;
import io.highwater.config.HighwaterConfig;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/** Starts a node from {@code conf/} and the environment; stops it gracefully on SIGTERM. */
public final class Main {

  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  private Main() {}

  /** No argument: run a node. {@code token ...}: print a token (README, Authentication). */
  public static void main(String[] args) {
    SLF4JBridgeHandler.removeHandlersForRootLogger();
    SLF4JBridgeHandler.install();
    HighwaterConfig config = ConfigLoader.load(System.getenv());
    if (args.length > 0 && args[0].equals("token")) {
      System.exit(TokenCommand.run(List.of(args).subList(1, args.length), config, System.out, System.err));
    }
    if (args.length > 0) {
      System.err.println("unknown command '" + args[0] + "': expected none (run a node) or token");
      System.exit(2);
    }
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
