package dev.writ.sandbox;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What an execution used. Fields a tier cannot read honestly are empty rather than guessed.
 * Immutable.
 *
 * @param wallTime from the start of {@code run} to the end of the execution (and its cleanup)
 * @param instructions wasm: instructions executed (the fuel used); empty for the process tier
 * @param peakMemoryBytes wasm: the linear memory's final size, which is its peak (it never
 *     shrinks); empty for the process tier (not read in this issue)
 * @param startup wasm: the start-up split the benchmark reports; empty for the process tier
 */
public record ResourceUse(
    Duration wallTime,
    OptionalLong instructions,
    OptionalLong peakMemoryBytes,
    Optional<StartupTimings> startup) {

  /** Checks for nulls. */
  public ResourceUse {
    Objects.requireNonNull(wallTime, "wallTime");
    Objects.requireNonNull(instructions, "instructions");
    Objects.requireNonNull(peakMemoryBytes, "peakMemoryBytes");
    Objects.requireNonNull(startup, "startup");
  }

  /**
   * Where the wasm tier's start-up time goes, each measured from the start of {@code run}. "WASM
   * start-to-first-instruction time" is {@link #firstInstruction()}.
   *
   * @param parsed the module is read and decoded (Chicory {@code Parser})
   * @param instantiated the instance is built, imports linked, memory allocated and data copied
   * @param firstInstruction the interpreter executes the first instruction of the program; empty
   *     when it never did (failed to start)
   */
  public record StartupTimings(
      Duration parsed, Duration instantiated, Optional<Duration> firstInstruction) {
    /** Checks for nulls. */
    public StartupTimings {
      Objects.requireNonNull(parsed, "parsed");
      Objects.requireNonNull(instantiated, "instantiated");
      Objects.requireNonNull(firstInstruction, "firstInstruction");
    }
  }
}
