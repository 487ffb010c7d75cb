package io.highwater.auth;

import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The development token of a node that generated its own secret: {@code admin} on everything, in
 * {@code <data dir>/dev-token}, written again at every start so that it is always valid.
 */
public final class DevToken {

  private static final Logger LOG = LoggerFactory.getLogger(DevToken.class);
  private static final Duration TTL = Duration.ofDays(365);

  private DevToken() {}

  public static void write(Vertx vertx, AuthKey.Hs256 key, Path dataDir, String httpUrl) {
    Path file = dataDir.resolve(AuthKeys.DEV_TOKEN_FILE);
    String token = new TokenMinter(vertx, key).mint("dev", List.of(new Grant(Grant.ALL, Grant.ALL, Role.ADMIN)), TTL);
    try {
      AuthKeys.writePrivate(file, token);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the development token " + file, e);
    }
    LOG.warn("No auth key configured: tokens are checked under a secret generated in {}, and an admin token for development is in {}:"
        + " curl -H \"Authorization: Bearer $(cat {})\" {}/v1/cluster (set {} or {} in production)",
        dataDir.resolve(AuthKeys.SECRET_FILE), file, file, httpUrl, AuthKeys.SECRET_VARIABLE, AuthKeys.PUBLIC_KEY_VARIABLE);
  }
}
