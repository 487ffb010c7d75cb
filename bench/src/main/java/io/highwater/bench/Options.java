package io.highwater.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The benchmark's flags, each with a default; paths are relative to the working directory (the project root). */
record Options(
    String pgUrl,
    Path serverJar,
    Path confDir,
    Path workDir,
    Path resultsDir,
    Duration duration,
    Duration warmup,
    Duration serverWarmup,
    int clients,
    int batchSize,
    int workspaces,
    int authors,
    List<Double> openLoopFractions,
    int ttcSampleEvery,
    Duration ttcTimeout,
    int ceilingConnections,
    int ceilingBatchConnections,
    int ceilingBatchRows,
    double soakMinutes,
    double soakFraction,
    String pgbench,
    Duration pgbenchDuration,
    int hotWorkspaces,
    int aggregates,
    int aggregateHistory,
    List<Long> growth,
    int growthBatchSize,
    int growthConnections,
    List<String> serverJavaOpts,
    Map<String, String> serverEnv,
    String token,
    String command) {

  /**
   * The flags as picocli reads them, each kept as its text (validated below, with the messages of
   * {@link Flags}); {@code --help} is generated from these definitions.
   */
  @Command(name = "java -jar bench/target/highwater-bench.jar", sortOptions = false, usageHelpWidth = 120,
      description = "Throughput, latency and time to consistency of a Highwater server started from its jar, against the "
          + "ceiling of raw inserts into the same PostgreSQL. Run from the project root.")
  static final class Cli {
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "this help")
    boolean help;
    @Option(names = "--pg-url", paramLabel = "URL", description = "postgresql://user[:password]@host:port/db of a server the benchmark "
        + "may create databases on; default: an embedded PostgreSQL under <work-dir>/pg")
    String pgUrl;
    @Option(names = "--server-jar", paramLabel = "PATH", defaultValue = "verticles/target/highwater.jar", description = "default ${DEFAULT-VALUE}")
    String serverJar;
    @Option(names = "--conf-dir", paramLabel = "PATH", defaultValue = "conf", description = "the server's conf/ (default ${DEFAULT-VALUE})")
    String confDir;
    @Option(names = "--work-dir", paramLabel = "PATH", defaultValue = "bench/target",
        description = "embedded PostgreSQL and server logs (default ${DEFAULT-VALUE})")
    String workDir;
    @Option(names = "--results-dir", paramLabel = "PATH", defaultValue = "bench/results", description = "default ${DEFAULT-VALUE}")
    String resultsDir;
    @Option(names = "--duration-seconds", paramLabel = "S", defaultValue = "20", description = "each measured phase (default ${DEFAULT-VALUE})")
    String durationSeconds;
    @Option(names = "--warmup-seconds", paramLabel = "S", defaultValue = "3",
        description = "before each closed-loop phase and ceiling (default ${DEFAULT-VALUE})")
    String warmupSeconds;
    @Option(names = "--server-warmup-seconds", paramLabel = "S", defaultValue = "60", description = "single-event closed loop, not "
        + "measured, once before the server's phases, so that its JIT has compiled the hot paths (default ${DEFAULT-VALUE})")
    String serverWarmupSeconds;
    @Option(names = "--clients", paramLabel = "N", defaultValue = "64",
        description = "concurrent HTTP clients in closed loop, connections in open loop (default ${DEFAULT-VALUE})")
    String clients;
    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "10", description = "events per append in the batch phase (default ${DEFAULT-VALUE})")
    String batchSize;
    @Option(names = "--workspaces", paramLabel = "N", defaultValue = "1000",
        description = "workspaces appended to, spread over all partitions (default ${DEFAULT-VALUE})")
    String workspaces;
    @Option(names = "--authors", paramLabel = "N", defaultValue = "50",
        description = "authors per workspace, the keys of view:books_by_author (default ${DEFAULT-VALUE})")
    String authors;
    @Option(names = "--open-loop", paramLabel = "FRACTIONS", defaultValue = "0.25,0.5,0.75",
        description = "offered rates as fractions of the single-event maximum (default ${DEFAULT-VALUE})")
    String openLoop;
    @Option(names = "--ttc-sample-every", paramLabel = "N", defaultValue = "10",
        description = "measure time to consistency for one append in N (default ${DEFAULT-VALUE})")
    String ttcSampleEvery;
    @Option(names = "--ttc-timeout-seconds", paramLabel = "S", defaultValue = "30",
        description = "give up waiting for consistency after S (default ${DEFAULT-VALUE})")
    String ttcTimeoutSeconds;
    @Option(names = "--pgbench", paramLabel = "PATH", description = "pgbench, the ceiling the server's rates are held against; \"none\": "
        + "the in-JVM ceiling instead (default: the newest /usr/lib/postgresql/*/bin/pgbench, else PATH)")
    String pgbench;
    @Option(names = "--pgbench-seconds", paramLabel = "S", defaultValue = "10",
        description = "each pgbench run, before and after the server's phases (default ${DEFAULT-VALUE})")
    String pgbenchSeconds;
    @Option(names = "--ceiling-connections", paramLabel = "N", defaultValue = "64",
        description = "ceiling (a), pgbench's and the in-JVM one: one-row transactions (default ${DEFAULT-VALUE})")
    String ceilingConnections;
    @Option(names = "--ceiling-batch-connections", paramLabel = "N", defaultValue = "4",
        description = "ceiling (b): multi-row transactions (default ${DEFAULT-VALUE})")
    String ceilingBatchConnections;
    @Option(names = "--ceiling-batch-rows", paramLabel = "N", defaultValue = "100", description = "ceiling (b): rows per transaction (default ${DEFAULT-VALUE})")
    String ceilingBatchRows;
    @Option(names = "--hot-workspaces", paramLabel = "N", defaultValue = "64",
        description = "hot-key phase: workspaces whose books all have one author (default ${DEFAULT-VALUE})")
    String hotWorkspaces;
    @Option(names = "--aggregates", paramLabel = "N", defaultValue = "500",
        description = "long-lived phase: books in the pool, at least --clients (default ${DEFAULT-VALUE})")
    String aggregates;
    @Option(names = "--aggregate-history", paramLabel = "N", defaultValue = "100",
        description = "long-lived phase: events per book before it is measured, at most 1000 (default ${DEFAULT-VALUE})")
    String aggregateHistory;
    @Option(names = "--growth", paramLabel = "COUNTS", defaultValue = "", description = "events in the log, comma-separated (e.g. "
        + "1000000,5000000): fill the log up to each through the append API, then measure single events again (default none)")
    String growth;
    @Option(names = "--growth-batch-size", paramLabel = "N", defaultValue = "500",
        description = "events per append while filling, at most 1000 (default ${DEFAULT-VALUE})")
    String growthBatchSize;
    @Option(names = "--growth-connections", paramLabel = "N", defaultValue = "16", description = "connections while filling (default ${DEFAULT-VALUE})")
    String growthConnections;
    @Option(names = "--soak-minutes", paramLabel = "M", defaultValue = "0",
        description = "then an open-loop soak of M minutes, recording the server's memory (default 0: none)")
    String soakMinutes;
    @Option(names = "--soak-fraction", paramLabel = "F", defaultValue = "0.5",
        description = "the soak's offered rate as a fraction of the single-event maximum (default ${DEFAULT-VALUE})")
    String soakFraction;
    @Option(names = "--server-java-opts", paramLabel = "\"OPTS\"", defaultValue = "", description = "JVM options of the server process (default none)")
    String serverJavaOpts;
    @Option(names = "--server-env", paramLabel = "KEY=VALUE",
        description = "extra environment of the server process, repeatable (e.g. HIGHWATER_PG_POOL_SIZE=16)")
    List<String> serverEnv = new ArrayList<>();
    @Option(names = "--token", paramLabel = "JWT", description = "the bearer token of every request (default: the development "
        + "token the server writes to its data directory when it generates its own auth secret)")
    String token;
  }

  /** The usage text picocli generates from {@link Cli}. */
  static String usage() {
    return new CommandLine(new Cli()).getUsageMessage(CommandLine.Help.Ansi.OFF);
  }

  static Options defaults() {
    return parse(new String[0]);
  }

  static Options parse(String[] args) {
    Cli cli = new Cli();
    CommandLine line = new CommandLine(cli);
    try {
      line.parseArgs(args);
    } catch (CommandLine.ParameterException e) {
      throw new IllegalArgumentException(e.getMessage() + "\n" + usage());
    }
    if (line.isUsageHelpRequested()) {
      throw new IllegalArgumentException(usage());
    }
    Map<String, String> serverEnv = new LinkedHashMap<>();
    for (String value : cli.serverEnv) {
      int eq = value.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("--server-env expects KEY=VALUE, got '" + value + "'");
      }
      serverEnv.put(value.substring(0, eq), value.substring(eq + 1));
    }
    Options options = new Options(
        cli.pgUrl,
        Path.of(cli.serverJar),
        Path.of(cli.confDir),
        Path.of(cli.workDir),
        Path.of(cli.resultsDir),
        Flags.seconds("duration-seconds", cli.durationSeconds),
        Flags.seconds("warmup-seconds", cli.warmupSeconds),
        Flags.seconds("server-warmup-seconds", cli.serverWarmupSeconds),
        Flags.positive("clients", cli.clients),
        Flags.positive("batch-size", cli.batchSize),
        Flags.positive("workspaces", cli.workspaces),
        Flags.positive("authors", cli.authors),
        Flags.fractions("open-loop", cli.openLoop),
        Flags.positive("ttc-sample-every", cli.ttcSampleEvery),
        Flags.seconds("ttc-timeout-seconds", cli.ttcTimeoutSeconds),
        Flags.positive("ceiling-connections", cli.ceilingConnections),
        Flags.positive("ceiling-batch-connections", cli.ceilingBatchConnections),
        Flags.positive("ceiling-batch-rows", cli.ceilingBatchRows),
        Flags.number("soak-minutes", cli.soakMinutes),
        Flags.number("soak-fraction", cli.soakFraction),
        cli.pgbench,
        Flags.seconds("pgbench-seconds", cli.pgbenchSeconds),
        Flags.positive("hot-workspaces", cli.hotWorkspaces),
        Flags.positive("aggregates", cli.aggregates),
        Flags.atMost(1000, "aggregate-history", cli.aggregateHistory),
        Flags.counts("growth", cli.growth),
        Flags.atMost(1000, "growth-batch-size", cli.growthBatchSize),
        Flags.positive("growth-connections", cli.growthConnections),
        Flags.words(cli.serverJavaOpts),
        Map.copyOf(serverEnv),
        cli.token,
        "java -jar bench/target/highwater-bench.jar" + (args.length == 0 ? "" : " " + String.join(" ", args)));
    if (options.aggregates() < options.clients()) {
      throw new IllegalArgumentException("--aggregates: at least --clients (" + options.clients() + ") books, one per append in flight");
    }
    return options;
  }

  /** Reads a flag's text as what it means, or refuses it naming the flag. */
  private static final class Flags {

    private Flags() {}

    static double number(String name, String value) {
      try {
        double number = Double.parseDouble(value);
        if (number < 0 || Double.isNaN(number)) {
          throw new NumberFormatException();
        }
        return number;
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("--" + name + ": expected a number >= 0, got '" + value + "'");
      }
    }

    static int positive(String name, String value) {
      double number = number(name, value);
      if (number < 1 || number != Math.rint(number)) {
        throw new IllegalArgumentException("--" + name + ": expected a whole number >= 1, got " + number);
      }
      return (int) number;
    }

    static int atMost(int limit, String name, String value) {
      int number = positive(name, value);
      if (number > limit) {
        throw new IllegalArgumentException("--" + name + ": at most " + limit + " (the server's events per append), got " + number);
      }
      return number;
    }

    /** Comma-separated whole numbers in ascending order; none when empty. */
    static List<Long> counts(String name, String value) {
      try {
        List<Long> counts = Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).map(Long::parseLong).toList();
        for (int i = 0; i < counts.size(); i++) {
          if (counts.get(i) < 1 || (i > 0 && counts.get(i) <= counts.get(i - 1))) {
            throw new NumberFormatException();
          }
        }
        return counts;
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("--" + name + ": expected ascending comma-separated counts, got '" + value + "'");
      }
    }

    static Duration seconds(String name, String value) {
      return Duration.ofMillis(Math.round(number(name, value) * 1000));
    }

    static List<Double> fractions(String name, String value) {
      try {
        return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).map(Double::parseDouble).toList();
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("--" + name + ": expected comma-separated fractions, got '" + value + "'");
      }
    }

    static List<String> words(String value) {
      String trimmed = value.trim();
      return trimmed.isEmpty() ? List.of() : List.of(trimmed.split("\\s+"));
    }
  }
}
