package dev.writ.core;

import java.util.Optional;

/** The closed set of actions a writ can authorize (DESIGN.md section 2). */
public enum Capability {
  DISCOVER("discover"),
  REPLICATE("replicate"),
  DEPLOY("deploy"),
  EXECUTE("execute"),
  QUARANTINE("quarantine"),
  ENROLL("enroll"),
  PAUSE("pause"),
  RESUME("resume");

  private final String wire;

  Capability(String wire) {
    this.wire = wire;
  }

  public String wire() {
    return wire;
  }

  public static Optional<Capability> fromWire(String s) {
    for (Capability c : values()) {
      if (c.wire.equals(s)) {
        return Optional.of(c);
      }
    }
    return Optional.empty();
  }

  /** Whether the payload must name targets (fleet-wide pause and resume do not). */
  public boolean hasTargets() {
    return switch (this) {
      case DISCOVER, REPLICATE, DEPLOY, EXECUTE, QUARANTINE, ENROLL -> true;
      case PAUSE, RESUME -> false;
    };
  }

  /** Whether the payload must name content (and must not otherwise). */
  public boolean hasContent() {
    return switch (this) {
      case REPLICATE, DEPLOY, EXECUTE -> true;
      case DISCOVER, QUARANTINE, ENROLL, PAUSE, RESUME -> false;
    };
  }

  /** Whether a fleet pause stops new authorizations of this capability. */
  public boolean stoppedByPause() {
    return switch (this) {
      case REPLICATE, DEPLOY -> true;
      case DISCOVER, EXECUTE, QUARANTINE, ENROLL, PAUSE, RESUME -> false;
    };
  }

  /** Whether the acting node must be attested (a degraded node holds no replicas, runs nothing). */
  public boolean needsAttestedNode() {
    return switch (this) {
      case REPLICATE, DEPLOY, EXECUTE -> true;
      case DISCOVER, QUARANTINE, ENROLL, PAUSE, RESUME -> false;
    };
  }

  /** The role whose keys initiate this capability. */
  public Role initiatingRole() {
    return switch (this) {
      case PAUSE, RESUME -> Role.PAUSER;
      case DISCOVER, REPLICATE, DEPLOY, EXECUTE, QUARANTINE, ENROLL -> Role.INITIATOR;
    };
  }
}
