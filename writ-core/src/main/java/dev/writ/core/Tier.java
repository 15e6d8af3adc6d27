package dev.writ.core;

import java.util.Optional;

/** Sandbox tiers, declared weakest to strongest; the order is the policy-floor order. */
public enum Tier {
  PROCESS("process"),
  SECCOMP("seccomp"),
  GVISOR("gvisor"),
  WASM("wasm"),
  MICROVM("microvm");

  private final String wire;

  Tier(String wire) {
    this.wire = wire;
  }

  public String wire() {
    return wire;
  }

  /** Whether this tier is at least as strong as {@code floor}. */
  public boolean atLeast(Tier floor) {
    return compareTo(floor) >= 0;
  }

  public static Optional<Tier> fromWire(String s) {
    for (Tier t : values()) {
      if (t.wire.equals(s)) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }
}
