package dev.writ.sandbox;

import com.dylibso.chicory.runtime.ExecutionListener;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.MStack;
import com.dylibso.chicory.wasm.types.Instruction;
import com.dylibso.chicory.wasm.types.OpCode;

/**
 * The per-instruction hook of one wasm execution: counts instructions against the fuel budget,
 * stops a {@code memory.grow} or {@code table.grow} that would pass the host's limit, and notes
 * when the first instruction ran. Confined to the execution's worker thread, except {@link #used()}
 * and {@link #firstInstructionNanos()}, which are read after that thread has ended.
 *
 * <p>A grow beyond the module's own declared maximum is left to the interpreter, which returns -1
 * as the core spec says; only a grow the module would be allowed but the host is not stops the
 * program, with {@link Outcome#MEMORY_EXCEEDED}.
 */
final class WasmGuard implements ExecutionListener {

  /** Most table elements a table may grow to: 2^20 (each costs the host about 12 bytes). */
  static final long MAX_TABLE_ELEMENTS = 1L << 20;

  private final long fuel;
  private final int hostMaxPages;
  private final long startNanos;
  private volatile long used;
  private volatile long firstInstructionNanos = -1;
  private Instance instance;
  private int declaredMaxPages = Integer.MAX_VALUE;

  WasmGuard(long fuel, int hostMaxPages, long startNanos) {
    this.fuel = fuel;
    this.hostMaxPages = hostMaxPages;
    this.startNanos = startNanos;
  }

  /** Binds the instance being built (from the machine factory, before any code runs). */
  void bind(Instance value) {
    this.instance = value;
  }

  /** Remembers the module's own maximum for its memory (before the host clamp). */
  void declaredMaxPages(int value) {
    this.declaredMaxPages = value;
  }

  long used() {
    return used;
  }

  /** Nanoseconds from the start of the run to the first instruction, or -1 if none ran. */
  long firstInstructionNanos() {
    return firstInstructionNanos;
  }

  /** Virtual nanoseconds for the deterministic clocks: one per instruction executed. */
  long virtualNanos() {
    return used;
  }

  @Override
  @SuppressWarnings("NonAtomicVolatileUpdate") // written by the worker thread only
  public void onExecution(Instruction instruction, MStack stack) {
    long n = used + 1;
    if (n == 1) {
      firstInstructionNanos = System.nanoTime() - startNanos;
    }
    if (n > fuel) {
      throw new LimitStop(
          Outcome.FUEL_EXHAUSTED, "stopped after " + fuel + " instructions: fuel limit reached");
    }
    used = n;
    OpCode op = instruction.opcode();
    if (op == OpCode.MEMORY_GROW) {
      checkMemoryGrow((int) instruction.operand(0), Integer.toUnsignedLong((int) stack.peek()));
    } else if (op == OpCode.TABLE_GROW) {
      checkTableGrow((int) instruction.operand(0), Integer.toUnsignedLong((int) stack.peek()));
    }
  }

  private void checkMemoryGrow(int memoryIndex, long deltaPages) {
    long target = instance.memory(memoryIndex).pages() + deltaPages;
    if (target > hostMaxPages && target <= declaredMaxPages) {
      throw new LimitStop(
          Outcome.MEMORY_EXCEEDED,
          "memory.grow to "
              + target
              + " pages exceeds the limit of "
              + hostMaxPages
              + " pages ("
              + hostMaxPages * ExecutionLimits.WASM_PAGE_BYTES
              + " bytes)");
    }
  }

  private void checkTableGrow(int tableIndex, long delta) {
    long target = instance.table(tableIndex).size() + delta;
    if (target > MAX_TABLE_ELEMENTS) {
      throw new LimitStop(
          Outcome.MEMORY_EXCEEDED,
          "table.grow to "
              + target
              + " elements exceeds the limit of "
              + MAX_TABLE_ELEMENTS
              + " elements");
    }
  }
}
