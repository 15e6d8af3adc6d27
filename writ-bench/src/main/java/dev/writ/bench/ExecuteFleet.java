package dev.writ.bench;

import dev.writ.core.AttestationPolicy;
import dev.writ.core.Capability;
import dev.writ.core.ContentId;
import dev.writ.core.SpiffeId;
import dev.writ.core.SpiffeIdGlob;
import dev.writ.core.TargetSet;
import dev.writ.core.Tier;
import dev.writ.core.TrustRoot;
import dev.writ.core.WritDeniedException;
import dev.writ.core.WritId;
import dev.writ.core.WritPayload;
import dev.writ.sign.SigningException;
import dev.writ.sign.WritSigner;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

/**
 * The fleet the execute bench runs against, held in memory: a root key, an initiator and a distinct
 * approver; the bench policy of {@link BenchFleet} with the sandbox floor lowered to {@code
 * process} (so both measured tiers are allowed), {@code enroll} under dual control (as
 * enrollment.md section 1 requires) and {@code execute} signed by the initiator alone, and an
 * attestation policy that trusts the swtpms' local CA, since only attested nodes execute.
 *
 * <p>Bench-only: the operator keys live in this process. Immutable; thread-safe.
 */
final class ExecuteFleet {
  /** Validity of each writ; every writ is signed just before it is submitted. */
  static final Duration WRIT_WINDOW = EnrollFleet.WRIT_WINDOW;

  private final EnrollFleet fleet;

  private ExecuteFleet(EnrollFleet fleet) {
    this.fleet = fleet;
  }

  /**
   * Generates the keys and pins a root valid from {@code now} for {@link BenchFleet#ROOT_LIFETIME}:
   * {@link EnrollFleet}'s, with the floor at {@code process}.
   */
  static ExecuteFleet create(Instant now, AttestationPolicy attestation, SecureRandom random)
      throws SigningException, WritDeniedException {
    return new ExecuteFleet(
        EnrollFleet.create(now, Optional.of(attestation), Tier.PROCESS, random));
  }

  /** The pinned root the server and every agent run with. */
  TrustRoot root() {
    return fleet.root();
  }

  /** The node's SPIFFE ID in the bench trust domain. */
  static SpiffeId nodeId(String name) {
    return EnrollFleet.nodeId(name);
  }

  /** The {@code enroll} writ of node {@code name}, signed by the initiator and the approver. */
  byte[] signEnroll(WritId id, String name, Instant now)
      throws SigningException, WritDeniedException {
    return fleet.signEnroll(id, name, now);
  }

  /**
   * The {@code execute} writ for the opened request {@code id}, as {@code writ execute} writes it
   * and the initiator signs it: the glob and the set hash of the targets the server resolved.
   */
  byte[] signExecute(
      WritId id,
      String glob,
      List<SpiffeId> targets,
      ContentId content,
      Tier tier,
      String rollout,
      Instant now)
      throws SigningException, WritDeniedException {
    Instant iat = now.truncatedTo(ChronoUnit.SECONDS).minusSeconds(1);
    WritPayload payload =
        WritPayload.create(
            id,
            Capability.EXECUTE,
            Optional.of(
                new WritPayload.Targets(SpiffeIdGlob.parse(glob), TargetSet.of(targets).hash())),
            Optional.of(content),
            Optional.of(rollout),
            Optional.of(tier),
            Optional.empty(),
            iat,
            iat,
            iat.plus(WRIT_WINDOW));
    return WritSigner.signWrit(payload.toCanonicalBytes(), List.of(fleet.initiator()));
  }
}
