package io.highwater.keys;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.util.Base64;
import io.highwater.config.HighwaterConfig;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The key that wraps every data key at rest. From {@code HIGHWATER_MASTER_KEY} (base64 of 32
 * bytes), else from the file {@code HIGHWATER_MASTER_KEY_FILE}, else generated once and kept under
 * the data directory, with a warning: fine for a single machine, not for production. In Kubernetes
 * nothing is generated: a pod's own key would differ from every other pod's, and a sealed value
 * written through one pod could not be read through another.
 */
public final class MasterKey {

  public static final String VARIABLE = "HIGHWATER_MASTER_KEY";
  public static final String FILE_VARIABLE = "HIGHWATER_MASTER_KEY_FILE";
  private static final String DEFAULT_FILE = "master.key";
  private static final Logger LOG = LoggerFactory.getLogger(MasterKey.class);

  private final DataKey key;
  private final byte[] raw;
  private final String source;

  private MasterKey(byte[] raw, String source) {
    this.key = new DataKey(raw);
    this.raw = raw.clone();
    this.source = source;
  }

  public static MasterKey of(byte[] raw) {
    return new MasterKey(raw, "given");
  }

  /** Where the key came from: the variable or the file, for messages. */
  public String source() {
    return source;
  }

  /**
   * The key check value: a short fingerprint that tells keys apart without revealing them (a keyed hash
   * of a fixed text), stored beside the wrapped keys so that a start with another key is refused.
   */
  public String keyId() {
    return hash("key-check-value", "highwater").substring(0, 16);
  }

  public static MasterKey load(HighwaterConfig.Keys config, Path dataDir) {
    if (config.masterKey().isPresent()) {
      return new MasterKey(decode(VARIABLE, config.masterKey().get()), VARIABLE);
    }
    String file = config.masterKeyFile().orElse(null);
    if (config.mustBeGiven() && (file == null || file.isBlank())) {
      throw new IllegalStateException("no master key: in Kubernetes every pod must be given the same one, in " + VARIABLE + " or "
          + FILE_VARIABLE + " from a Secret (README, Kubernetes); one generated here would be this pod's alone");
    }
    Path path = file != null && !file.isBlank() ? Path.of(file) : dataDir.resolve(DEFAULT_FILE);
    try {
      if (Files.exists(path)) {
        return new MasterKey(decode(path.toString(), Files.readString(path, StandardCharsets.US_ASCII).trim()),
            path.toAbsolutePath().toString());
      }
      if (file != null && !file.isBlank()) {
        throw new IllegalStateException(FILE_VARIABLE + ": no file " + path);
      }
      Files.createDirectories(dataDir);
      byte[] raw = DataKey.generate().raw();
      Files.writeString(path, Base64.getEncoder().encodeToString(raw), StandardCharsets.US_ASCII);
      Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
      LOG.warn("Generated a master key in {}: whoever reads that file can read every sealed value; set {} in production",
          path.toAbsolutePath(), VARIABLE);
      return new MasterKey(raw, path.toAbsolutePath().toString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or write the master key at " + path, e);
    }
  }

  private static byte[] decode(String where, String base64) {
    try {
      return Base64.getDecoder().decode(base64);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + ": expected the base64 of 32 bytes", e);
    }
  }

  public byte[] wrap(DataKey dataKey) {
    return key.encrypt(dataKey.raw());
  }

  public DataKey unwrap(byte[] wrapped) {
    return new DataKey(key.decrypt(wrapped));
  }

  /** A keyed hash for names derived from sealed values (view keys), so storage never holds them. */
  public String hash(String purpose, String value) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(raw, "HmacSHA256"));
      mac.update(purpose.getBytes(StandardCharsets.UTF_8));
      mac.update((byte) 0);
      return Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal(value.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 unavailable", e);
    }
  }
}
