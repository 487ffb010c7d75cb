package io.highwater.auth;

import io.highwater.config.HighwaterConfig;
import io.vertx.core.Vertx;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code highwater.jar token --sub alice --grant bookstore:shop-*:write --ttl 1h}: prints a token
 * signed with the key the server checks (its HS256 secret, from the environment, the configuration
 * or the data directory), or with {@code --private-key-file} (PKCS#8 PEM, RS256 or ES256) where the
 * server holds the public key.
 */
public final class TokenCommand {

  static final String USAGE = "usage: token --sub NAME --grant APP:WS:ROLE [--grant ...] [--ttl 1h] [--private-key-file key.pem]\n"
      + "  APP and WS are names or prefixes ending in * (* alone: all), ROLE read, write or admin;\n"
      + "  --ttl in s, m, h or d (default 1h)";

  /** What the command line asks for. */
  record Request(String subject, List<Grant> grants, Duration ttl, Path privateKeyFile) {}

  private TokenCommand() {}

  /** Runs the command; returns the process's exit status. */
  public static int run(List<String> args, HighwaterConfig config, PrintStream out, PrintStream err) {
    Request request;
    AuthKey key;
    try {
      request = parse(args);
      key = signingKey(request, config);
    } catch (IllegalArgumentException | IllegalStateException e) {
      err.println(e.getMessage());
      err.println(USAGE);
      return 2;
    }
    Vertx vertx = Vertx.vertx();
    try {
      out.println(new TokenMinter(vertx, key).mint(request.subject(), request.grants(), request.ttl()));
      return 0;
    } finally {
      vertx.close();
    }
  }

  static Request parse(List<String> args) {
    String subject = null;
    List<Grant> grants = new ArrayList<>();
    Duration ttl = Duration.ofHours(1);
    Path keyFile = null;
    for (int i = 0; i < args.size(); i++) {
      String option = args.get(i);
      if (i + 1 >= args.size()) {
        throw new IllegalArgumentException(option + ": expected a value");
      }
      String value = args.get(++i);
      switch (option) {
        case "--sub" -> subject = value;
        case "--grant" -> grants.add(Grant.parse(value));
        case "--ttl" -> ttl = duration(value);
        case "--private-key-file" -> keyFile = Path.of(value);
        default -> throw new IllegalArgumentException(option + ": unknown option");
      }
    }
    if (subject == null || subject.isBlank()) {
      throw new IllegalArgumentException("--sub: required");
    }
    if (grants.isEmpty()) {
      throw new IllegalArgumentException("--grant: at least one is required");
    }
    return new Request(subject, grants, ttl, keyFile);
  }

  static Duration duration(String text) {
    if (text.length() >= 2) {
      try {
        long n = Long.parseLong(text.substring(0, text.length() - 1));
        if (n > 0) {
          switch (text.charAt(text.length() - 1)) {
            case 's': return Duration.ofSeconds(n);
            case 'm': return Duration.ofMinutes(n);
            case 'h': return Duration.ofHours(n);
            case 'd': return Duration.ofDays(n);
            default: break;
          }
        }
      } catch (NumberFormatException e) {
        // Reported below.
      }
    }
    throw new IllegalArgumentException("--ttl: expected a positive number and s, m, h or d (e.g. 1h), got '" + text + "'");
  }

  private static AuthKey signingKey(Request request, HighwaterConfig config) {
    if (request.privateKeyFile() != null) {
      return AuthKeys.pem("--private-key-file", request.privateKeyFile());
    }
    HighwaterConfig.Auth auth = config.auth();
    if (auth.publicKeyFile().isPresent()) {
      throw new IllegalArgumentException("the server checks tokens with the public key " + auth.publicKeyFile().get()
          + ": sign with its private key, --private-key-file");
    }
    if (auth.hs256Secret().isPresent()) {
      return new AuthKey.Hs256(AuthKeys.decode(AuthKeys.SECRET_VARIABLE, auth.hs256Secret().get()), false);
    }
    Path generated = config.dataDir().resolve(AuthKeys.SECRET_FILE);
    if (!Files.exists(generated)) {
      throw new IllegalStateException("no key to sign with: set " + AuthKeys.SECRET_VARIABLE + ", or start the server once so that it"
          + " generates its secret in " + generated);
    }
    return AuthKeys.generated(generated);
  }
}
