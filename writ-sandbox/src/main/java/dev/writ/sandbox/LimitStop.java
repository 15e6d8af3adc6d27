package dev.writ.sandbox;

/**
 * Thrown from inside the wasm interpreter (by {@link WasmGuard}) to stop a program at a limit. It
 * carries the outcome and the reason; it is not a Chicory exception, so no guest {@code try} block
 * and no Chicory handler catches it on its way out. No stack trace: it is control flow.
 */
final class LimitStop extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final Outcome outcome;

  LimitStop(Outcome outcome, String reason) {
    super(reason, null, false, false);
    this.outcome = outcome;
  }

  Outcome outcome() {
    return outcome;
  }
}
