package dev.writ.sandbox;

import dev.writ.core.Tier;

/**
 * One sandbox tier implemented on this host. Obtain one from {@link Sandboxes#require(Tier, Tier)},
 * which never hands out an unavailable tier. Implementations are thread-safe: several executions
 * may run at once.
 */
public sealed interface SandboxTier permits WasmTier, ProcessTier {

  /** The tier this runs. */
  Tier tier();

  /** Whether it can run on this host, and if not, why. */
  Availability availability();

  /**
   * Runs one execution to its end (or its limit). Never throws for what the content does: every
   * failure, including content that does not start, is an {@link ExecutionResult} with its {@link
   * Outcome} and reason. Throws {@link IllegalStateException} only when called on a tier that is
   * not available.
   */
  ExecutionResult run(ExecutionRequest request);
}
