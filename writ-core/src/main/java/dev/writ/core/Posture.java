package dev.writ.core;

import java.util.Optional;

/** What the acting node's attestation established (DESIGN.md section 5). */
public enum Posture {
  /** A valid hardware quote. */
  ATTESTED("attested"),
  /** A valid quote from a software TPM that the root's policy explicitly trusts. */
  ATTESTED_SOFTWARE("attested-software"),
  /** No quote or none that verified: enrolled, but holds no replicas and executes nothing. */
  DEGRADED("degraded");

  private final String wire;

  Posture(String wire) {
    this.wire = wire;
  }

  public String wire() {
    return wire;
  }

  public boolean attested() {
    return switch (this) {
      case ATTESTED, ATTESTED_SOFTWARE -> true;
      case DEGRADED -> false;
    };
  }

  public static Optional<Posture> fromWire(String s) {
    for (Posture p : values()) {
      if (p.wire.equals(s)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }
}
