package dev.writ.sandbox;

import java.time.Duration;
import java.util.Objects;

/**
 * The limits one execution runs under. Immutable; the constructor validates every field against the
 * bounds below and throws {@link IllegalArgumentException} with a one-line message.
 *
 * @param wallClock real time from the start of the execution until it is stopped (both tiers)
 * @param memoryBytes wasm: linear memory cap (rounded down to 64 KiB pages); process: address space
 *     ({@code RLIMIT_AS})
 * @param fuel wasm: the number of instructions the interpreter may execute
 * @param maxOutputBytes stdout and stderr together are kept up to this many bytes; everything is
 *     still counted and hashed
 * @param maxProcesses process: {@code RLIMIT_NPROC} for the execution's uid (its own processes,
 *     threads included)
 * @param maxFileBytes process: {@code RLIMIT_FSIZE}, the largest file it may write
 */
public record ExecutionLimits(
    Duration wallClock,
    long memoryBytes,
    long fuel,
    long maxOutputBytes,
    int maxProcesses,
    long maxFileBytes) {

  /** WebAssembly page size (core spec, section 2.5.7 "Memories"). */
  public static final long WASM_PAGE_BYTES = 65_536;

  /** Default wall clock: 10 seconds. */
  public static final Duration DEFAULT_WALL_CLOCK = Duration.ofSeconds(10);

  /** Longest wall clock accepted: one hour; longer work is a job, not an execution. */
  public static final Duration MAX_WALL_CLOCK = Duration.ofHours(1);

  /** Default memory: 256 MiB. */
  public static final long DEFAULT_MEMORY_BYTES = 256L << 20;

  /** Least memory accepted: one wasm page. */
  public static final long MIN_MEMORY_BYTES = WASM_PAGE_BYTES;

  /** Most memory accepted: 4 GiB, the 32-bit wasm address space (65536 pages). */
  public static final long MAX_MEMORY_BYTES = 4L << 30;

  /** Default fuel: 500 million instructions (seconds of interpreter time, not minutes). */
  public static final long DEFAULT_FUEL = 500_000_000L;

  /** Most fuel accepted: 10^12 instructions. */
  public static final long MAX_FUEL = 1_000_000_000_000L;

  /** Default output cap: 1 MiB of stdout and stderr together. */
  public static final long DEFAULT_MAX_OUTPUT_BYTES = 1L << 20;

  /** Largest output cap accepted: 64 MiB (the captured bytes are held in memory). */
  public static final long MAX_OUTPUT_BYTES = 64L << 20;

  /** Default process count: 32. */
  public static final int DEFAULT_MAX_PROCESSES = 32;

  /** Most processes accepted: 4096. */
  public static final int MAX_PROCESSES = 4096;

  /** Default largest file: 64 MiB. */
  public static final long DEFAULT_MAX_FILE_BYTES = 64L << 20;

  /** Validates every field. */
  public ExecutionLimits {
    Objects.requireNonNull(wallClock, "wallClock");
    if (wallClock.isNegative() || wallClock.isZero() || wallClock.compareTo(MAX_WALL_CLOCK) > 0) {
      throw new IllegalArgumentException(
          "wall clock must be positive and at most " + MAX_WALL_CLOCK + ", got " + wallClock);
    }
    if (memoryBytes < MIN_MEMORY_BYTES || memoryBytes > MAX_MEMORY_BYTES) {
      throw new IllegalArgumentException(
          "memory must be between "
              + MIN_MEMORY_BYTES
              + " and "
              + MAX_MEMORY_BYTES
              + " bytes, got "
              + memoryBytes);
    }
    if (fuel < 1 || fuel > MAX_FUEL) {
      throw new IllegalArgumentException(
          "fuel must be between 1 and " + MAX_FUEL + " instructions, got " + fuel);
    }
    if (maxOutputBytes < 0 || maxOutputBytes > MAX_OUTPUT_BYTES) {
      throw new IllegalArgumentException(
          "output cap must be between 0 and " + MAX_OUTPUT_BYTES + " bytes, got " + maxOutputBytes);
    }
    if (maxProcesses < 1 || maxProcesses > MAX_PROCESSES) {
      throw new IllegalArgumentException(
          "process count must be between 1 and " + MAX_PROCESSES + ", got " + maxProcesses);
    }
    if (maxFileBytes < 0) {
      throw new IllegalArgumentException("largest file must not be negative, got " + maxFileBytes);
    }
  }

  /** The default limits (the named {@code DEFAULT_*} constants). */
  public static ExecutionLimits defaults() {
    return new ExecutionLimits(
        DEFAULT_WALL_CLOCK,
        DEFAULT_MEMORY_BYTES,
        DEFAULT_FUEL,
        DEFAULT_MAX_OUTPUT_BYTES,
        DEFAULT_MAX_PROCESSES,
        DEFAULT_MAX_FILE_BYTES);
  }

  /** A copy with another wall clock. */
  public ExecutionLimits withWallClock(Duration value) {
    return new ExecutionLimits(
        value, memoryBytes, fuel, maxOutputBytes, maxProcesses, maxFileBytes);
  }

  /** A copy with another memory cap. */
  public ExecutionLimits withMemoryBytes(long value) {
    return new ExecutionLimits(wallClock, value, fuel, maxOutputBytes, maxProcesses, maxFileBytes);
  }

  /** A copy with another fuel budget. */
  public ExecutionLimits withFuel(long value) {
    return new ExecutionLimits(
        wallClock, memoryBytes, value, maxOutputBytes, maxProcesses, maxFileBytes);
  }

  /** A copy with another output cap. */
  public ExecutionLimits withMaxOutputBytes(long value) {
    return new ExecutionLimits(wallClock, memoryBytes, fuel, value, maxProcesses, maxFileBytes);
  }

  /** A copy with another process count. */
  public ExecutionLimits withMaxProcesses(int value) {
    return new ExecutionLimits(wallClock, memoryBytes, fuel, maxOutputBytes, value, maxFileBytes);
  }

  /** A copy with another largest-file size. */
  public ExecutionLimits withMaxFileBytes(long value) {
    return new ExecutionLimits(wallClock, memoryBytes, fuel, maxOutputBytes, maxProcesses, value);
  }

  /** The memory cap in whole wasm pages (rounded down). */
  public int memoryPages() {
    return (int) (memoryBytes / WASM_PAGE_BYTES);
  }
}
