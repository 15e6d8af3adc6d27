package dev.writ.identity.tpm;

import static dev.writ.identity.tpm.Refusals.assertFails;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import dev.writ.identity.AttestationException;
import dev.writ.identity.AttestationFailure;
import dev.writ.identity.Authority;
import dev.writ.identity.Fingerprint;
import dev.writ.identity.QuoteKind;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The whole TPM path against two real software TPMs (swtpm, each with its own local CA): the node
 * side through tpm2-tools, MakeCredential, and the verifier's refusals.
 */
class SwtpmAttestationTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final List<PcrId> SELECTION =
      List.of(
          new PcrId(TpmHash.SHA256, 0),
          new PcrId(TpmHash.SHA256, 7),
          new PcrId(TpmHash.SHA256, 16));
  private static final PcrId PCR16 = new PcrId(TpmHash.SHA256, 16);

  @TempDir static Path tmp;
  private static Node a;
  private static Node b;
  private static Instant now;
  private static final SecureRandom RANDOM = new SecureRandom();

  /** One TPM and what its node presents. */
  @SuppressWarnings("ArrayRecordComponent") // test data, never mutated
  record Node(SwtpmProcess tpm, Tpm2Tools tools, List<X509Certificate> chain, byte[] akPublic) {
    TpmPolicy policy(PcrValues required) {
      return new TpmPolicy(List.of(authority()), required);
    }

    Authority authority() {
      return new Authority(QuoteKind.TPM2, Fingerprint.of(tpm.rootCertificate()), true);
    }
  }

  @BeforeAll
  static void startTpms() throws Exception {
    a = node("a");
    b = node("b");
    now = a.tpm().rootCertificate().getNotBefore().toInstant().plusSeconds(60);
  }

  @AfterAll
  static void stopTpms() {
    for (Node n : new Node[] {a, b}) {
      if (n != null) {
        n.tpm().close();
      }
    }
  }

  private static Node node(String name) throws Exception {
    Path dir = tmp.resolve(name);
    SwtpmProcess tpm = SwtpmProcess.start(dir, TIMEOUT);
    Path work = Files.createDirectories(dir.resolve("work"));
    Tpm2Tools tools = new Tpm2Tools(tpm.tcti(), work, TIMEOUT);
    List<X509Certificate> chain = new ArrayList<>();
    chain.add(tools.endorsementCertificate());
    chain.addAll(tpm.caCertificates());
    byte[] ak = tools.attestationKey(Tpm2Tools.DEFAULT_AK_HANDLE, AttestationKeyType.ECC_P256);
    return new Node(tpm, tools, List.copyOf(chain), ak);
  }

  private static byte[] nonce() {
    byte[] n = new byte[TpmQuoteVerifier.NONCE_BYTES];
    RANDOM.nextBytes(n);
    return n;
  }

  /** The node's answer to a challenge: activation, then a quote over the nonce. */
  private static TpmEvidence answer(Node n, CredentialChallenge c, byte[] nonce) throws Exception {
    byte[] secret = n.tools().activateCredential(Tpm2Tools.DEFAULT_AK_HANDLE, c.credentialBlob());
    TpmQuote q = n.tools().quote(Tpm2Tools.DEFAULT_AK_HANDLE, nonce, SELECTION);
    return q.evidence(n.chain(), n.akPublic(), secret);
  }

  private static CredentialChallenge challenge(Node n) throws AttestationException {
    return MakeCredential.make(n.chain().getFirst(), n.akPublic(), RANDOM);
  }

  @Test
  void verify_swtpmQuote_acceptedWithSoftwareAuthorityAndPosture() throws Exception {
    PcrValues current = a.tools().readPcrs(SELECTION);
    CredentialChallenge c = challenge(a);
    byte[] nonce = nonce();
    TpmEvidence e = answer(a, c, nonce);

    TpmAttestation ok = TpmQuoteVerifier.verify(e, nonce, c.expected(), a.policy(current), now);

    assertThat(ok.software()).isTrue();
    assertThat(ok.authority()).isEqualTo(a.authority());
    assertThat(ok.akName()).isEqualTo(TpmName.ofPublic(a.akPublic()));
    assertThat(ok.pcrs()).containsOnlyKeys(SELECTION).isEqualTo(current.hex());
  }

  @ParameterizedTest
  @EnumSource(AttestationKeyType.class)
  void verify_eachAttestationKeyType_accepted(AttestationKeyType type) throws Exception {
    int handle =
        switch (type) {
          case ECC_P256 -> Tpm2Tools.DEFAULT_AK_HANDLE + 1;
          case RSA_2048_RSASSA -> Tpm2Tools.DEFAULT_AK_HANDLE + 2;
          case RSA_2048_RSAPSS -> Tpm2Tools.DEFAULT_AK_HANDLE + 3;
        };
    byte[] ak = a.tools().createAttestationKey(handle, type);
    CredentialChallenge c = MakeCredential.make(a.chain().getFirst(), ak, RANDOM);
    byte[] nonce = nonce();
    byte[] secret = a.tools().activateCredential(handle, c.credentialBlob());
    TpmQuote q = a.tools().quote(handle, nonce, SELECTION);

    TpmAttestation ok =
        TpmQuoteVerifier.verify(
            q.evidence(a.chain(), ak, secret), nonce, c.expected(), a.policy(q.pcrs()), now);

    assertThat(ok.akName()).isEqualTo(TpmName.ofPublic(ak));
    assertThat(TpmPublic.parse(ak).isRsa()).isEqualTo(type != AttestationKeyType.ECC_P256);
  }

  @Test
  void verify_emptyPcrPolicy_acceptsButStillChecksTheDigest() throws Exception {
    CredentialChallenge c = challenge(a);
    byte[] nonce = nonce();
    TpmEvidence e = answer(a, c, nonce);
    assertThat(TpmQuoteVerifier.verify(e, nonce, c.expected(), a.policy(PcrValues.empty()), now))
        .isNotNull();

    TpmEvidence lying = withPcr(e, PCR16, new byte[32]);
    assertFails(
        AttestationFailure.PCR_MISMATCH,
        () ->
            TpmQuoteVerifier.verify(lying, nonce, c.expected(), a.policy(PcrValues.empty()), now));
  }

  @Test
  void verify_pcr16ExtendedAfterPolicyWasTaken_pcrMismatch() throws Exception {
    PcrValues policy = a.tools().readPcrs(SELECTION);
    a.tools()
        .extendPcr(PCR16, TpmHash.SHA256.digest("a changed boot".getBytes(StandardCharsets.UTF_8)));
    CredentialChallenge c = challenge(a);
    byte[] nonce = nonce();
    TpmEvidence e = answer(a, c, nonce);

    assertThat(e.pcrs().get(PCR16).orElseThrow()).isNotEqualTo(policy.get(PCR16).orElseThrow());
    assertThatThrownBy(() -> TpmQuoteVerifier.verify(e, nonce, c.expected(), a.policy(policy), now))
        .isInstanceOf(AttestationException.class)
        .hasMessageContaining("sha256:16 is not the value the policy requires")
        .extracting(t -> ((AttestationException) t).failure())
        .isEqualTo(AttestationFailure.PCR_MISMATCH);
  }

  @Test
  void verify_reportedPcrDiffersFromQuoted_pcrMismatch() throws Exception {
    PcrValues policy = a.tools().readPcrs(SELECTION);
    a.tools().extendPcr(PCR16, new byte[32]);
    CredentialChallenge c = challenge(a);
    byte[] nonce = nonce();
    TpmEvidence e = answer(a, c, nonce);
    // the node reports the value the policy wants, not the one it quoted
    TpmEvidence lying = withPcr(e, PCR16, policy.get(PCR16).orElseThrow());

    assertThatThrownBy(
            () -> TpmQuoteVerifier.verify(lying, nonce, c.expected(), a.policy(policy), now))
        .isInstanceOf(AttestationException.class)
        .hasMessageContaining("digest")
        .extracting(t -> ((AttestationException) t).failure())
        .isEqualTo(AttestationFailure.PCR_MISMATCH);
  }

  @Test
  void verify_policyRequiresUnquotedPcr_pcrMismatch() throws Exception {
    CredentialChallenge c = challenge(a);
    byte[] nonce = nonce();
    TpmEvidence e = answer(a, c, nonce);
    PcrValues required = PcrValues.of(Map.of(new PcrId(TpmHash.SHA256, 8), new byte[32]));
    assertFails(
        AttestationFailure.PCR_MISMATCH,
        () -> TpmQuoteVerifier.verify(e, nonce, c.expected(), a.policy(required), now));
  }

  @Test
  void verify_oldNonce_nonceMismatch() throws Exception {
    byte[] old = nonce();
    CredentialChallenge c = challenge(a);
    TpmEvidence replayed = answer(a, c, old);
    byte[] fresh = old.clone();
    fresh[31] ^= 1;
    assertFails(
        AttestationFailure.ATTESTATION_NONCE_MISMATCH,
        () ->
            TpmQuoteVerifier.verify(
                replayed, fresh, c.expected(), a.policy(PcrValues.empty()), now));
  }

  @Test
  void verify_foreignAkWithFirstTpmsEk_cannotActivate_keyUnbound() throws Exception {
    // B's attestation key presented with A's EK chain: the credential is sealed to A's EK
    CredentialChallenge c = MakeCredential.make(a.chain().getFirst(), b.akPublic(), RANDOM);
    assertThatThrownBy(
            () -> b.tools().activateCredential(Tpm2Tools.DEFAULT_AK_HANDLE, c.credentialBlob()))
        .isInstanceOf(TpmToolException.class)
        .hasMessageStartingWith("tpm2_activatecredential failed");
    assertThatThrownBy(
            () -> a.tools().activateCredential(Tpm2Tools.DEFAULT_AK_HANDLE, c.credentialBlob()))
        .isInstanceOf(TpmToolException.class);
    byte[] nonce = nonce();
    TpmQuote q = b.tools().quote(Tpm2Tools.DEFAULT_AK_HANDLE, nonce, SELECTION);
    byte[] guess = new byte[MakeCredential.SECRET_BYTES];
    RANDOM.nextBytes(guess);
    TpmEvidence e = q.evidence(a.chain(), b.akPublic(), guess);

    assertFails(
        AttestationFailure.ATTESTATION_KEY_UNBOUND,
        () -> TpmQuoteVerifier.verify(e, nonce, c.expected(), a.policy(PcrValues.empty()), now));
  }

  @Test
  void verify_quoteSignedByOtherTpmsAk_badSignature() throws Exception {
    CredentialChallenge c = challenge(a);
    byte[] nonce = nonce();
    TpmEvidence honest = answer(a, c, nonce);
    TpmQuote foreign = b.tools().quote(Tpm2Tools.DEFAULT_AK_HANDLE, nonce, SELECTION);
    TpmEvidence e =
        new TpmEvidence(
            a.chain(),
            a.akPublic(),
            foreign.quote(),
            foreign.signature(),
            foreign.pcrs(),
            honest.activationSecret());

    assertFails(
        AttestationFailure.ATTESTATION_BAD_SIGNATURE,
        () -> TpmQuoteVerifier.verify(e, nonce, c.expected(), a.policy(PcrValues.empty()), now));
  }

  @Test
  void verify_akOrEkSwappedAfterChallenge_keyUnbound() throws Exception {
    CredentialChallenge c = challenge(a);
    byte[] nonce = nonce();
    TpmEvidence honest = answer(a, c, nonce);
    TpmQuote foreign = b.tools().quote(Tpm2Tools.DEFAULT_AK_HANDLE, nonce, SELECTION);
    TpmEvidence otherAk = foreign.evidence(a.chain(), b.akPublic(), honest.activationSecret());
    List<X509Certificate> bChainAuthorizedByA = new ArrayList<>(b.chain());
    TpmEvidence otherEk =
        new TpmEvidence(
            bChainAuthorizedByA,
            honest.akPublic(),
            honest.quote(),
            honest.signature(),
            honest.pcrs(),
            honest.activationSecret());
    TpmPolicy both = new TpmPolicy(List.of(a.authority(), b.authority()), PcrValues.empty());

    assertFails(
        AttestationFailure.ATTESTATION_KEY_UNBOUND,
        () -> TpmQuoteVerifier.verify(otherAk, nonce, c.expected(), both, now));
    assertFails(
        AttestationFailure.ATTESTATION_KEY_UNBOUND,
        () -> TpmQuoteVerifier.verify(otherEk, nonce, c.expected(), both, now));
  }

  @Test
  void verify_ekChainToUnlistedCa_authorityNotListed() throws Exception {
    CredentialChallenge c = challenge(a);
    byte[] nonce = nonce();
    TpmEvidence e = answer(a, c, nonce);
    assertFails(
        AttestationFailure.ATTESTATION_AUTHORITY_NOT_LISTED,
        () -> TpmQuoteVerifier.verify(e, nonce, c.expected(), b.policy(PcrValues.empty()), now));
    assertFails(
        AttestationFailure.ATTESTATION_AUTHORITY_NOT_LISTED,
        () ->
            TpmQuoteVerifier.verify(
                e, nonce, c.expected(), new TpmPolicy(List.of(), PcrValues.empty()), now));
  }

  @Test
  void makeCredential_activatedByTheRealTpm_recoversTheSecret() throws Exception {
    CredentialChallenge c = challenge(a);
    byte[] blob = c.credentialBlob();
    assertThat(Arrays.copyOf(blob, 8)).containsExactly(0xba, 0xdc, 0xc0, 0xde, 0, 0, 0, 1);
    assertThat(blob).hasSize(8 + 2 + 2 + 32 + 2 + 32 + 2 + 256);

    byte[] recovered = a.tools().activateCredential(Tpm2Tools.DEFAULT_AK_HANDLE, blob);

    assertThat(recovered).isEqualTo(c.expected().revealSecret()).hasSize(32);
    assertThat(c.expected().toString()).doesNotContain(HexFormat.of().formatHex(recovered));
  }

  @Test
  void makeCredential_tamperedBlob_realTpmRefuses() throws Exception {
    byte[] blob = challenge(a).credentialBlob();
    blob[20] ^= 1; // inside the outer HMAC
    assertThatThrownBy(() -> a.tools().activateCredential(Tpm2Tools.DEFAULT_AK_HANDLE, blob))
        .isInstanceOf(TpmToolException.class)
        .hasMessageNotContaining("\n");
  }

  @Test
  void makeCredential_forAKeyThatIsNoAttestationKey_keyUnbound() throws Exception {
    byte[] ekPublic = a.tools().endorsementKey();
    assertFails(
        AttestationFailure.ATTESTATION_KEY_UNBOUND,
        () -> MakeCredential.make(a.chain().getFirst(), ekPublic, RANDOM));
    assertFails(
        AttestationFailure.ATTESTATION_MALFORMED,
        () -> MakeCredential.make(a.chain().getFirst(), new byte[3], RANDOM));
  }

  @Test
  void makeCredential_eccEndorsementKey_refused() throws Exception {
    X509Certificate eccEk = EccEkCertificate.read(a.tpm());
    assertFails(
        AttestationFailure.ATTESTATION_MALFORMED,
        () -> MakeCredential.make(eccEk, a.akPublic(), RANDOM));
  }

  @Test
  void verify_truncatedOversizedOrWrongTypeStructures_malformedOrOversize() throws Exception {
    CredentialChallenge c = challenge(a);
    byte[] nonce = nonce();
    TpmEvidence e = answer(a, c, nonce);
    TpmPolicy policy = a.policy(PcrValues.empty());
    byte[] q = e.quote();
    byte[] certifyType = q.clone();
    certifyType[5] = 0x17; // TPM_ST_ATTEST_CERTIFY

    assertFails(
        AttestationFailure.ATTESTATION_MALFORMED,
        () ->
            TpmQuoteVerifier.verify(
                with(e, 1, Arrays.copyOf(q, q.length - 1)), nonce, c.expected(), policy, now));
    assertFails(
        AttestationFailure.ATTESTATION_OVERSIZE,
        () ->
            TpmQuoteVerifier.verify(
                with(e, 1, new byte[TpmLimits.MAX_ATTEST_BYTES + 1]),
                nonce,
                c.expected(),
                policy,
                now));
    assertFails(
        AttestationFailure.ATTESTATION_MALFORMED,
        () -> TpmQuoteVerifier.verify(with(e, 1, certifyType), nonce, c.expected(), policy, now));
    assertFails(
        AttestationFailure.ATTESTATION_MALFORMED,
        () -> TpmQuoteVerifier.verify(with(e, 0, e.signature()), nonce, c.expected(), policy, now));
    assertFails(
        AttestationFailure.ATTESTATION_MALFORMED,
        () -> TpmQuoteVerifier.verify(with(e, 2, e.quote()), nonce, c.expected(), policy, now));
    assertFails(
        AttestationFailure.ATTESTATION_OVERSIZE,
        () -> TpmQuoteVerifier.verify(with(e, 3, new byte[65]), nonce, c.expected(), policy, now));
  }

  @Test
  void verify_endorsementKeyAsAttestationKey_keyUnbound() throws Exception {
    CredentialChallenge c = challenge(a);
    byte[] nonce = nonce();
    TpmEvidence e = answer(a, c, nonce);
    byte[] ekPublic = a.tools().endorsementKey();
    assertFails(
        AttestationFailure.ATTESTATION_KEY_UNBOUND,
        () ->
            TpmQuoteVerifier.verify(
                with(e, 0, ekPublic), nonce, c.expected(), a.policy(PcrValues.empty()), now));
  }

  /** 500 random mutations of real evidence through the whole verifier (fixed seed). */
  @Test
  void verify_randomMutations_onlyAttestationExceptions() throws Exception {
    CredentialChallenge c = challenge(a);
    byte[] nonce = nonce();
    TpmEvidence e = answer(a, c, nonce);
    TpmPolicy policy = a.policy(e.pcrs());
    Random random = new Random(5L);
    for (int i = 0; i < 500; i++) {
      int field = random.nextInt(4);
      byte[] original =
          switch (field) {
            case 0 -> e.akPublic();
            case 1 -> e.quote();
            case 2 -> e.signature();
            default -> e.activationSecret();
          };
      byte[] mutated = TpmQuoteSampleTest.mutate(original.clone(), random);
      try {
        TpmQuoteVerifier.verify(with(e, field, mutated), nonce, c.expected(), policy, now);
        if (!Arrays.equals(mutated, original)) {
          fail("mutation " + i + " of field " + field + " was accepted");
        }
      } catch (AttestationException expected) {
        assertThat(expected.getMessage()).isNotBlank();
      } catch (RuntimeException escaped) {
        throw new AssertionError("mutation " + i + " escaped as " + escaped, escaped);
      }
    }
  }

  @Test
  void tpm2Tools_keysAndCertificate_areConsistentAndNothingLeaksInTheTpm() throws Exception {
    TpmPublic ek = TpmPublic.parse(a.tools().endorsementKey());
    assertThat(ek.key()).isEqualTo(a.chain().getFirst().getPublicKey());
    byte[] again =
        a.tools().attestationKey(Tpm2Tools.DEFAULT_AK_HANDLE, AttestationKeyType.ECC_P256);
    assertThat(again).isEqualTo(a.akPublic());
    assertThatThrownBy(
            () ->
                a.tools()
                    .attestationKey(
                        Tpm2Tools.DEFAULT_AK_HANDLE, AttestationKeyType.RSA_2048_RSASSA))
        .isInstanceOf(TpmToolException.class)
        .hasMessageContaining("another type");
    assertThat(EccEkCertificate.transientHandles(a.tpm())).isEmpty();
  }

  private static TpmEvidence withPcr(TpmEvidence e, PcrId pcr, byte[] value)
      throws AttestationException {
    Map<PcrId, byte[]> values = new HashMap<>();
    for (PcrId id : e.pcrs().ids()) {
      values.put(id, e.pcrs().get(id).orElseThrow());
    }
    values.put(pcr, value);
    return new TpmEvidence(
        e.ekChain(),
        e.akPublic(),
        e.quote(),
        e.signature(),
        PcrValues.of(values),
        e.activationSecret());
  }

  /** {@code e} with field 0 (AK), 1 (quote), 2 (signature) or 3 (secret) replaced. */
  private static TpmEvidence with(TpmEvidence e, int field, byte[] value) {
    return new TpmEvidence(
        e.ekChain(),
        field == 0 ? value : e.akPublic(),
        field == 1 ? value : e.quote(),
        field == 2 ? value : e.signature(),
        e.pcrs(),
        field == 3 ? value : e.activationSecret());
  }
}
