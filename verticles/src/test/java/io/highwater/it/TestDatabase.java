package io.highwater.it;

import io.highwater.storage.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real PostgreSQL for the integration tests: {@code HIGHWATER_PG_URL} when set, else one embedded
 * server for the whole test JVM. Every test gets a database of its own.
 */
public final class TestDatabase {

  private static final AtomicInteger COUNTER = new AtomicInteger();
  private static EmbeddedPostgres embedded;

  private TestDatabase() {}

  /** A fresh, empty database; its {@code postgresql://} URL. */
  public static synchronized String fresh() {
    String server = serverUrl();
    String name = "hw_test_" + ProcessHandle.current().pid() + "_" + COUNTER.incrementAndGet();
    URI uri = URI.create(server);
    String jdbc = "jdbc:postgresql://" + uri.getHost() + ":" + uri.getPort() + uri.getPath();
    String user = uri.getUserInfo() == null ? "postgres" : uri.getUserInfo().split(":")[0];
    String password = uri.getUserInfo() != null && uri.getUserInfo().contains(":") ? uri.getUserInfo().split(":", 2)[1] : null;
    try (Connection c = DriverManager.getConnection(jdbc, user, password); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create test database on " + jdbc, e);
    }
    String userInfo = uri.getUserInfo() == null ? "postgres" : uri.getUserInfo();
    return "postgresql://" + userInfo + "@" + uri.getHost() + ":" + uri.getPort() + "/" + name;
  }

  /** Runs one statement on the database of {@code pgUrl}, as an operator would behind the server's back. */
  public static void execute(String pgUrl, String sql) {
    URI uri = URI.create(pgUrl);
    String jdbc = "jdbc:postgresql://" + uri.getHost() + ":" + uri.getPort() + uri.getPath();
    String user = uri.getUserInfo() == null ? "postgres" : uri.getUserInfo().split(":")[0];
    try (Connection c = DriverManager.getConnection(jdbc, user, null); Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot run " + sql, e);
    }
  }

  private static String serverUrl() {
    String configured = System.getenv("HIGHWATER_PG_URL");
    if (configured != null && !configured.isBlank()) {
      return configured;
    }
    if (embedded == null) {
      try {
        Path dir = Files.createTempDirectory("highwater-test-pg");
        embedded = EmbeddedPostgres.start(dir, 0);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return embedded.url();
  }
}
