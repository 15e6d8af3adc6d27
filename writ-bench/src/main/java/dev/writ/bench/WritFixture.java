package dev.writ.bench;

import dev.writ.core.Capability;
import dev.writ.core.ContentId;
import dev.writ.core.Decision;
import dev.writ.core.Envelope;
import dev.writ.core.FleetState;
import dev.writ.core.KeyId;
import dev.writ.core.Policy;
import dev.writ.core.Posture;
import dev.writ.core.PublicKeyVerifier;
import dev.writ.core.Role;
import dev.writ.core.RootContents;
import dev.writ.core.SignatureAlgorithm;
import dev.writ.core.SpendLedger;
import dev.writ.core.SpiffeId;
import dev.writ.core.SpiffeIdGlob;
import dev.writ.core.TargetSet;
import dev.writ.core.Tier;
import dev.writ.core.TrustRoot;
import dev.writ.core.VerificationContext;
import dev.writ.core.Verifier;
import dev.writ.core.WritDeniedException;
import dev.writ.core.WritId;
import dev.writ.core.WritPayload;
import dev.writ.sign.OperatorSigner;
import dev.writ.sign.SigningException;
import dev.writ.sign.SoftwareKey;
import dev.writ.sign.WritSigner;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A pinned trust root, a signed writ and a node-scope context under which the writ is allowed, so
 * that {@link Verifier#verify} runs checks 1 to 7 in full: strict parse, signatures and roles,
 * freshness, fleet state, node identity against glob and target set, content, ticket. Built with
 * writ-sign exactly as an operator would; time is fixed, not read from a clock.
 */
final class WritFixture {
  /** A fixed instant, so every run verifies the same bytes at the same simulated time. */
  static final Instant ISSUED = Instant.parse("2026-01-01T00:00:00Z");

  private static final String TRUST_DOMAIN = "bench.writ.dev";
  private static final Duration ROOT_LIFETIME = Duration.ofDays(365);
  private static final Duration WRIT_WINDOW = Duration.ofMinutes(10);
  private static final Duration MAX_TTL = Duration.ofMinutes(15);
  private static final Duration CLOCK_SKEW = Duration.ofSeconds(60);
  private static final int TARGET_COUNT = 3;

  private final Verifier verifier;
  private final byte[] envelopeBytes;
  private final Envelope envelope;
  private final VerificationContext context;
  private final List<byte[]> signerSpkis;

  private WritFixture(
      Verifier verifier,
      byte[] envelopeBytes,
      VerificationContext context,
      List<byte[]> signerSpkis)
      throws WritDeniedException {
    this.verifier = verifier;
    this.envelopeBytes = envelopeBytes;
    this.envelope = Envelope.parse(envelopeBytes);
    this.context = context;
    this.signerSpkis = signerSpkis;
  }

  /**
   * Builds the fixture for {@code scenario} and checks once that it verifies to {@link
   * Decision.Allow} in node scope; a benchmark of a denial would measure the wrong thing.
   *
   * @throws IllegalStateException if the writ is not allowed
   */
  static WritFixture create(Scenario scenario, SecureRandom random)
      throws SigningException, WritDeniedException, SpendLedger.SpendLedgerException {
    SoftwareKey rootKey = SoftwareKey.generate(SignatureAlgorithm.ED25519, random);
    SoftwareKey initiator = SoftwareKey.generate(scenario.initiatorAlgorithm(), random);
    SoftwareKey approver =
        scenario.dualControl() ? SoftwareKey.generate(SignatureAlgorithm.ED25519, random) : rootKey;
    Optional<SoftwareKey> partner =
        scenario.hybrid()
            ? Optional.of(SoftwareKey.generate(SignatureAlgorithm.ML_DSA_65, random))
            : Optional.empty();

    Map<KeyId, RootContents.TrustedKey> keys = new TreeMap<>();
    trust(keys, rootKey, Optional.empty());
    trust(keys, initiator, Optional.empty());
    trust(keys, approver, Optional.empty());
    if (partner.isPresent()) {
      trust(keys, partner.get(), Optional.of(initiator.keyId()));
    }
    Map<Role, RootContents.RoleKeys> roles = new EnumMap<>(Role.class);
    roles.put(Role.ROOT, only(rootKey));
    roles.put(Role.INITIATOR, only(initiator));
    roles.put(Role.APPROVER, only(approver));
    roles.put(Role.PAUSER, only(rootKey));
    roles.put(Role.AUDITOR, only(rootKey));
    RootContents contents =
        RootContents.create(
            1, ISSUED.plus(ROOT_LIFETIME), TRUST_DOMAIN, keys, roles, policy(scenario));
    TrustRoot root =
        TrustRoot.pin(WritSigner.signRoot(contents.toCanonicalBytes(), List.of(rootKey)));

    List<SpiffeId> nodes = new ArrayList<>();
    for (int i = 1; i <= TARGET_COUNT; i++) {
      nodes.add(SpiffeId.parse("spiffe://" + TRUST_DOMAIN + "/node/n" + i));
    }
    TargetSet targets = TargetSet.of(nodes);
    ContentId content = ContentId.of("writ-bench content".getBytes(StandardCharsets.UTF_8));
    WritPayload payload =
        WritPayload.create(
            WritId.random(random),
            Capability.DEPLOY,
            Optional.of(
                new WritPayload.Targets(
                    SpiffeIdGlob.parse("spiffe://" + TRUST_DOMAIN + "/node/*"), targets.hash())),
            Optional.of(content),
            Optional.of("bench-rollout-1"),
            Optional.empty(),
            Optional.of("CHG-1234"),
            ISSUED,
            ISSUED,
            ISSUED.plus(WRIT_WINDOW));

    List<OperatorSigner> signers = new ArrayList<>();
    signers.add(initiator);
    if (scenario.dualControl()) {
      signers.add(approver);
    }
    partner.ifPresent(signers::add);
    byte[] envelopeBytes = WritSigner.signWrit(payload.toCanonicalBytes(), signers);
    List<byte[]> spkis = new ArrayList<>();
    for (OperatorSigner s : signers) {
      spkis.add(s.publicKeySpki());
    }

    VerificationContext context =
        VerificationContext.node(
            ISSUED.plusSeconds(30),
            FleetState.normal(),
            new VerificationContext.NodeFacts(
                nodes.get(0), Posture.ATTESTED, Optional.of(targets), Optional.of(content)));
    WritFixture fixture =
        new WritFixture(
            new Verifier(root, new AlwaysUnspentLedger()), envelopeBytes, context, spkis);
    fixture.requireAllowed(scenario);
    return fixture;
  }

  private void requireAllowed(Scenario scenario) throws SpendLedger.SpendLedgerException {
    Decision decision = verify();
    switch (decision) {
      case Decision.Allow allow -> {
        if (!allow.writ().nodeScope()) {
          throw new IllegalStateException(scenario + ": not verified in node scope");
        }
      }
      case Decision.Deny deny ->
          throw new IllegalStateException(
              scenario + ": fixture writ denied: " + deny.reason() + " " + deny.detail());
    }
  }

  private static Policy policy(Scenario scenario) {
    Map<Capability, Duration> maxTtl = new EnumMap<>(Capability.class);
    for (Capability c : Capability.values()) {
      maxTtl.put(c, MAX_TTL);
    }
    Set<Capability> dual =
        scenario.dualControl() ? EnumSet.of(Capability.DEPLOY) : EnumSet.noneOf(Capability.class);
    return new Policy(
        Tier.GVISOR, maxTtl, dual, CLOCK_SKEW, EnumSet.of(Capability.DEPLOY), scenario.hybrid());
  }

  private static void trust(
      Map<KeyId, RootContents.TrustedKey> keys, SoftwareKey key, Optional<KeyId> hybridOf)
      throws WritDeniedException {
    keys.put(
        key.keyId(),
        new RootContents.TrustedKey(
            PublicKeyVerifier.decode(key.algorithm(), key.publicKeySpki()),
            hybridOf,
            Optional.empty()));
  }

  private static RootContents.RoleKeys only(SoftwareKey key) {
    return new RootContents.RoleKeys(new TreeSet<>(Set.of(key.keyId())), 1);
  }

  /** The measured call: the full verification of the same envelope bytes. */
  Decision verify() throws SpendLedger.SpendLedgerException {
    return verifier.verify(envelopeBytes, context);
  }

  /** The DSSE PAE bytes every signature of the writ covers. */
  byte[] pae() {
    return envelope.pae();
  }

  /** The {@code index}-th signature, in envelope order (the initiator's is first). */
  byte[] signature(int index) {
    return envelope.signatures().get(index).sig();
  }

  /** The SubjectPublicKeyInfo of the key that made the {@code index}-th signature. */
  byte[] signerSpki(int index) {
    return signerSpkis.get(index).clone();
  }
}
