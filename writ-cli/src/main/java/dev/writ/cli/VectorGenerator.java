package dev.writ.cli;

import dev.writ.core.Capability;
import dev.writ.core.ContentId;
import dev.writ.core.Envelope;
import dev.writ.core.Limits;
import dev.writ.core.Policy;
import dev.writ.core.PublicKeyVerifier;
import dev.writ.core.Role;
import dev.writ.core.RootContents;
import dev.writ.core.SignatureAlgorithm;
import dev.writ.core.SpiffeId;
import dev.writ.core.TargetSet;
import dev.writ.core.Tier;
import dev.writ.core.WritDeniedException;
import dev.writ.core.json.CanonicalJson;
import dev.writ.core.json.JsonException;
import dev.writ.core.json.JsonReader;
import dev.writ.core.json.JsonValue;
import dev.writ.core.json.JsonValue.JsonArray;
import dev.writ.core.json.JsonValue.JsonBool;
import dev.writ.core.json.JsonValue.JsonInteger;
import dev.writ.core.json.JsonValue.JsonObject;
import dev.writ.core.json.JsonValue.JsonString;
import dev.writ.sign.FileKeystore;
import dev.writ.sign.SigningException;
import dev.writ.sign.SoftwareKey;
import dev.writ.sign.WritSigner;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Writes the conformance vectors of docs/spec/vectors from the checked-in test keys. Given the same
 * keys the output is byte-identical (Ed25519 and RFC 6979 ECDSA are deterministic; ML-DSA-65 is
 * signed in FIPS 204's deterministic variant), which the drift test relies on.
 */
final class VectorGenerator {
  static final long NOW = 1_900_000_000L; // 2030-03-17
  static final Instant ROOT_EXPIRES = Instant.parse("2038-01-01T00:00:00Z");
  static final String TD = "writ.test";
  static final String GLOB = "spiffe://writ.test/node/web-*";
  static final List<String> TARGETS =
      List.of("spiffe://writ.test/node/web-1", "spiffe://writ.test/node/web-2");
  static final String NODE = TARGETS.get(0);
  static final byte[] CONTENT = "writ conformance content v1\n".getBytes(StandardCharsets.UTF_8);

  /** name -> algorithm of every test key. */
  static final Map<String, SignatureAlgorithm> KEYS = new TreeMap<>();

  static {
    for (String n :
        List.of(
            "root-1",
            "root-2",
            "initiator-1",
            "initiator-2",
            "approver-1",
            "both-1",
            "pauser-1",
            "pauser-2",
            "auditor-1",
            "outsider-1")) {
      KEYS.put(n, SignatureAlgorithm.ED25519);
    }
    KEYS.put("initiator-ecdsa", SignatureAlgorithm.ECDSA_P256_SHA256);
    KEYS.put("initiator-1-mldsa", SignatureAlgorithm.ML_DSA_65);
    KEYS.put("approver-1-mldsa", SignatureAlgorithm.ML_DSA_65);
  }

  private final Map<String, SoftwareKey> keys = new TreeMap<>();
  private final Map<String, String> written = new TreeMap<>();

  private VectorGenerator() {}

  static Path keyFile(Path keysDir, String name) {
    return keysDir.resolve("test-" + name + ".pem");
  }

  /** Creates any missing test key in {@code keysDir}; existing keys are never replaced. */
  static int createMissingKeys(Path keysDir, SecureRandom random) throws SigningException {
    int created = 0;
    for (Map.Entry<String, SignatureAlgorithm> e : KEYS.entrySet()) {
      Path f = keyFile(keysDir, e.getKey());
      if (!Files.exists(f)) {
        FileKeystore.writeUnencryptedTestKey(f, SoftwareKey.generate(e.getValue(), random));
        created++;
      }
    }
    return created;
  }

  /**
   * Produces every vector and root file, reading keys from {@code keysDir}.
   *
   * @return file name -> bytes written
   */
  static Map<String, String> generate(Path keysDir) throws CliException {
    VectorGenerator g = new VectorGenerator();
    try {
      for (String name : KEYS.keySet()) {
        Path f = keyFile(keysDir, name);
        if (!Files.exists(f)) {
          throw new CliException("missing test key " + f + " (run with --new-keys once)");
        }
        SoftwareKey k =
            FileKeystore.readUnencryptedTestKey(f, new SecureRandom()).deterministicForVectors();
        if (k.algorithm() != KEYS.get(name)) {
          throw new CliException(f + " is not a " + KEYS.get(name).wire() + " key");
        }
        g.keys.put(name, k);
      }
      g.all();
    } catch (SigningException | WritDeniedException e) {
      throw new CliException("vector generation failed: " + e.getMessage(), e);
    }
    return g.written;
  }

  // roots -----------------------------------------------------------------------------------

  private PublicKeyVerifier pub(String name) throws WritDeniedException {
    return PublicKeyVerifier.decodeAny(keys.get(name).publicKeySpki());
  }

  private Policy policy(boolean hybrid) {
    Policy d = RootDraft.defaultPolicy();
    return new Policy(
        Tier.GVISOR,
        d.maxTtl(),
        d.dualControl(),
        d.clockSkew(),
        EnumSet.of(Capability.DEPLOY),
        hybrid);
  }

  private RootContents root(long version, String rootKey, boolean hybrid, boolean withInitiator2)
      throws WritDeniedException {
    RootDraft d = new RootDraft();
    d.role(Role.ROOT, pub(rootKey), Optional.of("test " + rootKey));
    for (String n : List.of("initiator-1", "initiator-ecdsa", "both-1")) {
      d.role(Role.INITIATOR, pub(n), Optional.of("test " + n));
    }
    if (withInitiator2) {
      d.role(Role.INITIATOR, pub("initiator-2"), Optional.of("test initiator-2"));
    }
    d.role(Role.APPROVER, pub("approver-1"), Optional.of("test approver-1"));
    d.role(Role.APPROVER, pub("both-1"), Optional.of("test both-1"));
    d.role(Role.PAUSER, pub("pauser-1"), Optional.of("test pauser-1"));
    d.role(Role.PAUSER, pub("pauser-2"), Optional.of("test pauser-2"));
    d.role(Role.AUDITOR, pub("auditor-1"), Optional.of("test auditor-1"));
    d.hybrid(pub("initiator-1-mldsa"), pub("initiator-1"), Optional.of("test initiator-1-mldsa"));
    d.hybrid(pub("approver-1-mldsa"), pub("approver-1"), Optional.of("test approver-1-mldsa"));
    d.threshold(Role.PAUSER, 2);
    return d.build(version, ROOT_EXPIRES, TD, policy(hybrid));
  }

  /** {@code rc} with the vectors' attestation policy (writ.md section 8.4.1). */
  private static RootContents withAttestation(RootContents rc) throws WritDeniedException {
    return RootContents.create(
        rc.version(),
        rc.expires(),
        rc.trustDomain(),
        rc.keys(),
        rc.roles(),
        rc.policy().withAttestation(Optional.of(AttestationVectors.policy())));
  }

  /** Signs root payload bytes without validating them (invalid-root vectors). */
  private void writeRawRoot(String file, byte[] payload, String... signers)
      throws SigningException {
    emit(
        file,
        new String(
            signed(Envelope.ROOT_PAYLOAD_TYPE, payload, List.of(signers)), StandardCharsets.UTF_8));
  }

  private void writeRoot(String file, RootContents rc, String... signers) throws SigningException {
    List<SoftwareKey> ks = new ArrayList<>();
    for (String s : signers) {
      ks.add(keys.get(s));
    }
    emit(file, new String(WritSigner.signRoot(rc.toCanonicalBytes(), ks), StandardCharsets.UTF_8));
  }

  // payloads --------------------------------------------------------------------------------

  /** A mutable payload, so vectors can break any rule on purpose. */
  private Map<String, JsonValue> payload(String vectorName, Capability cap) {
    Map<String, JsonValue> m = new LinkedHashMap<>();
    m.put("v", new JsonInteger(1));
    m.put("id", new JsonString(idFor(vectorName)));
    m.put("cap", new JsonString(cap.wire()));
    if (cap.hasTargets()) {
      Map<String, JsonValue> t = new LinkedHashMap<>();
      t.put("glob", new JsonString(GLOB));
      t.put("set_hash", new JsonString(setHash(TARGETS)));
      m.put("targets", new JsonObject(t));
    }
    if (cap.hasContent()) {
      m.put("content", new JsonString(ContentId.of(CONTENT).toString()));
    }
    if (cap == Capability.EXECUTE) {
      m.put("tier", new JsonString(Tier.GVISOR.wire()));
    }
    if (cap == Capability.DEPLOY) {
      m.put("ticket", new JsonString("CHG-1001"));
      m.put("rollout", new JsonString("vectors-rollout-1"));
    }
    m.put("iat", new JsonInteger(NOW - 60));
    m.put("nbf", new JsonInteger(NOW - 60));
    m.put("exp", new JsonInteger(NOW + 600));
    return m;
  }

  static String idFor(String vectorName) {
    try {
      byte[] h =
          MessageDigest.getInstance("SHA-256")
              .digest(("writ-vector:" + vectorName).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(h, 0, 16);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static String setHash(List<String> ids) {
    List<SpiffeId> parsed = new ArrayList<>();
    for (String s : ids) {
      try {
        parsed.add(SpiffeId.parse(s));
      } catch (WritDeniedException e) {
        throw new IllegalArgumentException(s, e);
      }
    }
    return TargetSet.of(parsed).hash().toString();
  }

  private static List<String> defaultSigners(Capability cap) {
    return switch (cap) {
      case DEPLOY, ENROLL, EXECUTE, QUARANTINE -> List.of("initiator-1", "approver-1");
      case DISCOVER, REPLICATE -> List.of("initiator-1");
      case PAUSE -> List.of("pauser-1", "pauser-2");
      case RESUME -> List.of("pauser-1", "pauser-2", "approver-1");
    };
  }

  /** Signs raw payload bytes without validating them (vectors must be able to sign garbage). */
  private byte[] envelope(byte[] payload, List<String> signers) throws SigningException {
    return signed(Envelope.WRIT_PAYLOAD_TYPE, payload, signers);
  }

  private byte[] signed(String payloadType, byte[] payload, List<String> signers)
      throws SigningException {
    byte[] pae = Envelope.pae(payloadType, payload);
    List<Envelope.Signature> sigs = new ArrayList<>();
    for (String s : signers) {
      SoftwareKey k = keys.get(s);
      sigs.add(new Envelope.Signature(k.keyId(), k.sign(pae)));
    }
    return new Envelope(payloadType, payload, sigs).toCanonicalBytes();
  }

  // contexts --------------------------------------------------------------------------------

  private static Map<String, JsonValue> context() {
    Map<String, JsonValue> node = new LinkedHashMap<>();
    node.put("id", new JsonString(NODE));
    node.put("posture", new JsonString("attested"));
    Map<String, JsonValue> state = new LinkedHashMap<>();
    state.put("spent", new JsonArray(List.of()));
    state.put("paused", new JsonBool(false));
    state.put("quarantined", new JsonArray(List.of()));
    Map<String, JsonValue> c = new LinkedHashMap<>();
    c.put("now", new JsonInteger(NOW));
    c.put("node", new JsonObject(node));
    c.put("targets", strings(TARGETS));
    c.put("content_sha256", new JsonString(ContentId.of(CONTENT).toString()));
    c.put("state", new JsonObject(state));
    return c;
  }

  private static JsonArray strings(List<String> s) {
    List<JsonValue> out = new ArrayList<>();
    s.forEach(x -> out.add(new JsonString(x)));
    return new JsonArray(out);
  }

  // the vectors -----------------------------------------------------------------------------

  /** One vector, built from defaults and edited by the lambdas. */
  private final class Case {
    final String name;
    String description;
    String root = "root.json";
    List<String> rotations = List.of();
    Map<String, JsonValue> payload;
    byte[] rawPayload;
    List<String> signers;
    Map<String, JsonValue> context = context();
    String expectReason;
    Consumer<List<Envelope.Signature>> tamper;

    Case(String name, Capability cap) {
      this.name = name;
      this.payload = payload(name, cap);
      this.signers = defaultSigners(cap);
    }

    void emitAs() throws SigningException {
      byte[] payloadBytes =
          rawPayload != null ? rawPayload : CanonicalJson.write(new JsonObject(payload));
      byte[] env = envelope(payloadBytes, signers);
      if (tamper != null) {
        try {
          Envelope e = Envelope.parse(env);
          List<Envelope.Signature> sigs = new ArrayList<>(e.signatures());
          tamper.accept(sigs);
          env = new Envelope(e.payloadType(), e.payload(), sigs).toCanonicalBytes();
        } catch (WritDeniedException ex) {
          throw new SigningException("vector " + name + " has an unreadable envelope", ex);
        }
      }
      JsonValue envJson;
      try {
        envJson = new JsonReader(Limits.ENVELOPE_JSON, JsonReader.Mode.INTEGERS_ONLY).read(env);
      } catch (JsonException ex) {
        throw new SigningException("vector " + name + " envelope is not JSON", ex);
      }
      Map<String, JsonValue> v = new LinkedHashMap<>();
      v.put("description", new JsonString(description));
      v.put("root", new JsonString(root));
      if (!rotations.isEmpty()) {
        v.put("rotations", strings(rotations));
      }
      v.put("envelope", envJson);
      v.put("context", new JsonObject(context));
      Map<String, JsonValue> expect = new LinkedHashMap<>();
      expect.put("decision", new JsonString(expectReason == null ? "allow" : "deny"));
      if (expectReason != null) {
        expect.put("reason", new JsonString(expectReason));
      }
      v.put("expect", new JsonObject(expect));
      emit(name + ".json", PrettyJson.write(new JsonObject(v)));
    }
  }

  private Case allow(String name, Capability cap, String description) {
    Case c = new Case(name, cap);
    c.description = description;
    return c;
  }

  private Case deny(String name, Capability cap, String reason, String description) {
    Case c = allow(name, cap, description);
    c.expectReason = reason;
    return c;
  }

  private static void setNode(Case c, String id, String posture) {
    Map<String, JsonValue> node = new LinkedHashMap<>();
    node.put("id", new JsonString(id));
    node.put("posture", new JsonString(posture));
    c.context.put("node", new JsonObject(node));
  }

  private static void setState(Case c, String field, JsonValue value) {
    Map<String, JsonValue> state =
        new LinkedHashMap<>(((JsonObject) c.context.get("state")).members());
    state.put(field, value);
    c.context.put("state", new JsonObject(state));
  }

  private void all() throws SigningException, WritDeniedException {
    writeRoot("root.json", root(1, "root-1", false, false), "root-1");
    writeRoot("root-hybrid.json", root(1, "root-1", true, false), "root-1");
    writeRoot("root-v2.json", root(2, "root-2", false, true), "root-1", "root-2");
    writeRoot("root-v2-new-keys-only.json", root(2, "root-2", false, true), "root-2");
    writeRoot("root-v1-again.json", root(1, "root-1", false, true), "root-1");

    // allow: one per capability, and the algorithm and rotation cases
    allow("allow-discover", Capability.DISCOVER, "discover signed by one initiator").emitAs();
    allow("allow-replicate", Capability.REPLICATE, "replicate signed by one initiator").emitAs();
    allow(
            "allow-deploy",
            Capability.DEPLOY,
            "deploy (dual control, ticket required) by initiator and approver")
        .emitAs();
    allow(
            "allow-execute",
            Capability.EXECUTE,
            "execute at the gvisor floor by initiator and approver")
        .emitAs();
    allow(
            "allow-quarantine",
            Capability.QUARANTINE,
            "quarantine (dual control) by initiator and approver")
        .emitAs();
    Case enroll =
        allow(
            "allow-enroll",
            Capability.ENROLL,
            "enroll by initiator and approver; a degraded node may enroll");
    setNode(enroll, NODE, "degraded");
    enroll.emitAs();
    allow("allow-pause", Capability.PAUSE, "pause by two distinct pausers (threshold 2)").emitAs();
    Case resume =
        allow(
            "allow-resume",
            Capability.RESUME,
            "resume while paused: two pausers and a distinct approver");
    setState(resume, "paused", new JsonBool(true));
    resume.emitAs();
    Case ecdsa =
        allow(
            "allow-deploy-ecdsa",
            Capability.DEPLOY,
            "deploy initiated with an ECDSA P-256 key (P1363 signature)");
    ecdsa.signers = List.of("initiator-ecdsa", "approver-1");
    ecdsa.emitAs();
    Case hybrid =
        allow(
            "allow-deploy-hybrid",
            Capability.DEPLOY,
            "hybrid writ under a root requiring ML-DSA-65 co-signatures");
    hybrid.root = "root-hybrid.json";
    hybrid.signers = List.of("initiator-1", "initiator-1-mldsa", "approver-1", "approver-1-mldsa");
    hybrid.emitAs();
    Case authority =
        allow(
            "allow-execute-authority-scope",
            Capability.EXECUTE,
            "server-side (authority scope): no node facts, node and content checks are the agent's");
    authority.context.remove("node");
    authority.context.remove("targets");
    authority.context.remove("content_sha256");
    authority.emitAs();
    Case cid =
        allow("allow-deploy-cid-content", Capability.DEPLOY, "content named in its CIDv1 spelling");
    cid.payload.put("content", new JsonString(ContentId.of(CONTENT).toCid()));
    cid.emitAs();
    Case rotated =
        allow(
            "allow-after-rotation",
            Capability.DISCOVER,
            "signed by a key only the rotated root (v2, signed by old and new root keys) lists");
    rotated.rotations = List.of("root-v2.json");
    rotated.signers = List.of("initiator-2");
    rotated.emitAs();
    Case soloNonDual =
        allow(
            "allow-replicate-second-initiator",
            Capability.REPLICATE,
            "replicate by the key that holds both initiator and approver (no dual control)");
    soloNonDual.signers = List.of("both-1");
    soloNonDual.emitAs();

    // deny: one (or more) per reason code, in check order
    Case big =
        deny(
            "deny-oversize",
            Capability.DISCOVER,
            "OVERSIZE",
            "payload larger than the 8 KiB limit");
    big.payload.put("ticket", new JsonString("X" + "x".repeat(Limits.MAX_PAYLOAD_BYTES)));
    big.emitAs();
    Case badTimes = deny("deny-malformed-times", Capability.DISCOVER, "MALFORMED", "nbf after exp");
    badTimes.payload.put("nbf", new JsonInteger(NOW + 700));
    badTimes.emitAs();
    Case badId =
        deny(
            "deny-malformed-id",
            Capability.DISCOVER,
            "MALFORMED",
            "id is not 32 lowercase hex digits");
    badId.payload.put("id", new JsonString("ABC"));
    badId.emitAs();
    Case noTier =
        deny(
            "deny-malformed-execute-without-tier",
            Capability.EXECUTE,
            "MALFORMED",
            "execute without a tier");
    noTier.payload.remove("tier");
    noTier.emitAs();
    Case floatNum =
        deny("deny-malformed-float", Capability.DISCOVER, "MALFORMED", "a number with a fraction");
    floatNum.rawPayload =
        new String(CanonicalJson.write(new JsonObject(floatNum.payload)), StandardCharsets.UTF_8)
            .replace("\"exp\":" + (NOW + 600), "\"exp\":" + (NOW + 600) + ".5")
            .getBytes(StandardCharsets.UTF_8);
    floatNum.emitAs();
    Case ws =
        deny(
            "deny-non-canonical",
            Capability.DISCOVER,
            "NON_CANONICAL",
            "payload JSON with insignificant whitespace");
    ws.rawPayload =
        new String(CanonicalJson.write(new JsonObject(ws.payload)), StandardCharsets.UTF_8)
            .replaceFirst(",", ", ")
            .getBytes(StandardCharsets.UTF_8);
    ws.emitAs();
    Case v2 =
        deny(
            "deny-unsupported-version",
            Capability.DISCOVER,
            "UNSUPPORTED_VERSION",
            "payload version 2");
    v2.payload.put("v", new JsonInteger(2));
    v2.emitAs();
    Case unknown =
        deny(
            "deny-unknown-field",
            Capability.DISCOVER,
            "UNKNOWN_FIELD",
            "payload has a field v1 does not define");
    unknown.payload.put("note", new JsonString("hello"));
    unknown.emitAs();
    Case rootExpired =
        deny(
            "deny-root-expired",
            Capability.DISCOVER,
            "ROOT_EXPIRED",
            "verified after the root's expiry");
    long late = ROOT_EXPIRES.getEpochSecond() + 10;
    rootExpired.payload.put("iat", new JsonInteger(late - 60));
    rootExpired.payload.put("nbf", new JsonInteger(late - 60));
    rootExpired.payload.put("exp", new JsonInteger(late + 600));
    rootExpired.context.put("now", new JsonInteger(late));
    rootExpired.emitAs();
    Case rollback =
        deny(
            "deny-root-rollback",
            Capability.DISCOVER,
            "ROOT_ROLLBACK",
            "a root update that does not raise the version");
    rollback.rotations = List.of("root-v1-again.json");
    rollback.emitAs();
    Case onlyNew =
        deny(
            "deny-root-rotation-without-old-keys",
            Capability.DISCOVER,
            "THRESHOLD_NOT_MET",
            "a rotated root signed only by its new root key");
    onlyNew.rotations = List.of("root-v2-new-keys-only.json");
    onlyNew.emitAs();
    Case outsider =
        deny(
            "deny-unknown-key",
            Capability.DISCOVER,
            "UNKNOWN_KEY",
            "signed by a key the root does not list");
    outsider.signers = List.of("outsider-1");
    outsider.emitAs();
    Case badSig =
        deny(
            "deny-bad-signature",
            Capability.DISCOVER,
            "BAD_SIGNATURE",
            "Ed25519 signature with one bit flipped");
    badSig.tamper = sigs -> sigs.set(0, flip(sigs.get(0)));
    badSig.emitAs();
    Case badEcdsa =
        deny(
            "deny-bad-signature-ecdsa",
            Capability.DEPLOY,
            "BAD_SIGNATURE",
            "ECDSA P-256 signature with one bit flipped");
    badEcdsa.signers = List.of("initiator-ecdsa", "approver-1");
    badEcdsa.tamper = sigs -> sigs.set(0, flip(sigs.get(0)));
    badEcdsa.emitAs();
    Case auditor =
        deny(
            "deny-role-not-permitted",
            Capability.DISCOVER,
            "ROLE_NOT_PERMITTED",
            "an auditor key signs a discover writ");
    auditor.signers = List.of("initiator-1", "auditor-1");
    auditor.emitAs();
    Case pqAlone =
        deny(
            "deny-role-not-permitted-mldsa-alone",
            Capability.DISCOVER,
            "ROLE_NOT_PERMITTED",
            "an ML-DSA-65 signature without its classical partner");
    pqAlone.signers = List.of("initiator-1", "approver-1-mldsa");
    pqAlone.emitAs();
    Case hybridMissing =
        deny(
            "deny-hybrid-required",
            Capability.DEPLOY,
            "HYBRID_REQUIRED",
            "classical signatures only, under a root requiring hybrid");
    hybridMissing.root = "root-hybrid.json";
    hybridMissing.emitAs();
    Case hybridHalf =
        deny(
            "deny-hybrid-required-one-partner-missing",
            Capability.DEPLOY,
            "HYBRID_REQUIRED",
            "the approver's ML-DSA-65 half is missing");
    hybridHalf.root = "root-hybrid.json";
    hybridHalf.signers = List.of("initiator-1", "initiator-1-mldsa", "approver-1");
    hybridHalf.emitAs();
    Case noApprover =
        deny(
            "deny-threshold-not-met",
            Capability.DEPLOY,
            "THRESHOLD_NOT_MET",
            "dual-control deploy without an approver");
    noApprover.signers = List.of("initiator-1");
    noApprover.emitAs();
    Case twice =
        deny(
            "deny-threshold-same-key-twice",
            Capability.PAUSE,
            "THRESHOLD_NOT_MET",
            "pauser threshold 2 met only by one key signing twice (distinct keys count)");
    twice.signers = List.of("pauser-1", "pauser-1");
    twice.emitAs();
    Case sod =
        deny(
            "deny-separation-of-duties",
            Capability.DEPLOY,
            "SEPARATION_OF_DUTIES",
            "one key holding initiator and approver signs a dual-control deploy alone");
    sod.signers = List.of("both-1");
    sod.emitAs();
    Case sodTwice =
        deny(
            "deny-separation-of-duties-same-key-twice",
            Capability.DEPLOY,
            "SEPARATION_OF_DUTIES",
            "the same initiator+approver key signs twice");
    sodTwice.signers = List.of("both-1", "both-1");
    sodTwice.emitAs();
    Case expired =
        deny("deny-expired", Capability.DISCOVER, "EXPIRED", "now is past exp plus the 60 s skew");
    expired.context.put("now", new JsonInteger(NOW + 600 + 60));
    expired.emitAs();
    Case early =
        deny(
            "deny-not-yet-valid",
            Capability.DISCOVER,
            "NOT_YET_VALID",
            "now is before nbf minus the 60 s skew");
    early.context.put("now", new JsonInteger(NOW - 60 - 61));
    early.emitAs();
    Case longTtl =
        deny(
            "deny-ttl-exceeds-policy",
            Capability.DEPLOY,
            "TTL_EXCEEDS_POLICY",
            "a deploy window of 16 minutes where policy allows 15");
    longTtl.payload.put("exp", new JsonInteger(NOW - 60 + 16 * 60));
    longTtl.emitAs();
    Case paused =
        deny("deny-paused", Capability.DEPLOY, "PAUSED", "deploy while the fleet is paused");
    setState(paused, "paused", new JsonBool(true));
    paused.emitAs();
    Case quarantined =
        deny(
            "deny-target-quarantined",
            Capability.DEPLOY,
            "TARGET_QUARANTINED",
            "the acting node is quarantined");
    setState(quarantined, "quarantined", strings(List.of(NODE)));
    quarantined.emitAs();
    Case otherNode =
        deny(
            "deny-identity-mismatch",
            Capability.DEPLOY,
            "IDENTITY_MISMATCH",
            "a node outside the target glob");
    setNode(otherNode, "spiffe://writ.test/node/db-1", "attested");
    otherNode.emitAs();
    Case otherTd =
        deny(
            "deny-identity-mismatch-trust-domain",
            Capability.DEPLOY,
            "IDENTITY_MISMATCH",
            "a node of another trust domain");
    setNode(otherTd, "spiffe://other.test/node/web-1", "attested");
    otherTd.emitAs();
    Case notInSet =
        deny(
            "deny-not-in-target-set",
            Capability.DEPLOY,
            "NOT_IN_TARGET_SET",
            "a node matching the glob but not in the target set");
    setNode(notInSet, "spiffe://writ.test/node/web-3", "attested");
    notInSet.emitAs();
    Case wrongSet =
        deny(
            "deny-not-in-target-set-wrong-list",
            Capability.DEPLOY,
            "NOT_IN_TARGET_SET",
            "the delivered target list does not hash to set_hash");
    wrongSet.context.put("targets", strings(List.of(NODE)));
    wrongSet.emitAs();
    Case degraded =
        deny(
            "deny-posture-insufficient",
            Capability.EXECUTE,
            "POSTURE_INSUFFICIENT",
            "a degraded node may execute nothing");
    setNode(degraded, NODE, "degraded");
    degraded.emitAs();
    Case swapped =
        deny(
            "deny-content-mismatch",
            Capability.DEPLOY,
            "CONTENT_MISMATCH",
            "the node's bytes hash to something else");
    swapped.context.put(
        "content_sha256",
        new JsonString(ContentId.of("other bytes\n".getBytes(StandardCharsets.UTF_8)).toString()));
    swapped.emitAs();
    Case noTicket =
        deny(
            "deny-ticket-required",
            Capability.DEPLOY,
            "TICKET_REQUIRED",
            "deploy without the ticket policy requires");
    noTicket.payload.remove("ticket");
    noTicket.emitAs();
    Case weak =
        deny(
            "deny-tier-below-floor",
            Capability.EXECUTE,
            "TIER_BELOW_FLOOR",
            "execute in the process tier under a gvisor floor");
    weak.payload.put("tier", new JsonString(Tier.PROCESS.wire()));
    weak.emitAs();
    Case weakAuthority =
        deny(
            "deny-tier-below-floor-authority-scope",
            Capability.EXECUTE,
            "TIER_BELOW_FLOOR",
            "the server refuses a tier below the floor too");
    weakAuthority.payload.put("tier", new JsonString(Tier.SECCOMP.wire()));
    weakAuthority.context.remove("node");
    weakAuthority.context.remove("targets");
    weakAuthority.context.remove("content_sha256");
    weakAuthority.emitAs();
    Case spent =
        deny("deny-spent", Capability.DEPLOY, "SPENT", "the id is already in the spent ledger");
    setState(spent, "spent", strings(List.of(idFor("deny-spent"))));
    spent.emitAs();

    attestationRoots();
  }

  /**
   * A root whose policy has an {@code attestation} member (writ.md section 8.4.1), and roots that
   * break one of its rules: pinning them is the vector's result (section 12.3).
   */
  private void attestationRoots() throws SigningException, WritDeniedException {
    RootContents attested = withAttestation(root(1, "root-1", false, false));
    writeRoot("root-attestation.json", attested, "root-1");
    Case allowed =
        allow(
            "allow-deploy-root-attestation",
            Capability.DEPLOY,
            "deploy under a root whose policy lists attestation authorities, PCRs and measurements");
    allowed.root = "root-attestation.json";
    allowed.emitAs();

    byte[] valid = attested.toCanonicalBytes();
    String tpm = AttestationVectors.fingerprint("tpm-ek-ca");
    String pcr7 = "sha256:7:" + "00".repeat(32);
    badAttestation(
        "unknown-member",
        "UNKNOWN_FIELD",
        "policy.attestation has a member section 8.4.1 does not define",
        AttestationVectors.edit(valid, a -> a.put("allow_debug", AttestationVectors.strings())));
    badAttestation(
        "fingerprint",
        "MALFORMED",
        "a tpm_authorities fingerprint in uppercase hex",
        AttestationVectors.edit(
            valid,
            a ->
                a.put(
                    "tpm_authorities", AttestationVectors.strings(tpm.toUpperCase(Locale.ROOT)))));
    badAttestation(
        "pcr-length",
        "MALFORMED",
        "a sha256 PCR string whose value has the 40 hex digits of sha1",
        AttestationVectors.edit(
            valid,
            a -> a.put("tpm_pcrs", AttestationVectors.strings("sha256:7:" + "ab".repeat(20)))));
    badAttestation(
        "pcr-twice",
        "MALFORMED",
        "tpm_pcrs lists sha256:7 twice, with different values",
        AttestationVectors.edit(
            valid,
            a -> {
              List<String> pcrs = new ArrayList<>(AttestationVectors.strings(a.get("tpm_pcrs")));
              pcrs.add(pcr7);
              a.put("tpm_pcrs", AttestationVectors.strings(pcrs.toArray(String[]::new)));
            }));
    badAttestation(
        "duplicate",
        "MALFORMED",
        "tdx_authorities lists the same fingerprint twice",
        AttestationVectors.edit(
            valid,
            a -> {
              String sgx = AttestationVectors.fingerprint("intel-sgx-root-ca");
              a.put("tdx_authorities", AttestationVectors.strings(sgx, sgx));
            }));
    badAttestation(
        "both-tpm-lists",
        "MALFORMED",
        "a fingerprint in both tpm_authorities and tpm_software_authorities",
        AttestationVectors.edit(
            valid,
            a ->
                a.put(
                    "tpm_software_authorities",
                    AttestationVectors.strings(
                        AttestationVectors.fingerprint("swtpm-local-ca"), tpm))));
    badAttestation(
        "missing-member",
        "MALFORMED",
        "policy.attestation without tdx_mrtds (all eight members are required)",
        AttestationVectors.edit(valid, a -> a.remove("tdx_mrtds")));
    badAttestation(
        "tcb",
        "MALFORMED",
        "a sev_snp_min_tcb component above 255",
        AttestationVectors.edit(
            valid,
            a ->
                a.put(
                    "sev_snp_min_tcb",
                    new JsonArray(
                        List.of(
                            new JsonInteger(3),
                            new JsonInteger(0),
                            new JsonInteger(8),
                            new JsonInteger(256))))));
  }

  /** Writes {@code root-attestation-<name>.json} and a discover vector that pins it. */
  private void badAttestation(String name, String reason, String what, byte[] payload)
      throws SigningException {
    String rootFile = "root-attestation-" + name + ".json";
    writeRawRoot(rootFile, payload, "root-1");
    String prefix = reason.equals("UNKNOWN_FIELD") ? "deny-unknown-field" : "deny-malformed";
    Case c =
        deny(
            prefix + "-root-attestation-" + name,
            Capability.DISCOVER,
            reason,
            "the root does not pin: " + what);
    c.root = rootFile;
    c.emitAs();
  }

  private static Envelope.Signature flip(Envelope.Signature s) {
    byte[] sig = s.sig();
    sig[5] ^= 0x01;
    return new Envelope.Signature(s.keyId(), sig);
  }

  private void emit(String file, String text) {
    written.put(file, text);
  }

  /** Writes the generated files to disk. */
  static void writeAll(Path out, Map<String, String> files) throws CliException {
    for (Map.Entry<String, String> e : files.entrySet()) {
      Files2.writeString(out.resolve(e.getKey()), e.getValue());
    }
  }
}
