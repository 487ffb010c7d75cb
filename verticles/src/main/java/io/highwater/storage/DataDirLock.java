package io.highwater.storage;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An exclusive lock on a file of a data directory, held by the live process that uses the directory.
 * The operating system releases it when that process dies, however it dies, so a free lock means
 * whatever that process left running is an orphan. The file names its holder's pid for the message
 * of a refused start.
 */
final class DataDirLock implements AutoCloseable {

  private final FileChannel channel;
  private final FileLock lock;

  private DataDirLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /** Takes the lock, or fails naming the live process that holds it. */
  static DataDirLock acquire(Path file) throws IOException {
    FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException heldHere) {
      channel.close();
      throw inUse(file, "this process (pid " + ProcessHandle.current().pid() + ")");
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
    if (lock == null) {
      String holder = holder(file);
      channel.close();
      throw inUse(file, holder);
    }
    ProcessHandle self = ProcessHandle.current();
    String content = self.pid() + "\n" + self.info().commandLine().orElse("") + "\n";
    channel.truncate(0);
    channel.write(ByteBuffer.wrap(content.getBytes(UTF_8)), 0);
    channel.force(true);
    return new DataDirLock(channel, lock);
  }

  private static IOException inUse(Path file, String holder) {
    return new IOException("The data directory " + file.getParent() + " is in use by another running Highwater server: "
        + holder + " holds " + file + ". Stop that server first, or give this one a data directory of its own"
        + " (HIGHWATER_DATA_DIR).");
  }

  /** "pid N (command)" from the file and the process table; what is known when the file is unreadable. */
  private static String holder(Path file) {
    try {
      String pid = Files.readString(file, UTF_8).lines().findFirst().orElse("").trim();
      String command = ProcessHandle.of(Long.parseLong(pid)).flatMap(p -> p.info().command()).orElse("unknown command");
      return "pid " + pid + " (" + command + ")";
    } catch (IOException | RuntimeException unreadable) {
      return "a process whose pid is not recorded";
    }
  }

  /** Releases the lock; idempotent. */
  @Override
  public void close() {
    try {
      if (lock.isValid()) {
        lock.release();
      }
      channel.close();
    } catch (IOException e) {
      // Closing the channel releases the lock anyway; nothing else to do.
    }
  }
}
