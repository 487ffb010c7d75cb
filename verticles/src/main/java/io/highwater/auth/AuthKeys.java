package io.highwater.auth;

import io.highwater.config.HighwaterConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.SecureRandom;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where the key that tokens are checked with comes from: {@code HIGHWATER_AUTH_HS256_SECRET}
 * (base64), else the PEM file {@code HIGHWATER_AUTH_PUBLIC_KEY_FILE} (RS256 or ES256, told apart by
 * the key), else a secret generated once under the data directory and kept there (mode 600), so
 * that a single machine is secure without any setup. In Kubernetes nothing is generated: every pod
 * must check the same tokens.
 */
public final class AuthKeys {

  public static final String SECRET_VARIABLE = "HIGHWATER_AUTH_HS256_SECRET";
  public static final String PUBLIC_KEY_VARIABLE = "HIGHWATER_AUTH_PUBLIC_KEY_FILE";
  static final String SECRET_FILE = "auth-hs256.secret";
  public static final String DEV_TOKEN_FILE = "dev-token";
  private static final int SECRET_BYTES = 32;
  private static final Pattern PEM = Pattern.compile("-----BEGIN ([A-Z ]+)-----([^-]+)-----END \\1-----");

  private AuthKeys() {}

  /** The verification key of {@code auth}; generates (or reuses) the data directory's secret when none is configured. */
  public static AuthKey load(HighwaterConfig.Auth auth, Path dataDir) {
    if (!auth.checks()) {
      return new AuthKey.None();
    }
    if (auth.hs256Secret().isPresent()) {
      return new AuthKey.Hs256(decode(SECRET_VARIABLE, auth.hs256Secret().get()), false);
    }
    if (auth.publicKeyFile().isPresent()) {
      return pem(PUBLIC_KEY_VARIABLE, Path.of(auth.publicKeyFile().get()));
    }
    if (auth.mustBeGiven()) {
      throw new IllegalStateException("no auth key: in Kubernetes every pod must be given the same one, in " + SECRET_VARIABLE
          + " or " + PUBLIC_KEY_VARIABLE + " from a Secret (README, Kubernetes), or HIGHWATER_AUTH=none; one generated here"
          + " would be this pod's alone");
    }
    return generated(dataDir.resolve(SECRET_FILE));
  }

  /** The secret under the data directory, made on the first start and read on every later one. */
  static AuthKey.Hs256 generated(Path path) {
    try {
      if (Files.exists(path)) {
        return new AuthKey.Hs256(decode(path.toString(), Files.readString(path, StandardCharsets.US_ASCII).trim()), true);
      }
      Files.createDirectories(path.toAbsolutePath().getParent());
      byte[] secret = new byte[SECRET_BYTES];
      new SecureRandom().nextBytes(secret);
      writePrivate(path, Base64.getEncoder().encodeToString(secret));
      return new AuthKey.Hs256(secret, true);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or write the auth secret at " + path, e);
    }
  }

  /** Writes {@code text} readable by this user only, from the moment the file exists. */
  static void writePrivate(Path path, String text) throws IOException {
    Path tmp = path.resolveSibling(path.getFileName() + ".tmp");
    Files.deleteIfExists(tmp);
    Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(tmp, text, StandardCharsets.US_ASCII);
    Files.move(tmp, path, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  /** A PEM key file (public to verify, PKCS#8 private to sign) with its algorithm, RS256 for RSA, ES256 for EC. */
  public static AuthKey.Pem pem(String field, Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new IllegalStateException(field + ": cannot read " + file + ": " + e.getMessage(), e);
    }
    Matcher m = PEM.matcher(text);
    if (!m.find()) {
      throw new IllegalArgumentException(field + ": " + file + " holds no PEM block");
    }
    boolean isPublic = m.group(1).equals("PUBLIC KEY");
    if (!isPublic && !m.group(1).equals("PRIVATE KEY")) {
      throw new IllegalArgumentException(field + ": " + file + ": expected a PUBLIC KEY or a PKCS#8 PRIVATE KEY, got " + m.group(1));
    }
    byte[] der = Base64.getMimeDecoder().decode(m.group(2).trim());
    for (String[] kind : new String[][] {{"RSA", "RS256"}, {"EC", "ES256"}}) {
      try {
        KeyFactory factory = KeyFactory.getInstance(kind[0]);
        if (isPublic) {
          factory.generatePublic(new X509EncodedKeySpec(der));
        } else {
          factory.generatePrivate(new PKCS8EncodedKeySpec(der));
        }
        return new AuthKey.Pem(kind[1], m.group(0));
      } catch (GeneralSecurityException e) {
        // Not this kind of key: try the next.
      }
    }
    throw new IllegalArgumentException(field + ": " + file + ": expected an RSA or EC key");
  }

  static byte[] decode(String where, String base64) {
    byte[] raw;
    try {
      raw = Base64.getDecoder().decode(base64.trim());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + ": expected base64", e);
    }
    if (raw.length < SECRET_BYTES) {
      throw new IllegalArgumentException(where + ": expected at least " + SECRET_BYTES + " bytes of secret, got " + raw.length);
    }
    return raw;
  }
}
