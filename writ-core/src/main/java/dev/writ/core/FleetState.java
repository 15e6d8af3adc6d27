package dev.writ.core;

import java.util.Set;

/**
 * The replicated fleet state a verification reads: whether the fleet is paused and which node
 * identities are quarantined.
 */
public record FleetState(boolean paused, Set<SpiffeId> quarantined) {
  public FleetState {
    quarantined = Set.copyOf(quarantined);
  }

  /** Not paused, nothing quarantined. */
  public static FleetState normal() {
    return new FleetState(false, Set.of());
  }
}
