package io.highwater.bench;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;

/**
 * PostgreSQL's own load generator as the ceiling: pgbench inserting the server's event rows into the
 * {@code events} table of a scratch database on the same PostgreSQL, (a) one row per transaction and (b)
 * many, each row of a random workspace, author and genre as the server's workload draws them. Prepared
 * statements, as the server's client library uses; throughput is pgbench's tps without connection time,
 * latency comes from its per-transaction log.
 */
final class Pgbench {

  /** The sequence the scripts draw offsets from: unique per row, so the primary key never collides. */
  static final String OFFSETS = "pgbench_offs";

  private static final Pattern TPS = Pattern.compile(
      "^tps = ([0-9.]+) \\((?:without initial connection time|excluding connections establishing)\\)", Pattern.MULTILINE);
  private static final Pattern PROCESSED = Pattern.compile("^number of transactions actually processed: (\\d+)", Pattern.MULTILINE);
  private static final Pattern VERSION = Pattern.compile("/postgresql/(\\d+)/bin/pgbench$");
  private static final long MAX_LATENCY_MICROS = TimeUnit.MINUTES.toMicros(1);

  private final Path binary;
  private final URI database;
  private final Path workDir;
  private final Workload workload;

  /** database: postgresql://user[:password]@host:port/db holding the events table and the OFFSETS sequence. */
  Pgbench(Path binary, String database, Path workDir, Workload workload) {
    this.binary = binary;
    this.database = URI.create(database);
    this.workDir = workDir;
    this.workload = workload;
  }

  /** The pgbench to use: the one given, else the newest under /usr/lib/postgresql, else one on the PATH. */
  static Optional<Path> find(String given) {
    if (given != null) {
      Path path = Path.of(given);
      if (!Files.isExecutable(path)) {
        throw new IllegalArgumentException("--pgbench " + given + ": not an executable file");
      }
      return Optional.of(path);
    }
    Optional<Path> installed = versions(Path.of("/usr/lib/postgresql"));
    if (installed.isPresent()) {
      return installed;
    }
    return Stream.of(System.getenv().getOrDefault("PATH", "").split(":")).filter(dir -> !dir.isEmpty())
        .map(dir -> Path.of(dir, "pgbench")).filter(Files::isExecutable).findFirst();
  }

  private static Optional<Path> versions(Path root) {
    try (Stream<Path> dirs = Files.list(root)) {
      return dirs.map(dir -> dir.resolve("bin/pgbench")).filter(Files::isExecutable)
          .max(Comparator.comparingInt(Pgbench::majorVersion));
    } catch (IOException absent) {
      return Optional.empty();
    }
  }

  private static int majorVersion(Path pgbench) {
    Matcher m = VERSION.matcher(pgbench.toString());
    return m.find() ? Integer.parseInt(m.group(1)) : 0;
  }

  /** "pgbench (PostgreSQL) 15.18 (…)" and where it is. */
  String version() throws IOException, InterruptedException {
    return execute(List.of(binary.toString(), "--version"), Duration.ofSeconds(30)).trim() + " at " + binary;
  }

  /** Blocking: one pgbench run of so many clients for the duration, each transaction one INSERT of rows rows. */
  Ceiling.Result run(String name, int clients, int rows, Duration duration) throws IOException, InterruptedException {
    Path dir = Files.createDirectories(workDir.resolve("pgbench-" + System.nanoTime()));
    try {
      Path script = Files.writeString(dir.resolve("insert.sql"), rows == 1 ? oneRow() : manyRows(rows));
      List<String> command = new ArrayList<>(List.of(binary.toString(), "-n", "-M", "prepared", "-f", script.toString(),
          "-c", Integer.toString(clients), "-j", Integer.toString(Math.min(2, clients)),
          "-T", Long.toString(Math.max(1, duration.toSeconds())), "-l", "--log-prefix=" + dir.resolve("log")));
      command.addAll(connection());
      String output = execute(command, duration.plusMinutes(2));
      double tps = Double.parseDouble(find(TPS, output, "tps"));
      long transactions = Long.parseLong(find(PROCESSED, output, "number of transactions"));
      return new Ceiling.Result(name, clients, rows, transactions, Duration.ofNanos(Math.round(transactions / tps * 1e9)), latencies(dir));
    } finally {
      try (Stream<Path> files = Files.list(dir)) {
        for (Path file : files.toList()) {
          Files.delete(file);
        }
      }
      Files.delete(dir);
    }
  }

  /** One event row per transaction, its values drawn by pgbench. */
  private String oneRow() {
    return "\\set p random(0, " + (Ceiling.PARTITIONS - 1) + ")\n"
        + "\\set w random(0, " + (workload.workspaces() - 1) + ")\n"
        + "\\set a random(0, " + (workload.authors() - 1) + ")\n"
        + "\\set g random(0, " + (Workload.GENRES - 1) + ")\n"
        + "\\set b random(1, 1000000000)\n"
        + "INSERT INTO events (app, partition, offs, ws, agg_type, agg_id, body) VALUES ('" + Workload.APP + "', :p, nextval('"
        + OFFSETS + "'), " + workspace() + ", 'book', 'pgbench-' || :b, " + body("'pgbench-' || :b", ":a", ":g") + ");\n";
  }

  /**
   * rows event rows of one workspace per transaction in one INSERT (as the server's group commit writes a
   * batch); pgbench allows too few parameters for one each, so PostgreSQL draws each row's author and genre.
   */
  private String manyRows(int rows) {
    return "\\set p random(0, " + (Ceiling.PARTITIONS - 1) + ")\n"
        + "\\set w random(0, " + (workload.workspaces() - 1) + ")\n"
        + "\\set b random(1, 1000000000)\n"
        + "INSERT INTO events (app, partition, offs, ws, agg_type, agg_id, body) SELECT '" + Workload.APP + "', :p, nextval('"
        + OFFSETS + "'), " + workspace() + ", 'book', 'pgbench-' || :b || '-' || i, "
        + body("'pgbench-' || :b || '-' || i", "floor(random() * " + workload.authors() + ")::int",
            "floor(random() * " + Workload.GENRES + ")::int")
        + " FROM generate_series(1, " + rows + ") AS i;\n";
  }

  private String workspace() {
    return "'" + workload.workspacePrefix() + "' || :w";
  }

  /** The stored body with three SQL expressions spliced in: the book id, the author's number and the genre's. */
  private static String body(String book, String author, String genre) {
    String template = Workload.storedBody("\u0001", "author-\u0002", "genre-\u0003");
    return "('" + template.replace("\u0001", "' || " + book + " || '").replace("\u0002", "' || " + author + " || '")
        .replace("\u0003", "' || " + genre + " || '") + "')::jsonb";
  }

  /** -h, -p, -U and the database name; the password, if any, goes in PGPASSWORD. */
  private List<String> connection() {
    String user = database.getUserInfo() == null ? "postgres" : database.getUserInfo().split(":", 2)[0];
    return List.of("-h", database.getHost(), "-p", Integer.toString(database.getPort() < 0 ? 5432 : database.getPort()),
        "-U", user, database.getPath().substring(1));
  }

  private String execute(List<String> command, Duration limit) throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    String userInfo = database.getUserInfo();
    if (userInfo != null && userInfo.contains(":")) {
      builder.environment().put("PGPASSWORD", userInfo.split(":", 2)[1]);
    }
    Path out = Files.createTempFile(Files.createDirectories(workDir), "pgbench", ".out");
    try {
      Process process = builder.redirectOutput(out.toFile()).start();
      if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor();
        throw new IllegalStateException("pgbench did not end within " + limit + ": " + String.join(" ", command));
      }
      String output = Files.readString(out, StandardCharsets.UTF_8);
      if (process.exitValue() != 0) {
        throw new IllegalStateException("pgbench exited with " + process.exitValue() + ": " + String.join(" ", command) + "\n" + output);
      }
      return output;
    } finally {
      Files.deleteIfExists(out);
    }
  }

  private static String find(Pattern pattern, String output, String what) {
    Matcher m = pattern.matcher(output);
    if (!m.find()) {
      throw new IllegalStateException("no " + what + " in pgbench's output:\n" + output);
    }
    return m.group(1);
  }

  /** Each transaction's latency, the third field of every line of pgbench's logs (one file per thread). */
  private static Histogram latencies(Path dir) throws IOException {
    Histogram histogram = new Histogram(MAX_LATENCY_MICROS, 3);
    try (Stream<Path> logs = Files.list(dir)) {
      for (Path log : logs.filter(f -> f.getFileName().toString().startsWith("log.")).toList()) {
        try (Stream<String> lines = Files.lines(log)) {
          lines.map(line -> line.split(" ")).filter(f -> f.length > 2)
              .forEach(f -> histogram.recordValue(Math.min(MAX_LATENCY_MICROS, Long.parseLong(f[2]))));
        }
      }
    }
    return histogram;
  }
}
