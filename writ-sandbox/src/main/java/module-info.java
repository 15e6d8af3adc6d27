/**
 * Sandbox tiers that run installed content: {@code wasm} (Chicory, WASI preview 1, deterministic,
 * fuel and memory limits) and {@code process} (a per-execution unprivileged uid, rlimits, an empty
 * environment, kill-by-uid). Stronger tiers are reported unavailable, never substituted.
 */
module dev.writ.sandbox {
  exports dev.writ.sandbox;

  requires transitive dev.writ.core;
  requires com.dylibso.chicory.wasm;
  requires com.dylibso.chicory.runtime;
  requires com.dylibso.chicory.wasi;
}
