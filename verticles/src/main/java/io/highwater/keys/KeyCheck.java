package io.highwater.keys;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks at start-up that the master key is the one the database's data keys are wrapped with, by
 * its key check value: stored by the first start (of a new database, or of one made before the
 * check), compared by every later one.
 */
public final class KeyCheck {

  private static final Logger LOG = LoggerFactory.getLogger(KeyCheck.class);

  private KeyCheck() {}

  /** Succeeds when the key matches (storing its check value if the database has none); fails saying what it found. */
  public static Future<Void> verify(Pool pool, MasterKey master) {
    return pool.query("SELECT key_id, created_at FROM master_key_check").execute().compose(rows -> {
      if (rows.rowCount() == 0) {
        return unwrapsStoredKeys(pool, master).compose(v -> store(pool, master)).compose(v -> verify(pool, master));
      }
      Row row = rows.iterator().next();
      String stored = row.getString("key_id");
      if (stored.equals(master.keyId())) {
        return Future.succeededFuture();
      }
      return Future.failedFuture(new IllegalStateException("The master key from " + master.source()
          + " is not the one this database's keys are wrapped with: the database's key check value (stored "
          + row.getOffsetDateTime("created_at") + ") names key id " + stored + ", the key given has key id "
          + master.keyId() + ". Start with the master key this database was written with."));
    });
  }

  /** A database made before the check may hold data keys already: the key must unwrap one before its check value is stored. */
  private static Future<Void> unwrapsStoredKeys(Pool pool, MasterKey master) {
    return pool.query("SELECT wrapped FROM data_keys LIMIT 1").execute().compose(rows -> {
      if (rows.rowCount() == 0) {
        return Future.succeededFuture();
      }
      try {
        master.unwrap(rows.iterator().next().getBuffer("wrapped").getBytes());
        return Future.succeededFuture();
      } catch (RuntimeException wrongKey) {
        return Future.failedFuture(new IllegalStateException("The master key from " + master.source() + " (key id "
            + master.keyId() + ") cannot unwrap the data keys stored in this database: start with the master key it was"
            + " written with."));
      }
    });
  }

  private static Future<Void> store(Pool pool, MasterKey master) {
    // Two nodes starting at once on a new database: the first insert wins, the other compares with it.
    return pool.preparedQuery("INSERT INTO master_key_check (key_id) VALUES ($1) ON CONFLICT (id) DO NOTHING")
        .execute(Tuple.of(master.keyId()))
        .onSuccess(r -> {
          if (r.rowCount() > 0) {
            LOG.info("Stored the master key's check value (key id {})", master.keyId());
          }
        })
        .mapEmpty();
  }
}
