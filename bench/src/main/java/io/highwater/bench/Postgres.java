package io.highwater.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.Row;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.function.Function;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The one PostgreSQL both the ceiling and the server use: the one at {@code --pg-url}, or the server's own
 * embedded PostgreSQL, loaded from the server jar (its class {@code io.highwater.storage.EmbeddedPostgres}).
 */
final class Postgres implements AutoCloseable {

  private static final String EMBEDDED_CLASS = "io.highwater.storage.EmbeddedPostgres";
  private static final String EVENT_LOG_DDL = "db/migration/V1__event_log.sql";

  private final URI url;
  private final AutoCloseable embedded;
  private final String where;

  private Postgres(String url, AutoCloseable embedded, String where) {
    try {
      this.url = new URI(url);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("not a postgresql:// URL: " + url, e);
    }
    this.embedded = embedded;
    this.where = where;
  }

  static Postgres external(String url) {
    return new Postgres(url, null, "external");
  }

  /** Starts (or restarts, reusing its data) the embedded PostgreSQL under dataDir; blocking. */
  static Postgres embedded(Path serverJar, Path dataDir) throws Exception {
    // Isolated from our classpath: the server jar brings its own commons-compress, xz, slf4j and logback.
    URLClassLoader loader = new URLClassLoader(new URL[] {serverJar.toUri().toURL()}, ClassLoader.getPlatformClassLoader());
    Class<?> type = loader.loadClass(EMBEDDED_CLASS);
    Object server = type.getMethod("start", Path.class, int.class).invoke(null, dataDir.toAbsolutePath(), 0);
    String url = (String) type.getMethod("url").invoke(server);
    AutoCloseable stop = () -> {
      try {
        ((AutoCloseable) server).close();
      } finally {
        loader.close();
      }
    };
    return new Postgres(url, stop, "embedded in " + dataDir.normalize());
  }

  /** The URL of another database on the same server. */
  String url(String database) {
    try {
      return new URI(url.getScheme(), url.getUserInfo(), url.getHost(), url.getPort(), "/" + database, url.getQuery(), null).toString();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  String where() {
    return where;
  }

  Future<Void> createDatabase(Vertx vertx, String name) {
    return admin(vertx, c -> c.query("CREATE DATABASE " + name).execute().mapEmpty());
  }

  Future<Void> dropDatabase(Vertx vertx, String name) {
    return admin(vertx, c -> c.query("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)").execute().mapEmpty());
  }

  /** "PostgreSQL 17.6 …, fsync on, synchronous_commit on". */
  Future<String> describe(Vertx vertx) {
    return admin(vertx, c -> c.query("SELECT split_part(version(), ' ', 2) AS v, current_setting('fsync') AS f,"
        + " current_setting('synchronous_commit') AS s, current_setting('shared_buffers') AS b").execute()
        .map(rows -> {
          Row row = rows.iterator().next();
          return "PostgreSQL " + row.getString("v") + " (" + where + "; fsync " + row.getString("f")
              + ", synchronous_commit " + row.getString("s") + ", shared_buffers " + row.getString("b") + ")";
        }));
  }

  /** Creates the server's event log tables, exactly as its first migration does, in a scratch database. */
  static Future<Void> createEventLog(Vertx vertx, String databaseUrl, Path serverJar) {
    String ddl;
    try (ZipFile jar = new ZipFile(serverJar.toFile())) {
      ZipEntry entry = jar.getEntry(EVENT_LOG_DDL);
      if (entry == null) {
        throw new IOException(EVENT_LOG_DDL + " not found in " + serverJar);
      }
      try (InputStream in = jar.getInputStream(entry)) {
        ddl = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
    } catch (IOException e) {
      return Future.failedFuture(e);
    }
    return withConnection(vertx, databaseUrl, c -> c.query(ddl).execute().mapEmpty());
  }

  private <T> Future<T> admin(Vertx vertx, Function<PgConnection, Future<T>> work) {
    return withConnection(vertx, url.toString(), work);
  }

  static <T> Future<T> withConnection(Vertx vertx, String databaseUrl, Function<PgConnection, Future<T>> work) {
    return PgConnection.connect(vertx, PgConnectOptions.fromUri(databaseUrl))
        .compose(c -> work.apply(c).eventually(c::close));
  }

  @Override
  public void close() throws Exception {
    if (embedded != null) {
      embedded.close();
    }
  }
}
