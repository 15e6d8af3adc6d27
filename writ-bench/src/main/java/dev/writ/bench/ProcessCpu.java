package dev.writ.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * CPU time of this process (from the JVM) and of other processes (from Linux's {@code
 * /proc/PID/stat}, user plus system time, in clock ticks of {@link #TICKS_PER_SECOND}).
 *
 * <p>Stateless; thread-safe.
 */
final class ProcessCpu {
  /**
   * {@code sysconf(_SC_CLK_TCK)}: the unit of {@code utime} and {@code stime} in {@code
   * /proc/PID/stat}. Linux fixes USER_HZ at 100 on every architecture the JDK runs on.
   */
  static final long TICKS_PER_SECOND = 100;

  private ProcessCpu() {}

  /** This JVM's CPU time in nanoseconds, or -1 if the platform does not say. */
  static long self() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return -1;
  }

  /** The summed CPU time of {@code pids} in nanoseconds, or -1 if any cannot be read. */
  static long of(List<Long> pids) {
    long total = 0;
    for (long pid : pids) {
      long t = of(pid);
      if (t < 0) {
        return -1;
      }
      total += t;
    }
    return total;
  }

  /**
   * CPU time of every thread of {@code pids} in nanoseconds, summed by thread group: the thread's
   * name (Linux keeps 15 characters) with digit runs replaced by {@code N}, so that the 256 Jetty
   * workers are one row and the GC and JIT threads others. Threads that cannot be read are left
   * out; a thread that ended took its time with it (read this at both ends of a window and
   * subtract).
   */
  static Map<String, Long> byThreadGroup(List<Long> pids) {
    Map<String, Long> groups = new TreeMap<>();
    for (long pid : pids) {
      Path tasks = Path.of("/proc", Long.toString(pid), "task");
      try (Stream<Path> list = Files.list(tasks)) {
        for (Path task : list.toList()) {
          String stat;
          try {
            stat = Files.readString(task.resolve("stat"), StandardCharsets.UTF_8);
          } catch (IOException e) {
            continue; // the thread ended between listing and reading
          }
          long t = parseStat(stat);
          String name = threadName(stat);
          if (t >= 0 && name != null) {
            groups.merge(name, t, Long::sum);
          }
        }
      } catch (IOException e) {
        // the process is gone or not readable: report what was read
      }
    }
    return groups;
  }

  /** The command name of a stat line with digit runs folded to {@code N}, or null. */
  static String threadName(String stat) {
    int open = stat.indexOf('(');
    int close = stat.lastIndexOf(')');
    if (open < 0 || close < open) {
      return null;
    }
    return stat.substring(open + 1, close).replaceAll("[0-9]+", "N");
  }

  private static long of(long pid) {
    String stat;
    try {
      stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return -1;
    }
    return parseStat(stat);
  }

  /**
   * utime + stime of one {@code /proc/PID/stat} line in nanoseconds, or -1 if it does not parse.
   * The command name (field 2) may hold spaces and parentheses, so fields are counted from the last
   * ')': after it come state (field 3) ... utime (14), stime (15).
   */
  static long parseStat(String stat) {
    int close = stat.lastIndexOf(')');
    if (close < 0) {
      return -1;
    }
    String[] f = stat.substring(close + 1).trim().split(" +", -1);
    if (f.length < 13) {
      return -1;
    }
    try {
      long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
      return ticks * (1_000_000_000L / TICKS_PER_SECOND);
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
