package dev.writ.bench;

import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Where the load generator reads CPU time at both ends of the measured window: its own, the
 * servers' in total, and the servers' by thread group. A value of -1 (or an empty map) means
 * unknown.
 *
 * <p>Thread-safe if the suppliers are.
 */
record CpuProbe(
    LongSupplier selfNanos, LongSupplier serverNanos, Supplier<Map<String, Long>> serverThreads) {

  /** Only this process is known. */
  static final CpuProbe SELF_ONLY = new CpuProbe(ProcessCpu::self, () -> -1, Map::of);

  /** This process and the server processes {@code pids} (Linux {@code /proc}). */
  static CpuProbe of(List<Long> pids) {
    if (pids.isEmpty()) {
      return SELF_ONLY;
    }
    return new CpuProbe(
        ProcessCpu::self, () -> ProcessCpu.of(pids), () -> ProcessCpu.byThreadGroup(pids));
  }
}
