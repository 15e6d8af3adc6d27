package dev.writ.sandbox;

import dev.writ.core.Tier;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * The sandbox tiers of this host, and the one door to them: {@link #require(Tier, Tier)} returns
 * the requested tier only if it is at or above the floor and available here, and otherwise throws
 * {@link TierUnavailableException} with the reason. It never substitutes another tier.
 *
 * <p>This issue implements {@code wasm} and {@code process}; {@code seccomp}, {@code gvisor} and
 * {@code microvm} are unavailable with the reason {@value #NOT_YET}. Immutable and thread-safe.
 */
public final class Sandboxes {

  /** The reason given for the tiers the next issue brings. */
  public static final String NOT_YET = "not implemented until issue 7";

  private final Map<Tier, SandboxTier> implemented;

  private Sandboxes(Map<Tier, SandboxTier> implemented) {
    this.implemented = Collections.unmodifiableMap(new EnumMap<>(implemented));
  }

  /** This host's tiers, the process tier using {@link UidRange#DEFAULT}. */
  public static Sandboxes forHost() {
    return forHost(UidRange.DEFAULT);
  }

  /** This host's tiers, the process tier running executions as uids from {@code processUids}. */
  public static Sandboxes forHost(UidRange processUids) {
    return forHost(processUids, HostProbe.real());
  }

  static Sandboxes forHost(UidRange processUids, HostProbe host) {
    Objects.requireNonNull(processUids, "processUids");
    Map<Tier, SandboxTier> tiers = new EnumMap<>(Tier.class);
    tiers.put(Tier.WASM, new WasmTier());
    tiers.put(Tier.PROCESS, new ProcessTier(processUids, host));
    return new Sandboxes(tiers);
  }

  /** Whether {@code tier} can run here, and if not, why. */
  public Availability availability(Tier tier) {
    Objects.requireNonNull(tier, "tier");
    SandboxTier t = implemented.get(tier);
    return t == null ? new Availability.Unavailable(NOT_YET) : t.availability();
  }

  /** Every tier, weakest first, with its availability here (for posture reports). */
  public Map<Tier, Availability> report() {
    Map<Tier, Availability> out = new EnumMap<>(Tier.class);
    for (Tier t : Tier.values()) {
      out.put(t, availability(t));
    }
    return Collections.unmodifiableMap(out);
  }

  /**
   * The tier {@code requested}, if it is at least {@code floor} and available on this host.
   *
   * @throws TierUnavailableException when it is below the floor, not implemented, or unavailable
   *     here; the exception carries the one-line reason
   */
  public SandboxTier require(Tier requested, Tier floor) throws TierUnavailableException {
    Objects.requireNonNull(requested, "requested");
    Objects.requireNonNull(floor, "floor");
    if (!requested.atLeast(floor)) {
      throw new TierUnavailableException(
          requested, "below the policy floor " + floor.wire() + "; never run in a weaker tier");
    }
    return switch (availability(requested)) {
      case Availability.Available a -> implemented.get(requested);
      case Availability.Unavailable u -> throw new TierUnavailableException(requested, u.reason());
    };
  }
}
