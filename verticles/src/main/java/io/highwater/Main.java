package io.highwater;

import io.highwater.auth.TokenCommand;
import io.highwater.config.ConfigLoader;
import io.highwater.config.HighwaterConfig;
import io.vertx.core.Future;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/** Starts a node from {@code conf/} and the environment; stops it gracefully on SIGTERM. */
public final class Main {

  private static final String LOGBACK_FILE_PROPERTY = "logback.configurationFile";

  private Main() {}

  /** No argument: run a node. {@code token ...}: print a token (README, Authentication). */
  public static void main(String[] args) {
    // Before the first logger: logback reads its configuration once, and would take the jar's copy.
    useConfLogback(ConfigLoader.confDir(System.getenv()));
    Logger log = LoggerFactory.getLogger(Main.class);
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
    Future<Highwater> starting = Highwater.start(config);
    // The only shutdown hook: it stops the node in order, the embedded database last (Highwater.stop).
    // A signal during the start waits for it, then stops what started.
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      Highwater node;
      try {
        node = starting.await();
      } catch (RuntimeException startFailed) {
        return; // its failure path has already stopped what it had started
      }
      log.info("Stopping");
      node.stop().await();
      log.info("Stopped");
    }, "highwater-shutdown"));
    starting.onFailure(e -> {
      log.error("Highwater failed to start: {}", e.getMessage(), e);
      System.exit(1);
    });
  }

  /** {@code <conf dir>/logback.xml} when there is one and no {@code -Dlogback.configurationFile} says otherwise. */
  static void useConfLogback(Path confDir) {
    Path file = confDir.resolve("logback.xml");
    if (System.getProperty(LOGBACK_FILE_PROPERTY) == null && Files.isRegularFile(file)) {
      System.setProperty(LOGBACK_FILE_PROPERTY, file.toAbsolutePath().toString());
    }
  }
}
