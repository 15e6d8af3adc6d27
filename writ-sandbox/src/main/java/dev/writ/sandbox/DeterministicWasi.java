package dev.writ.sandbox;

import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.ImportFunction;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.ValType;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Replaces the WASI preview 1 functions whose answers would depend on the host or on time with
 * deterministic ones:
 *
 * <ul>
 *   <li>{@code clock_time_get}: every clock reads virtual time, one nanosecond per instruction
 *       executed so far; the realtime clock adds {@link #EPOCH_SECONDS}.
 *   <li>{@code clock_res_get}: 1 ns for every clock.
 *   <li>{@code poll_oneoff}: {@code ENOTSUP} (sleeping and waiting on input are not deterministic).
 * </ul>
 *
 * Chicory's {@code WasiPreview1} reads the monotonic clock from {@code System.nanoTime()} and
 * sleeps in real time in {@code poll_oneoff}, which is why these three are not left to it.
 * Stateless apart from the virtual-time source; thread-safe if it is.
 */
final class DeterministicWasi {

  /** The realtime clock's origin: 2024-01-01T00:00:00Z, in Unix seconds. */
  static final long EPOCH_SECONDS = 1_704_067_200L;

  private static final String MODULE = "wasi_snapshot_preview1";
  // WASI preview 1 errno values (wasi-libc's __wasi_errno_t)
  private static final long ESUCCESS = 0;
  private static final long EINVAL = 28;
  private static final long ENOTSUP = 58;
  private static final int CLOCK_THREAD_CPUTIME_ID = 3;

  private DeterministicWasi() {}

  /** {@code wasi} with the time-dependent functions swapped for deterministic ones. */
  static List<ImportFunction> override(HostFunction[] wasi, LongSupplier virtualNanos) {
    List<ImportFunction> out = new ArrayList<>(wasi.length);
    for (HostFunction f : wasi) {
      out.add(
          switch (f.name()) {
            case "clock_time_get" -> clockTimeGet(virtualNanos);
            case "clock_res_get" -> clockResGet();
            case "poll_oneoff" -> pollOneoff();
            default -> f;
          });
    }
    return out;
  }

  private static HostFunction clockTimeGet(LongSupplier virtualNanos) {
    return new HostFunction(
        MODULE,
        "clock_time_get",
        FunctionType.of(List.of(ValType.I32, ValType.I64, ValType.I32), List.of(ValType.I32)),
        (Instance instance, long... args) -> {
          int clockId = (int) args[0];
          if (clockId < 0 || clockId > CLOCK_THREAD_CPUTIME_ID) {
            return new long[] {EINVAL};
          }
          long now = virtualNanos.getAsLong();
          long value = clockId == 0 ? EPOCH_SECONDS * 1_000_000_000L + now : now;
          instance.memory().writeLong((int) args[2], value);
          return new long[] {ESUCCESS};
        });
  }

  private static HostFunction clockResGet() {
    return new HostFunction(
        MODULE,
        "clock_res_get",
        FunctionType.of(List.of(ValType.I32, ValType.I32), List.of(ValType.I32)),
        (Instance instance, long... args) -> {
          int clockId = (int) args[0];
          if (clockId < 0 || clockId > CLOCK_THREAD_CPUTIME_ID) {
            return new long[] {EINVAL};
          }
          instance.memory().writeLong((int) args[1], 1L);
          return new long[] {ESUCCESS};
        });
  }

  private static HostFunction pollOneoff() {
    return new HostFunction(
        MODULE,
        "poll_oneoff",
        FunctionType.of(
            List.of(ValType.I32, ValType.I32, ValType.I32, ValType.I32), List.of(ValType.I32)),
        (Instance instance, long... args) -> new long[] {ENOTSUP});
  }
}
