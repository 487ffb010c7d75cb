package io.highwater.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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

  static final String USAGE = """
      java -jar bench/target/highwater-bench.jar [flags]   (run from the project root)
        --pg-url URL                 postgresql://user[:password]@host:port/db of a server the benchmark may create
                                     databases on; default: an embedded PostgreSQL under <work-dir>/pg
        --server-jar PATH            default verticles/target/highwater.jar
        --conf-dir PATH              the server's conf/ (default conf)
        --work-dir PATH              embedded PostgreSQL and server logs (default bench/target)
        --results-dir PATH           default bench/results
        --duration-seconds S         each measured phase (default 20)
        --warmup-seconds S           before each closed-loop phase and ceiling (default 3)
        --server-warmup-seconds S    single-event closed loop, not measured, once before the server's phases, so
                                     that its JIT has compiled the hot paths (default 60)
        --clients N                  concurrent HTTP clients in closed loop, connections in open loop (default 64)
        --batch-size N               events per append in the batch phase (default 10)
        --workspaces N               workspaces appended to, spread over all partitions (default 1000)
        --authors N                  authors per workspace, the keys of view:books_by_author (default 50)
        --open-loop FRACTIONS        offered rates as fractions of the single-event maximum (default 0.25,0.5,0.75)
        --ttc-sample-every N         measure time to consistency for one append in N (default 10)
        --ttc-timeout-seconds S      give up waiting for consistency after S (default 30)
        --pgbench PATH               pgbench, the ceiling the server's rates are held against; "none": the in-JVM
                                     ceiling instead (default: the newest /usr/lib/postgresql/*/bin/pgbench, else PATH)
        --pgbench-seconds S          each pgbench run, before and after the server's phases (default 10)
        --ceiling-connections N      ceiling (a), pgbench's and the in-JVM one: one-row transactions (default 64)
        --ceiling-batch-connections N  ceiling (b): multi-row transactions (default 4)
        --ceiling-batch-rows N       ceiling (b): rows per transaction (default 100)
        --hot-workspaces N           hot-key phase: workspaces whose books all have one author (default 64)
        --aggregates N               long-lived phase: books in the pool, at least --clients (default 500)
        --aggregate-history N        long-lived phase: events per book before it is measured, at most 1000 (default 100)
        --growth COUNTS              events in the log, comma-separated (e.g. 1000000,5000000): fill the log up to
                                     each through the append API, then measure single events again (default none)
        --growth-batch-size N        events per append while filling, at most 1000 (default 500)
        --growth-connections N       connections while filling (default 16)
        --soak-minutes M             then an open-loop soak of M minutes, recording the server's memory (default 0: none)
        --soak-fraction F            the soak's offered rate as a fraction of the single-event maximum (default 0.5)
        --server-java-opts "OPTS"    JVM options of the server process (default none)
        --server-env KEY=VALUE       extra environment of the server process, repeatable (e.g. HIGHWATER_PG_POOL_SIZE=16)
        --token JWT                  the bearer token of every request (default: the development token the server
                                     writes to its data directory when it generates its own auth secret)
      """;

  static Options defaults() {
    return parse(new String[0]);
  }

  static Options parse(String[] args) {
    Map<String, String> flags = new LinkedHashMap<>();
    Map<String, String> serverEnv = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      String flag = args[i];
      if (flag.equals("--help") || flag.equals("-h")) {
        throw new IllegalArgumentException(USAGE);
      }
      if (!flag.startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException("expected --flag value, got '" + flag + "'\n" + USAGE);
      }
      String value = args[++i];
      if (flag.equals("--server-env")) {
        int eq = value.indexOf('=');
        if (eq <= 0) {
          throw new IllegalArgumentException("--server-env expects KEY=VALUE, got '" + value + "'");
        }
        serverEnv.put(value.substring(0, eq), value.substring(eq + 1));
      } else {
        flags.put(flag.substring(2), value);
      }
    }
    Flags f = new Flags(flags);
    Options options = new Options(
        f.string("pg-url", null),
        Path.of(f.string("server-jar", "verticles/target/highwater.jar")),
        Path.of(f.string("conf-dir", "conf")),
        Path.of(f.string("work-dir", "bench/target")),
        Path.of(f.string("results-dir", "bench/results")),
        f.seconds("duration-seconds", 20),
        f.seconds("warmup-seconds", 3),
        f.seconds("server-warmup-seconds", 60),
        f.positive("clients", 64),
        f.positive("batch-size", 10),
        f.positive("workspaces", 1000),
        f.positive("authors", 50),
        f.fractions("open-loop", "0.25,0.5,0.75"),
        f.positive("ttc-sample-every", 10),
        f.seconds("ttc-timeout-seconds", 30),
        f.positive("ceiling-connections", 64),
        f.positive("ceiling-batch-connections", 4),
        f.positive("ceiling-batch-rows", 100),
        f.number("soak-minutes", 0),
        f.number("soak-fraction", 0.5),
        f.string("pgbench", null),
        f.seconds("pgbench-seconds", 10),
        f.positive("hot-workspaces", 64),
        f.positive("aggregates", 500),
        f.atMost(1000, "aggregate-history", 100),
        f.counts("growth"),
        f.atMost(1000, "growth-batch-size", 500),
        f.positive("growth-connections", 16),
        f.words("server-java-opts"),
        Map.copyOf(serverEnv),
        f.string("token", null),
        "java -jar bench/target/highwater-bench.jar" + (args.length == 0 ? "" : " " + String.join(" ", args)));
    f.rejectUnknown();
    if (options.aggregates() < options.clients()) {
      throw new IllegalArgumentException("--aggregates: at least --clients (" + options.clients() + ") books, one per append in flight");
    }
    return options;
  }

  /** Reads flags by name, remembering which were read so that a misspelt one is refused. */
  private static final class Flags {
    private final Map<String, String> values;
    private final List<String> read = new ArrayList<>();

    Flags(Map<String, String> values) {
      this.values = values;
    }

    String string(String name, String fallback) {
      read.add(name);
      return values.getOrDefault(name, fallback);
    }

    double number(String name, double fallback) {
      String value = string(name, null);
      try {
        double number = value == null ? fallback : Double.parseDouble(value);
        if (number < 0 || Double.isNaN(number)) {
          throw new NumberFormatException();
        }
        return number;
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("--" + name + ": expected a number >= 0, got '" + value + "'");
      }
    }

    int positive(String name, int fallback) {
      double number = number(name, fallback);
      if (number < 1 || number != Math.rint(number)) {
        throw new IllegalArgumentException("--" + name + ": expected a whole number >= 1, got " + number);
      }
      return (int) number;
    }

    int atMost(int limit, String name, int fallback) {
      int number = positive(name, fallback);
      if (number > limit) {
        throw new IllegalArgumentException("--" + name + ": at most " + limit + " (the server's events per append), got " + number);
      }
      return number;
    }

    /** Comma-separated whole numbers in ascending order; none when absent. */
    List<Long> counts(String name) {
      String value = string(name, "");
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

    Duration seconds(String name, double fallback) {
      return Duration.ofMillis(Math.round(number(name, fallback) * 1000));
    }

    List<Double> fractions(String name, String fallback) {
      String value = string(name, fallback);
      try {
        return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).map(Double::parseDouble).toList();
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("--" + name + ": expected comma-separated fractions, got '" + value + "'");
      }
    }

    List<String> words(String name) {
      String value = string(name, "").trim();
      return value.isEmpty() ? List.of() : List.of(value.split("\\s+"));
    }

    void rejectUnknown() {
      for (String name : values.keySet()) {
        if (!read.contains(name)) {
          throw new IllegalArgumentException("unknown flag --" + name + "\n" + USAGE);
        }
      }
    }
  }
}
