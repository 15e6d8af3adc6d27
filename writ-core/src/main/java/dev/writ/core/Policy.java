package dev.writ.core;

import dev.writ.core.json.JsonValue;
import dev.writ.core.json.JsonValue.JsonArray;
import dev.writ.core.json.JsonValue.JsonBool;
import dev.writ.core.json.JsonValue.JsonInteger;
import dev.writ.core.json.JsonValue.JsonObject;
import dev.writ.core.json.JsonValue.JsonString;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Fleet policy carried in the trust root (docs/spec/writ.md section "Policy"). Every field but
 * {@code attestation} is required; there are no silent defaults at verification time. An absent
 * {@code attestation} is the strict default: no attestation authority is listed, so every node
 * enrolls {@code degraded}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param sandboxFloor weakest tier an execute writ may request
 * @param maxTtl longest {@code exp - nbf} per capability; every capability is listed
 * @param dualControl capabilities that need approver signatures from keys distinct from the
 *     initiating ones
 * @param clockSkew allowance applied to {@code nbf} and {@code exp}, at most {@link
 *     Limits#MAX_CLOCK_SKEW_SECONDS}
 * @param ticketRequired capabilities whose writs must carry a {@code ticket}
 * @param hybridRequired whether every classical signature needs its ML-DSA-65 partner
 * @param attestation which hardware evidence the server may trust; empty when the root lists none
 */
public record Policy(
    Tier sandboxFloor,
    Map<Capability, Duration> maxTtl,
    Set<Capability> dualControl,
    Duration clockSkew,
    Set<Capability> ticketRequired,
    boolean hybridRequired,
    Optional<AttestationPolicy> attestation) {

  static final Set<String> FIELDS =
      Set.of(
          "sandbox_floor",
          "max_ttl",
          "dual_control",
          "clock_skew",
          "ticket_required",
          "hybrid_required",
          "attestation");

  /** A policy without {@code attestation}: every node enrolls {@code degraded}. */
  public Policy(
      Tier sandboxFloor,
      Map<Capability, Duration> maxTtl,
      Set<Capability> dualControl,
      Duration clockSkew,
      Set<Capability> ticketRequired,
      boolean hybridRequired) {
    this(
        sandboxFloor,
        maxTtl,
        dualControl,
        clockSkew,
        ticketRequired,
        hybridRequired,
        Optional.empty());
  }

  public Policy {
    Objects.requireNonNull(attestation, "attestation");
    maxTtl = Collections.unmodifiableMap(new EnumMap<>(maxTtl));
    dualControl = Collections.unmodifiableSet(copy(dualControl));
    ticketRequired = Collections.unmodifiableSet(copy(ticketRequired));
    if (maxTtl.size() != Capability.values().length) {
      throw new IllegalArgumentException("max_ttl must list every capability");
    }
    if (clockSkew.isNegative() || clockSkew.toSeconds() > Limits.MAX_CLOCK_SKEW_SECONDS) {
      throw new IllegalArgumentException(
          "clock_skew must be 0.." + Limits.MAX_CLOCK_SKEW_SECONDS + " seconds");
    }
  }

  private static Set<Capability> copy(Set<Capability> s) {
    return s.isEmpty() ? EnumSet.noneOf(Capability.class) : EnumSet.copyOf(s);
  }

  public Duration maxTtl(Capability cap) {
    return maxTtl.get(cap);
  }

  /** This policy with {@code attestation} in place of its own. */
  public Policy withAttestation(Optional<AttestationPolicy> attestation) {
    return new Policy(
        sandboxFloor, maxTtl, dualControl, clockSkew, ticketRequired, hybridRequired, attestation);
  }

  static Policy fromJson(Fields f) throws WritDeniedException {
    f.onlyKnown(FIELDS);
    Tier floor = tier(f.string("sandbox_floor"));
    Fields ttl = f.object("max_ttl");
    Map<Capability, Duration> maxTtl = new EnumMap<>(Capability.class);
    for (String name : ttl.names()) {
      Capability cap = capability(name);
      long seconds = ttl.nonNegative(name);
      if (seconds == 0) {
        throw new WritDeniedException(Reason.MALFORMED, "max_ttl." + name + " must be > 0");
      }
      maxTtl.put(cap, Duration.ofSeconds(seconds));
    }
    if (maxTtl.size() != Capability.values().length) {
      throw new WritDeniedException(Reason.MALFORMED, "max_ttl must list every capability");
    }
    long skew = f.nonNegative("clock_skew");
    if (skew > Limits.MAX_CLOCK_SKEW_SECONDS) {
      throw new WritDeniedException(
          Reason.MALFORMED, "clock_skew above the cap of " + Limits.MAX_CLOCK_SKEW_SECONDS);
    }
    Set<Capability> dual = capabilities("dual_control", f.array("dual_control"));
    Set<Capability> ticket = capabilities("ticket_required", f.array("ticket_required"));
    boolean hybrid = f.bool("hybrid_required");
    // checked after the other members (section 8.4)
    Optional<AttestationPolicy> attestation =
        f.has("attestation")
            ? Optional.of(AttestationPolicy.fromJson(f.object("attestation")))
            : Optional.empty();
    return new Policy(floor, maxTtl, dual, Duration.ofSeconds(skew), ticket, hybrid, attestation);
  }

  JsonValue toJson() {
    Map<String, JsonValue> ttl = new LinkedHashMap<>();
    maxTtl.forEach((c, d) -> ttl.put(c.wire(), new JsonInteger(d.toSeconds())));
    Map<String, JsonValue> m = new LinkedHashMap<>();
    m.put("sandbox_floor", new JsonString(sandboxFloor.wire()));
    m.put("max_ttl", new JsonObject(ttl));
    m.put("dual_control", capArray(dualControl));
    m.put("clock_skew", new JsonInteger(clockSkew.toSeconds()));
    m.put("ticket_required", capArray(ticketRequired));
    m.put("hybrid_required", new JsonBool(hybridRequired));
    attestation.ifPresent(a -> m.put("attestation", a.toJson()));
    return new JsonObject(m);
  }

  private static JsonValue capArray(Set<Capability> caps) {
    List<JsonValue> out = new ArrayList<>();
    caps.stream().map(Capability::wire).sorted().forEach(s -> out.add(new JsonString(s)));
    return new JsonArray(out);
  }

  private static Set<Capability> capabilities(String where, List<JsonValue> values)
      throws WritDeniedException {
    Set<Capability> out = EnumSet.noneOf(Capability.class);
    for (JsonValue v : values) {
      if (!out.add(capability(Fields.stringElement(where, v)))) {
        throw new WritDeniedException(Reason.MALFORMED, where + " lists a capability twice");
      }
    }
    return out;
  }

  private static Capability capability(String s) throws WritDeniedException {
    return Capability.fromWire(s)
        .orElseThrow(
            () -> new WritDeniedException(Reason.MALFORMED, "unknown capability \"" + s + "\""));
  }

  private static Tier tier(String s) throws WritDeniedException {
    return Tier.fromWire(s)
        .orElseThrow(() -> new WritDeniedException(Reason.MALFORMED, "unknown tier \"" + s + "\""));
  }
}
