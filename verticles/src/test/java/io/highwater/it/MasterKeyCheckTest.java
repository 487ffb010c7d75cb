package io.highwater.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.highwater.keys.DataKey;
import io.highwater.keys.MasterKey;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The master key's check value, stored beside the wrapped keys: a start with another key is refused, saying what it found. */
class MasterKeyCheckTest {

  private static final byte[] RIGHT = randomKey();
  private static final byte[] WRONG = randomKey();

  private static byte[] randomKey() {
    byte[] raw = new byte[32];
    new java.security.SecureRandom().nextBytes(raw);
    return raw;
  }

  @TempDir
  Path dataDir;

  private static Map<String, String> withKey(byte[] raw) {
    return Map.of("HIGHWATER_MASTER_KEY", Base64.getEncoder().encodeToString(raw));
  }

  @Test
  void a_start_with_another_key_is_refused_naming_both_key_ids() {
    String pgUrl = TestDatabase.fresh();
    TestNode.start(dataDir, pgUrl, withKey(RIGHT)).close();

    assertThatThrownBy(() -> TestNode.start(dataDir, pgUrl, withKey(WRONG)))
        .hasMessageContaining("HIGHWATER_MASTER_KEY")
        .hasMessageContaining("key id " + MasterKey.of(RIGHT).keyId())
        .hasMessageContaining("key id " + MasterKey.of(WRONG).keyId());

    TestNode.start(dataDir, pgUrl, withKey(RIGHT)).close(); // the refused start changed nothing
  }

  @Test
  void a_database_without_a_check_value_gets_one_on_its_first_start() {
    String pgUrl = TestDatabase.fresh();
    TestNode.start(dataDir, pgUrl, withKey(RIGHT)).close();
    TestDatabase.execute(pgUrl, "DELETE FROM master_key_check"); // as a database made before the check

    TestNode.start(dataDir, pgUrl, withKey(RIGHT)).close();
    assertThatThrownBy(() -> TestNode.start(dataDir, pgUrl, withKey(WRONG)))
        .hasMessageContaining("key id " + MasterKey.of(RIGHT).keyId());
  }

  @Test
  void a_database_without_a_check_value_but_with_data_keys_is_refused_by_a_key_that_cannot_unwrap_them() {
    String pgUrl = TestDatabase.fresh();
    TestNode.start(dataDir, pgUrl, withKey(RIGHT)).close();
    TestDatabase.execute(pgUrl, "DELETE FROM master_key_check");
    String wrapped = HexFormat.of().formatHex(MasterKey.of(RIGHT).wrap(DataKey.generate()));
    TestDatabase.execute(pgUrl, "INSERT INTO data_keys VALUES ('bookstore', 0, 'w', 'encryption-key', '1', '\\x" + wrapped + "')");

    assertThatThrownBy(() -> TestNode.start(dataDir, pgUrl, withKey(WRONG)))
        .hasMessageContaining("cannot unwrap the data keys")
        .hasMessageContaining("key id " + MasterKey.of(WRONG).keyId());
    TestNode.start(dataDir, pgUrl, withKey(RIGHT)).close();
  }
}
