package io.highwater.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs real PostgreSQL processes; passes as root too (they then run as nobody). */
class EmbeddedPostgresTest {

  @TempDir Path dataDir;

  @Test
  void restartKeepsDataAndCloseIsIdempotent() throws Exception {
    EmbeddedPostgres first = EmbeddedPostgres.start(dataDir, 0);
    int port = first.port();
    assertThat(first.user()).isEqualTo("postgres");
    assertThat(first.database()).isEqualTo("postgres");
    assertThat(first.url()).isEqualTo("postgresql://postgres@127.0.0.1:" + port + "/postgres");
    assertThat(first.jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=postgres");
    execute(first, "CREATE TABLE kept (id int PRIMARY KEY, name text)", "INSERT INTO kept VALUES (1, 'one')");

    first.close();
    first.close();
    assertThatThrownBy(() -> DriverManager.getConnection(first.jdbcUrl()).close())
        .isInstanceOf(SQLException.class);

    try (EmbeddedPostgres second = EmbeddedPostgres.start(dataDir, 0)) {
      assertThat(names(second)).containsExactly("one");
    }
  }

  @Test
  void refusesDataDirectoryOfARunningServer() throws Exception {
    try (EmbeddedPostgres running = EmbeddedPostgres.start(dataDir, 0)) {
      assertThatThrownBy(() -> EmbeddedPostgres.start(dataDir, 0))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("in use by another running Highwater server")
          .hasMessageContaining("pid " + ProcessHandle.current().pid())
          .hasMessageNotContaining("kill");
      execute(running, "SELECT 1"); // the refused start left the running server alone
    }
  }

  @Test
  void startsAfterTheServerWasKilled() throws Exception {
    EmbeddedPostgres killed = EmbeddedPostgres.start(dataDir, 0);
    execute(killed, "CREATE TABLE kept (id int PRIMARY KEY, name text)", "INSERT INTO kept VALUES (1, 'one')");
    killServer();
    killed.close(); // must notice the server is gone rather than wait for it

    try (EmbeddedPostgres restarted = EmbeddedPostgres.start(dataDir, 0)) {
      assertThat(names(restarted)).containsExactly("one");
    }
  }

  /** SIGKILLs the postmaster and its children, leaving a stale postmaster.pid as a crash would. */
  private void killServer() throws IOException, InterruptedException {
    Path pidFile = dataDir.resolve("pg").resolve("postmaster.pid");
    long pid = Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
    ProcessHandle postmaster = ProcessHandle.of(pid).orElseThrow();
    List<ProcessHandle> all = Stream.concat(Stream.of(postmaster), postmaster.descendants()).toList();
    all.forEach(ProcessHandle::destroyForcibly);
    for (ProcessHandle process : all) {
      awaitDeath(process.pid());
    }
    assertThat(pidFile).exists();
  }

  /** Dead or zombie: nobody may reap orphans in a container, and a zombie holds no resources. */
  private static void awaitDeath(long pid) throws InterruptedException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (System.nanoTime() < deadline) {
      try {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        if (stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z")) {
          return;
        }
      } catch (IOException gone) {
        return;
      }
      Thread.sleep(20);
    }
    throw new AssertionError("process " + pid + " survived SIGKILL");
  }

  private static void execute(EmbeddedPostgres pg, String... statements) throws SQLException {
    try (Connection connection = DriverManager.getConnection(pg.jdbcUrl());
        Statement statement = connection.createStatement()) {
      for (String sql : statements) {
        statement.execute(sql);
      }
    }
  }

  private static List<String> names(EmbeddedPostgres pg) throws SQLException {
    try (Connection connection = DriverManager.getConnection(pg.jdbcUrl());
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT name FROM kept ORDER BY id")) {
      List<String> names = new ArrayList<>();
      while (rows.next()) {
        names.add(rows.getString(1));
      }
      return names;
    }
  }
}
