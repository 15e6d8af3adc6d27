package dev.writ.bench;

import dev.writ.core.AttestationPolicy;
import dev.writ.core.Capability;
import dev.writ.core.KeyId;
import dev.writ.core.Policy;
import dev.writ.core.Role;
import dev.writ.core.RootContents;
import dev.writ.core.SignatureAlgorithm;
import dev.writ.core.SpiffeId;
import dev.writ.core.SpiffeIdGlob;
import dev.writ.core.TargetSet;
import dev.writ.core.Tier;
import dev.writ.core.TrustRoot;
import dev.writ.core.WritDeniedException;
import dev.writ.core.WritId;
import dev.writ.core.WritPayload;
import dev.writ.sign.SigningException;
import dev.writ.sign.SoftwareKey;
import dev.writ.sign.WritSigner;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The fleet the enrollment bench runs against, held in memory: a root key that signs the trust
 * root, an initiator and a distinct approver (so {@code enroll}, under dual control, carries two
 * signatures from two operators, as enrollment.md section 1 requires), and the bench policy of
 * {@link BenchFleet} with {@code enroll} added to dual control and an optional attestation policy.
 *
 * <p>Bench-only: the operator keys live in this process. Immutable; thread-safe.
 */
final class EnrollFleet {
  /** Validity of each enroll writ; well inside the server's open window (the 15-minute max TTL). */
  static final Duration WRIT_WINDOW = Duration.ofMinutes(10);

  private final SoftwareKey initiator;
  private final SoftwareKey approver;
  private final TrustRoot root;

  private EnrollFleet(SoftwareKey initiator, SoftwareKey approver, TrustRoot root) {
    this.initiator = initiator;
    this.approver = approver;
    this.root = root;
  }

  /**
   * Generates the keys and pins a root valid from {@code now} for {@link BenchFleet#ROOT_LIFETIME}.
   *
   * @param attestation which evidence the server may trust; empty: every node enrolls degraded
   */
  static EnrollFleet create(
      Instant now, Optional<AttestationPolicy> attestation, SecureRandom random)
      throws SigningException, WritDeniedException {
    return create(now, attestation, BenchFleet.policy().sandboxFloor(), random);
  }

  /** As {@link #create(Instant, Optional, SecureRandom)}, with the root's sandbox floor. */
  static EnrollFleet create(
      Instant now, Optional<AttestationPolicy> attestation, Tier floor, SecureRandom random)
      throws SigningException, WritDeniedException {
    SoftwareKey rootKey = SoftwareKey.generate(SignatureAlgorithm.ED25519, random);
    SoftwareKey initiator = SoftwareKey.generate(SignatureAlgorithm.ED25519, random);
    SoftwareKey approver = SoftwareKey.generate(SignatureAlgorithm.ED25519, random);
    Map<KeyId, RootContents.TrustedKey> keys = new TreeMap<>();
    BenchFleet.trust(keys, rootKey);
    BenchFleet.trust(keys, initiator);
    BenchFleet.trust(keys, approver);
    Map<Role, RootContents.RoleKeys> roles = new EnumMap<>(Role.class);
    roles.put(Role.ROOT, BenchFleet.only(rootKey));
    roles.put(Role.INITIATOR, BenchFleet.only(initiator));
    roles.put(Role.APPROVER, BenchFleet.only(approver));
    roles.put(Role.PAUSER, BenchFleet.only(rootKey));
    roles.put(Role.AUDITOR, BenchFleet.only(rootKey));
    Policy bench = BenchFleet.policy();
    Policy policy =
        new Policy(
            floor,
            bench.maxTtl(),
            EnumSet.of(Capability.ENROLL),
            bench.clockSkew(),
            bench.ticketRequired(),
            bench.hybridRequired(),
            attestation);
    RootContents contents =
        RootContents.create(
            1,
            now.truncatedTo(ChronoUnit.SECONDS).plus(BenchFleet.ROOT_LIFETIME),
            BenchFleet.TRUST_DOMAIN,
            keys,
            roles,
            policy);
    TrustRoot root =
        TrustRoot.pin(WritSigner.signRoot(contents.toCanonicalBytes(), List.of(rootKey)));
    return new EnrollFleet(initiator, approver, root);
  }

  /** The initiator's key, for the other writs a bench signs with this fleet. */
  SoftwareKey initiator() {
    return initiator;
  }

  /** The pinned root the server runs with. */
  TrustRoot root() {
    return root;
  }

  /** The node's SPIFFE ID in the bench trust domain. */
  static SpiffeId nodeId(String name) {
    return new SpiffeId(BenchFleet.TRUST_DOMAIN, "/node/" + name);
  }

  /**
   * The {@code enroll} writ for the opened enrollment {@code id} of node {@code name}, valid from
   * one second before {@code now} (whole seconds) for {@link #WRIT_WINDOW}, signed by the initiator
   * and then the approver.
   */
  byte[] signEnroll(WritId id, String name, Instant now)
      throws SigningException, WritDeniedException {
    SpiffeId node = nodeId(name);
    Instant iat = now.truncatedTo(ChronoUnit.SECONDS).minusSeconds(1);
    WritPayload payload =
        WritPayload.create(
            id,
            Capability.ENROLL,
            Optional.of(
                new WritPayload.Targets(
                    SpiffeIdGlob.parse(node.toString()), TargetSet.of(List.of(node)).hash())),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            iat,
            iat,
            iat.plus(WRIT_WINDOW));
    return WritSigner.signWrit(payload.toCanonicalBytes(), List.of(initiator, approver));
  }
}
