package io.highwater.storage;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The PostgreSQL database: its schema migrations and the reactive connection pool. */
public final class Database {

  private static final Logger LOG = LoggerFactory.getLogger(Database.class);
  /** How many statements one connection may have in flight: pipelining saves round trips. */
  private static final int PIPELINING_LIMIT = 256;

  private final PgConnectOptions connectOptions;
  private final Pool pool;

  private Database(PgConnectOptions connectOptions, Pool pool) {
    this.connectOptions = connectOptions;
    this.pool = pool;
  }

  /** Runs the migrations (off the event loop), then opens the pool. */
  public static Future<Database> open(Vertx vertx, String url, int poolSize) {
    PgConnectOptions options = PgConnectOptions.fromUri(url).setPipeliningLimit(PIPELINING_LIMIT);
    return vertx.executeBlocking(() -> migrate(options)).map(v -> {
      Pool pool = PgBuilder.pool()
          .with(new PoolOptions().setMaxSize(poolSize))
          .connectingTo(options)
          .using(vertx)
          .build();
      return new Database(options, pool);
    });
  }

  public Pool pool() {
    return pool;
  }

  /** Where it is, for the start-up line; never the password. */
  public String describe() {
    return "postgresql://" + connectOptions.getUser() + "@" + connectOptions.getHost() + ":"
        + connectOptions.getPort() + "/" + connectOptions.getDatabase();
  }

  public Future<Void> close() {
    return pool.close();
  }

  private static Void migrate(PgConnectOptions options) {
    String jdbcUrl = "jdbc:postgresql://" + options.getHost() + ":" + options.getPort() + "/" + options.getDatabase();
    Flyway flyway = Flyway.configure()
        .dataSource(jdbcUrl, options.getUser(), options.getPassword())
        .locations("classpath:db/migration")
        .load();
    var result = flyway.migrate();
    if (result.migrationsExecuted > 0) {
      // targetSchemaVersion is null when nothing ran, hence only here.
      LOG.info("Schema migrated to version {} ({} migrations applied)", result.targetSchemaVersion, result.migrationsExecuted);
    }
    return null;
  }
}
