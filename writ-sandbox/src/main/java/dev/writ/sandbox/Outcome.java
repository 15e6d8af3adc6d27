package dev.writ.sandbox;

/**
 * How an execution ended. Closed set; the {@link #wire()} code is stable and is what results and
 * receipts carry. The human-readable detail is in {@link ExecutionResult#reason()}.
 */
public enum Outcome {
  /** The program ran to its end and returned an exit status (WASI {@code proc_exit}, or exit). */
  EXITED("exited"),
  /**
   * The wall-clock limit passed; the program (and, in the process tier, all its processes) was
   * stopped.
   */
  WALL_CLOCK_EXCEEDED("wall_clock_exceeded"),
  /** The wasm instruction budget (fuel) ran out. */
  FUEL_EXHAUSTED("fuel_exhausted"),
  /** The program asked for more memory (or table space) than the limit allows. */
  MEMORY_EXCEEDED("memory_exceeded"),
  /** The wasm program trapped (unreachable, out-of-bounds access, call stack exhausted, ...). */
  TRAPPED("trapped"),
  /** The content never ran: it does not parse, has no entry point, is not executable, ... */
  FAILED_TO_START("failed_to_start");

  private final String wire;

  Outcome(String wire) {
    this.wire = wire;
  }

  /** The stable lowercase code of this outcome. */
  public String wire() {
    return wire;
  }
}
