package io.highwater.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Who used the CPU during a phase's window: the server process, this load generator, and the whole
 * machine (PostgreSQL and anything else running), in cores, from /proc (Linux; zero elsewhere).
 */
final class CpuClock {

  /** The kernel's clock tick, USER_HZ: 100 on every Linux architecture the JVM runs on. */
  private static final double TICKS_PER_SECOND = 100;

  private final long serverPid;

  CpuClock(long serverPid) {
    this.serverPid = serverPid;
  }

  /** Cores used on average between two readings. */
  record Usage(double serverCores, double benchCores, double machineCores) {
    static final Usage NONE = new Usage(0, 0, 0);
  }

  /** CPU seconds used so far, at a moment. */
  record Reading(long nanos, double serverSeconds, double benchSeconds, double machineBusySeconds) {}

  /** Blocking: reads at the start and the end of the phase's window, and keeps the difference in the phase. */
  void measure(Phase phase) throws InterruptedException {
    sleepUntil(phase.windowStart);
    Reading start = read();
    sleepUntil(phase.windowEnd);
    phase.cpu = since(start);
  }

  /** The cores used on average from start until now. */
  Usage since(Reading start) {
    Reading end = read();
    double seconds = (end.nanos() - start.nanos()) / 1e9;
    return new Usage((end.serverSeconds() - start.serverSeconds()) / seconds,
        (end.benchSeconds() - start.benchSeconds()) / seconds,
        (end.machineBusySeconds() - start.machineBusySeconds()) / seconds);
  }

  Reading read() {
    long bench = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    return new Reading(System.nanoTime(), processSeconds(serverPid), bench / 1e9, machineBusySeconds());
  }

  /** utime + stime of /proc/PID/stat (fields 14 and 15, counted after the parenthesised command name). */
  private static double processSeconds(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICKS_PER_SECOND;
    } catch (IOException | RuntimeException unreadable) {
      return 0;
    }
  }

  /** Every non-idle tick of the first line of /proc/stat: "cpu user nice system idle iowait irq softirq steal". */
  private static double machineBusySeconds() {
    try {
      String[] fields = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      long busy = 0;
      for (int i = 1; i < Math.min(fields.length, 9); i++) {
        if (i != 4 && i != 5) { // idle, iowait
          busy += Long.parseLong(fields[i]);
        }
      }
      return busy / TICKS_PER_SECOND;
    } catch (IOException | RuntimeException unreadable) {
      return 0;
    }
  }

  private static void sleepUntil(long nanos) throws InterruptedException {
    long wait = nanos - System.nanoTime();
    if (wait > 0) {
      Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
    }
  }
}
