package dev.writ.core;

import java.util.Optional;

/** Roles a trust root gives keys. */
public enum Role {
  ROOT("root"),
  INITIATOR("initiator"),
  APPROVER("approver"),
  PAUSER("pauser"),
  AUDITOR("auditor");

  private final String wire;

  Role(String wire) {
    this.wire = wire;
  }

  public String wire() {
    return wire;
  }

  public static Optional<Role> fromWire(String s) {
    for (Role r : values()) {
      if (r.wire.equals(s)) {
        return Optional.of(r);
      }
    }
    return Optional.empty();
  }
}
