package dev.writ.core;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A signed test fleet: named {@link TestKey}s, a {@link RootContents} giving them roles, the root
 * envelope signed by its root keys and pinned with {@link TrustRoot#pin}, and helpers that sign
 * writ payloads into canonical envelopes. writ-core cannot depend on writ-sign, so this fixture
 * signs with the keys directly; other modules reuse it through writ-core's test-jar.
 *
 * <p>{@link #standard()} is the fleet most tests use; {@link #builder()} makes variants. Time is
 * fixed: writs are valid at {@link #NOW}, which tests pass as the verification time.
 */
public final class TestFleet {
  public static final String TRUST_DOMAIN = "fleet.test";

  /** The verification time of every fixture. */
  public static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");

  public static final Instant ROOT_EXPIRES = NOW.plus(Duration.ofDays(365));

  /** The content every default writ names. */
  public static final byte[] CONTENT = "#!/bin/true\n".getBytes(StandardCharsets.UTF_8);

  // the standard fleet's keys
  public static final TestKey ROOT_A = TestKey.ed25519("root-a");
  public static final TestKey ROOT_B = TestKey.ed25519("root-b");
  public static final TestKey ALICE = TestKey.ed25519("alice"); // initiator
  public static final TestKey ALICE_PQ = TestKey.mlDsa65("alice-pq"); // alice's hybrid partner
  public static final TestKey CAROL = TestKey.ecdsaP256("carol"); // initiator, ECDSA
  public static final TestKey BOB = TestKey.ed25519("bob"); // approver
  public static final TestKey BOB_PQ = TestKey.mlDsa65("bob-pq"); // bob's hybrid partner
  public static final TestKey SAM = TestKey.ed25519("sam"); // initiator and approver
  public static final TestKey PAT = TestKey.ed25519("pat"); // pauser
  public static final TestKey AUDREY = TestKey.ed25519("audrey"); // auditor
  public static final TestKey MALLORY = TestKey.ed25519("mallory"); // listed nowhere

  private final RootContents contents;
  private final byte[] rootEnvelope;
  private final TrustRoot root;
  private final SecureRandom random = new SecureRandom();

  private TestFleet(RootContents contents, List<TestKey> rootSigners) {
    this.contents = contents;
    this.rootEnvelope = signRoot(contents, rootSigners);
    try {
      this.root = TrustRoot.pin(rootEnvelope);
    } catch (WritDeniedException e) {
      throw new AssertionError("test root does not pin", e);
    }
  }

  /**
   * Root keys ROOT_A and ROOT_B (threshold 1); initiators ALICE, CAROL and SAM; approvers BOB and
   * SAM; pauser PAT; auditor AUDREY; all thresholds 1. ALICE_PQ and BOB_PQ are the ML-DSA-65
   * partners of ALICE and BOB. Policy: {@link #defaultPolicy()}.
   */
  public static TestFleet standard() {
    return builder().build();
  }

  /** The standard fleet's builder, to change some part of it. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Floor gvisor; max TTL one hour, deploy 15 minutes; dual control for quarantine, enroll and
   * resume; skew 60 s; no ticket; hybrid not required.
   */
  public static Policy defaultPolicy() {
    return policy(
        Tier.GVISOR,
        EnumSet.of(Capability.QUARANTINE, Capability.ENROLL, Capability.RESUME),
        EnumSet.noneOf(Capability.class),
        false);
  }

  public static Policy policy(
      Tier floor, Set<Capability> dual, Set<Capability> ticket, boolean hybridRequired) {
    Map<Capability, Duration> ttl = new EnumMap<>(Capability.class);
    for (Capability c : Capability.values()) {
      ttl.put(c, Duration.ofHours(1));
    }
    ttl.put(Capability.DEPLOY, Duration.ofMinutes(15));
    return new Policy(floor, ttl, dual, Duration.ofSeconds(60), ticket, hybridRequired);
  }

  /** Builds root contents and the pinned root. */
  public static final class Builder {
    private long version = 1;
    private Instant expires = ROOT_EXPIRES;
    private Policy policy = defaultPolicy();
    private final Map<String, TestKey> keys = new LinkedHashMap<>();
    private final Map<TestKey, TestKey> hybridOf = new LinkedHashMap<>();
    private final Map<Role, List<TestKey>> holders = new EnumMap<>(Role.class);
    private final Map<Role, Integer> thresholds = new EnumMap<>(Role.class);
    private List<TestKey> rootSigners;

    private Builder() {
      for (Role r : Role.values()) {
        holders.put(r, new ArrayList<>());
        thresholds.put(r, 1);
      }
      grant(ROOT_A, Role.ROOT);
      grant(ROOT_B, Role.ROOT);
      grant(ALICE, Role.INITIATOR);
      grant(CAROL, Role.INITIATOR);
      grant(SAM, Role.INITIATOR, Role.APPROVER);
      grant(BOB, Role.APPROVER);
      grant(PAT, Role.PAUSER);
      grant(AUDREY, Role.AUDITOR);
      hybrid(ALICE_PQ, ALICE);
      hybrid(BOB_PQ, BOB);
    }

    /** Lists {@code key} (if not yet listed) and gives it {@code roles}. */
    public Builder grant(TestKey key, Role... roles) {
      keys.putIfAbsent(key.name(), key);
      for (Role r : roles) {
        holders.get(r).add(key);
      }
      return this;
    }

    /** Takes every role and the listing away from {@code key}. */
    public Builder remove(TestKey key) {
      keys.remove(key.name());
      holders.values().forEach(l -> l.remove(key));
      hybridOf.remove(key);
      hybridOf.values().removeIf(k -> k.equals(key));
      return this;
    }

    /** Takes the roles away from {@code role}'s holders (they stay listed). */
    public Builder clearRole(Role role) {
      holders.get(role).clear();
      return this;
    }

    /** Lists ML-DSA-65 key {@code pq} as the hybrid partner of {@code classical}. */
    public Builder hybrid(TestKey pq, TestKey classical) {
      keys.putIfAbsent(pq.name(), pq);
      hybridOf.put(pq, classical);
      return this;
    }

    public Builder threshold(Role role, int threshold) {
      thresholds.put(role, threshold);
      return this;
    }

    public Builder version(long version) {
      this.version = version;
      return this;
    }

    public Builder expires(Instant expires) {
      this.expires = expires;
      return this;
    }

    public Builder policy(Policy policy) {
      this.policy = policy;
      return this;
    }

    /** Who signs the root envelope; by default every root-role holder. */
    public Builder rootSigners(TestKey... signers) {
      this.rootSigners = List.of(signers);
      return this;
    }

    public RootContents contents() {
      Map<KeyId, RootContents.TrustedKey> listed = new TreeMap<>();
      for (TestKey k : keys.values()) {
        Optional<KeyId> partner = Optional.ofNullable(hybridOf.get(k)).map(TestKey::id);
        listed.put(
            k.id(), new RootContents.TrustedKey(k.verifier(), partner, Optional.of(k.name())));
      }
      Map<Role, RootContents.RoleKeys> roles = new EnumMap<>(Role.class);
      holders.forEach(
          (role, list) -> {
            TreeSet<KeyId> ids = new TreeSet<>();
            list.forEach(k -> ids.add(k.id()));
            roles.put(role, new RootContents.RoleKeys(ids, thresholds.get(role)));
          });
      try {
        return RootContents.create(version, expires, TRUST_DOMAIN, listed, roles, policy);
      } catch (WritDeniedException e) {
        throw new AssertionError("test root is invalid", e);
      }
    }

    public TestFleet build() {
      return new TestFleet(
          contents(), rootSigners != null ? rootSigners : List.copyOf(holders.get(Role.ROOT)));
    }
  }

  /** The root envelope of {@code contents} signed by {@code signers}, canonical bytes. */
  public static byte[] signRoot(RootContents contents, List<TestKey> signers) {
    return envelope(Envelope.ROOT_PAYLOAD_TYPE, contents.toCanonicalBytes(), signers);
  }

  /** A canonical envelope of {@code payload} with one signature per key, in order. */
  public static byte[] envelope(String payloadType, byte[] payload, List<TestKey> signers) {
    List<Envelope.Signature> sigs = new ArrayList<>();
    for (TestKey k : signers) {
      sigs.add(k.signEnvelope(payloadType, payload));
    }
    return new Envelope(payloadType, payload, sigs).toCanonicalBytes();
  }

  /** A writ envelope of {@code payload} signed by {@code signers}. */
  public static byte[] sign(WritPayload payload, TestKey... signers) {
    return signPayload(payload.toCanonicalBytes(), signers);
  }

  /** A writ envelope of arbitrary payload bytes (for payloads the builder cannot make). */
  public static byte[] signPayload(byte[] payload, TestKey... signers) {
    return envelope(Envelope.WRIT_PAYLOAD_TYPE, payload, List.of(signers));
  }

  public RootContents contents() {
    return contents;
  }

  public byte[] rootEnvelope() {
    return rootEnvelope.clone();
  }

  public TrustRoot root() {
    return root;
  }

  public Verifier verifier(SpendLedger ledger) {
    return new Verifier(root, ledger);
  }

  // payloads -------------------------------------------------------------------------------------

  public static SpiffeId nodeId(String name) {
    try {
      return SpiffeId.parse("spiffe://" + TRUST_DOMAIN + "/node/" + name);
    } catch (WritDeniedException e) {
      throw new AssertionError(e);
    }
  }

  /** The target set of default writs: nodes web-1 and web-2. */
  public static TargetSet targets() {
    return TargetSet.of(List.of(nodeId("web-1"), nodeId("web-2")));
  }

  /** Node facts of an attested node holding {@link #CONTENT} and the default target set. */
  public static VerificationContext.NodeFacts node(String name) {
    return new VerificationContext.NodeFacts(
        nodeId(name), Posture.ATTESTED, Optional.of(targets()), Optional.of(ContentId.of(CONTENT)));
  }

  /** Node scope at {@link #NOW} on web-1, normal fleet state. */
  public static VerificationContext nodeContext() {
    return VerificationContext.node(NOW, FleetState.normal(), node("web-1"));
  }

  /** Authority scope at {@link #NOW}, normal fleet state. */
  public static VerificationContext authorityContext() {
    return VerificationContext.authority(NOW, FleetState.normal());
  }

  /** A builder of a valid writ of {@code cap}, valid at {@link #NOW} for five minutes. */
  public WritBuilder writ(Capability cap) {
    return new WritBuilder(cap, WritId.random(random));
  }

  /** Builds payloads; the defaults pass every check of the standard fleet. */
  public static final class WritBuilder {
    private WritId id;
    private final Capability cap;
    private Optional<WritPayload.Targets> targets;
    private Optional<ContentId> content;
    private Optional<String> rollout = Optional.of("rollout-1");
    private Optional<Tier> tier;
    private Optional<String> ticket = Optional.empty();
    private Instant iat = NOW.minusSeconds(60);
    private Instant nbf = NOW.minusSeconds(60);
    private Instant exp = NOW.plusSeconds(300);

    private WritBuilder(Capability cap, WritId id) {
      this.cap = cap;
      this.id = id;
      try {
        this.targets =
            cap.hasTargets()
                ? Optional.of(
                    new WritPayload.Targets(
                        SpiffeIdGlob.parse("spiffe://" + TRUST_DOMAIN + "/node/*"),
                        targets().hash()))
                : Optional.empty();
      } catch (WritDeniedException e) {
        throw new AssertionError(e);
      }
      this.content = cap.hasContent() ? Optional.of(ContentId.of(CONTENT)) : Optional.empty();
      this.tier = cap == Capability.EXECUTE ? Optional.of(Tier.WASM) : Optional.empty();
    }

    public WritBuilder id(WritId id) {
      this.id = id;
      return this;
    }

    public WritBuilder glob(String glob) {
      try {
        this.targets =
            Optional.of(
                new WritPayload.Targets(SpiffeIdGlob.parse(glob), targets.orElseThrow().setHash()));
      } catch (WritDeniedException e) {
        throw new AssertionError(e);
      }
      return this;
    }

    public WritBuilder setHash(TargetSet.SetHash hash) {
      this.targets = Optional.of(new WritPayload.Targets(targets.orElseThrow().glob(), hash));
      return this;
    }

    public WritBuilder content(ContentId content) {
      this.content = Optional.of(content);
      return this;
    }

    public WritBuilder tier(Tier tier) {
      this.tier = Optional.of(tier);
      return this;
    }

    public WritBuilder ticket(String ticket) {
      this.ticket = Optional.of(ticket);
      return this;
    }

    /** Sets {@code iat = nbf} and {@code exp}. */
    public WritBuilder window(Instant nbf, Instant exp) {
      this.iat = nbf;
      this.nbf = nbf;
      this.exp = exp;
      return this;
    }

    public WritPayload build() {
      try {
        return WritPayload.create(id, cap, targets, content, rollout, tier, ticket, iat, nbf, exp);
      } catch (WritDeniedException e) {
        throw new AssertionError("test writ is invalid", e);
      }
    }
  }
}
