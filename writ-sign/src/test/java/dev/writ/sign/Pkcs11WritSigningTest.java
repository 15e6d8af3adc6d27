package dev.writ.sign;

import static org.assertj.core.api.Assertions.assertThat;

import dev.writ.core.Capability;
import dev.writ.core.ContentId;
import dev.writ.core.Decision;
import dev.writ.core.Envelope;
import dev.writ.core.FleetState;
import dev.writ.core.InMemorySpendLedger;
import dev.writ.core.KeyId;
import dev.writ.core.Policy;
import dev.writ.core.PublicKeyVerifier;
import dev.writ.core.Reason;
import dev.writ.core.Role;
import dev.writ.core.RootContents;
import dev.writ.core.SignatureAlgorithm;
import dev.writ.core.SpiffeId;
import dev.writ.core.SpiffeIdGlob;
import dev.writ.core.TargetSet;
import dev.writ.core.Tier;
import dev.writ.core.TrustRoot;
import dev.writ.core.VerificationContext;
import dev.writ.core.Verifier;
import dev.writ.core.WritId;
import dev.writ.core.WritPayload;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Writs signed by keys in a real SoftHSM2 token, checked by writ-core's verifier against a trust
 * root that lists the token keys.
 */
class Pkcs11WritSigningTest {
  private static final String TOKEN = "writ-signing-test";
  private static final char[] PIN = "user-pin-8765".toCharArray();
  private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
  private static final SecureRandom RANDOM = new SecureRandom();

  @TempDir static Path dir;

  private static Pkcs11Keystore keystore;
  private static OperatorSigner edInToken;
  private static OperatorSigner ecInToken;
  private static TrustRoot root;

  @BeforeAll
  static void tokenKeysAndRoot() throws Exception {
    SoftHsm2.configure(dir).initToken(TOKEN, PIN);
    keystore = Pkcs11Keystore.open(Pkcs11Keystore.defaultModule(), TOKEN, PIN.clone());
    edInToken = keystore.generate(SignatureAlgorithm.ED25519, "operator-ed25519");
    ecInToken = keystore.generate(SignatureAlgorithm.ECDSA_P256_SHA256, "operator-p256");
    root = rootListing(edInToken, ecInToken);
  }

  @AfterAll
  static void closeKeystore() {
    keystore.close();
  }

  @Test
  void sign_ed25519InToken_verifiesWithCoreVerifier() throws Exception {
    byte[] envelope = WritSigner.signWrit(deployPayload(), List.of(edInToken));

    Envelope parsed = Envelope.parse(envelope);
    PublicKeyVerifier key =
        PublicKeyVerifier.decode(SignatureAlgorithm.ED25519, edInToken.publicKeySpki());
    assertThat(parsed.signatures())
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.keyId()).isEqualTo(edInToken.keyId());
              assertThat(key.verify(parsed.pae(), s.sig())).isTrue();
            });
    assertThat(verify(envelope)).isInstanceOf(Decision.Allow.class);
  }

  @Test
  void sign_ecdsaP256InToken_verifiesWithCoreVerifier() throws Exception {
    byte[] envelope = WritSigner.signWrit(deployPayload(), List.of(ecInToken));

    Envelope parsed = Envelope.parse(envelope);
    PublicKeyVerifier key =
        PublicKeyVerifier.decode(SignatureAlgorithm.ECDSA_P256_SHA256, ecInToken.publicKeySpki());
    assertThat(parsed.signatures())
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.keyId()).isEqualTo(ecInToken.keyId());
              assertThat(s.sig()).hasSize(64);
              assertThat(key.verify(parsed.pae(), s.sig())).isTrue();
            });
    assertThat(verify(envelope)).isInstanceOf(Decision.Allow.class);
  }

  @Test
  void verify_writFoundAgainAfterReopen_stillAllowed() throws Exception {
    // the keys a root lists stay usable by label: find gives the same key id
    OperatorSigner found = keystore.find("operator-p256");

    assertThat(found.keyId()).isEqualTo(ecInToken.keyId());
    assertThat(verify(WritSigner.signWrit(deployPayload(), List.of(found))))
        .isInstanceOf(Decision.Allow.class);
  }

  @Test
  void verify_tamperedPayloadSignedInToken_deniedBadSignature() throws Exception {
    for (OperatorSigner signer : List.of(edInToken, ecInToken)) {
      Envelope signed = Envelope.parse(WritSigner.signWrit(deployPayload(), List.of(signer)));
      byte[] otherPayload = deployPayload();
      Envelope tampered = new Envelope(signed.payloadType(), otherPayload, signed.signatures());

      Decision decision = verify(tampered.toCanonicalBytes());

      assertThat(decision)
          .as(signer.algorithm().wire())
          .isInstanceOfSatisfying(
              Decision.Deny.class, d -> assertThat(d.reason()).isEqualTo(Reason.BAD_SIGNATURE));
    }
  }

  @Test
  void verify_signatureWithFlippedBit_deniedBadSignature() throws Exception {
    for (OperatorSigner signer : List.of(edInToken, ecInToken)) {
      Envelope signed = Envelope.parse(WritSigner.signWrit(deployPayload(), List.of(signer)));
      byte[] sig = signed.signatures().get(0).sig();
      sig[10] ^= 0x01;
      Envelope tampered =
          new Envelope(
              signed.payloadType(),
              signed.payload(),
              List.of(new Envelope.Signature(signer.keyId(), sig)));

      assertThat(verify(tampered.toCanonicalBytes()))
          .as(signer.algorithm().wire())
          .isInstanceOfSatisfying(
              Decision.Deny.class, d -> assertThat(d.reason()).isEqualTo(Reason.BAD_SIGNATURE));
    }
  }

  @Test
  void root_listingTokenKeys_hasTheirKeyIds() {
    Map<KeyId, RootContents.TrustedKey> keys = root.contents().keys();

    assertThat(keys).containsKeys(edInToken.keyId(), ecInToken.keyId());
    assertThat(Base64.getEncoder().encodeToString(keys.get(ecInToken.keyId()).verifier().spki()))
        .isEqualTo(Base64.getEncoder().encodeToString(ecInToken.publicKeySpki()));
  }

  private static Decision verify(byte[] envelope) throws Exception {
    return new Verifier(root, new InMemorySpendLedger())
        .verify(envelope, VerificationContext.authority(NOW, FleetState.normal()));
  }

  /** A fresh deploy writ (new id each time), valid around {@link #NOW}. */
  private static byte[] deployPayload() throws Exception {
    SpiffeId node = SpiffeId.parse("spiffe://fleet.example/node/a");
    return WritPayload.create(
            WritId.random(RANDOM),
            Capability.DEPLOY,
            Optional.of(
                new WritPayload.Targets(
                    SpiffeIdGlob.parse("spiffe://fleet.example/node/*"),
                    TargetSet.of(List.of(node)).hash())),
            Optional.of(ContentId.of("app v1".getBytes(StandardCharsets.UTF_8))),
            Optional.of("rollout-1"),
            Optional.empty(),
            Optional.empty(),
            NOW.minusSeconds(10),
            NOW.minusSeconds(10),
            NOW.plusSeconds(290))
        .toCanonicalBytes();
  }

  /** A root whose initiators are the token keys, signed by a software root key. */
  private static TrustRoot rootListing(OperatorSigner... initiators) throws Exception {
    SoftwareKey rootKey = SoftwareKey.generate(SignatureAlgorithm.ED25519, RANDOM);
    Map<KeyId, RootContents.TrustedKey> keys = new TreeMap<>();
    keys.put(rootKey.keyId(), trusted(rootKey, "root"));
    TreeSet<KeyId> initiatorIds = new TreeSet<>();
    for (OperatorSigner s : initiators) {
      keys.put(s.keyId(), trusted(s, "token " + s.algorithm().wire()));
      initiatorIds.add(s.keyId());
    }
    Map<Role, RootContents.RoleKeys> roles = new EnumMap<>(Role.class);
    roles.put(Role.ROOT, new RootContents.RoleKeys(new TreeSet<>(Set.of(rootKey.keyId())), 1));
    roles.put(Role.INITIATOR, new RootContents.RoleKeys(initiatorIds, 1));
    roles.put(Role.APPROVER, new RootContents.RoleKeys(new TreeSet<>(), 1));
    roles.put(Role.PAUSER, new RootContents.RoleKeys(new TreeSet<>(), 1));
    roles.put(Role.AUDITOR, new RootContents.RoleKeys(new TreeSet<>(), 1));
    Map<Capability, Duration> ttl = new EnumMap<>(Capability.class);
    for (Capability c : Capability.values()) {
      ttl.put(c, Duration.ofMinutes(10));
    }
    Policy policy = new Policy(Tier.GVISOR, ttl, Set.of(), Duration.ofSeconds(30), Set.of(), false);
    RootContents contents =
        RootContents.create(
            1, NOW.plus(Duration.ofDays(365)), "fleet.example", keys, roles, policy);
    return TrustRoot.pin(WritSigner.signRoot(contents.toCanonicalBytes(), List.of(rootKey)));
  }

  private static RootContents.TrustedKey trusted(OperatorSigner s, String label) throws Exception {
    return new RootContents.TrustedKey(
        PublicKeyVerifier.decode(s.algorithm(), s.publicKeySpki()),
        Optional.empty(),
        Optional.of(label));
  }
}
