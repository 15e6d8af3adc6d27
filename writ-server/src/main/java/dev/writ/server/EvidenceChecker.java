package dev.writ.server;

import dev.writ.core.AttestationPolicy;
import dev.writ.core.Posture;
import dev.writ.core.Reason;
import dev.writ.core.TrustRoot;
import dev.writ.core.json.JsonValue.JsonObject;
import dev.writ.identity.AttestationException;
import dev.writ.identity.AttestationFailure;
import dev.writ.identity.Authority;
import dev.writ.identity.EvidenceBinding;
import dev.writ.identity.Fingerprint;
import dev.writ.identity.QuoteKind;
import dev.writ.identity.snp.SnpPolicy;
import dev.writ.identity.snp.SnpReportVerifier;
import dev.writ.identity.snp.SnpTcb;
import dev.writ.identity.snp.VerifiedSnpReport;
import dev.writ.identity.tdx.TdxPolicy;
import dev.writ.identity.tdx.TdxQuoteVerifier;
import dev.writ.identity.tdx.VerifiedTdxQuote;
import java.io.ByteArrayInputStream;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Decides a node's posture from its evidence under the trust root's attestation policy
 * (docs/spec/enrollment.md section 5): dispatches to the verifier of the evidence's kind with the
 * authorities the root lists, and turns the verified facts into recorded measurements. The root,
 * never the server's configuration, says which authority is trusted.
 *
 * <p>Thread-safe: immutable.
 */
final class EvidenceChecker {
  /** What the evidence established. */
  record Assessment(
      Posture posture, Optional<QuoteKind> kind, SortedMap<String, String> measurements) {
    static Assessment degraded() {
      return new Assessment(Posture.DEGRADED, Optional.empty(), new TreeMap<>());
    }
  }

  /**
   * The recorded SEV-SNP chip id (all zeros under a VLEK): with {@link TpmEvidenceCheck#EK_SHA256}
   * one of the values that name the device (enrollment.md section 3.4).
   */
  static final String CHIP_ID = "chip_id";

  private final Optional<AttestationPolicy> policy;
  private final TpmEvidenceCheck tpm;

  EvidenceChecker(TrustRoot root) {
    this.policy = root.contents().policy().attestation();
    this.tpm = new TpmEvidenceCheck(policy);
  }

  /**
   * Verifies {@code evidence} of {@code challenge.kind()} bound to the challenge nonce and the CSR
   * key {@code csrKey} (enrollment.md section 3.3).
   *
   * @throws AttestationException for evidence that is present and fails
   */
  Assessment assess(Challenges.Issued challenge, JsonObject evidence, PublicKey csrKey, Instant now)
      throws AttestationException, EnrollBodies.BadBody {
    byte[] binding = EvidenceBinding.binding(challenge.nonce(), csrKey.getEncoded());
    QuoteKind kind =
        QuoteKind.fromWire(challenge.kind())
            .orElseThrow(() -> new EnrollBodies.BadBody("no evidence is expected for kind none"));
    return switch (kind) {
      case TPM2 -> tpm.assess(challenge, evidence, EvidenceBinding.tpm(binding), now);
      case SEV_SNP -> snp(evidence, EvidenceBinding.report(binding), now);
      case TDX -> tdx(evidence, EvidenceBinding.report(binding), now);
    };
  }

  private Assessment snp(JsonObject evidence, byte[] reportData, Instant now)
      throws AttestationException, EnrollBodies.BadBody {
    EnrollBodies.fields(evidence, Set.of("report", "chain"), Set.of());
    byte[] report = EnrollBodies.bytes(evidence, "report");
    List<X509Certificate> chain = certificates(EnrollBodies.byteList(evidence, "chain"));
    AttestationPolicy p = requirePolicy(QuoteKind.SEV_SNP);
    AttestationPolicy.SevSnpTcb min = p.sevSnpMinTcb();
    SnpPolicy snpPolicy =
        SnpPolicy.strict(
                authorities(p.sevSnpAuthorities(), QuoteKind.SEV_SNP, false),
                SnpTcb.of(min.bootloader(), min.tee(), min.snp(), min.microcode()))
            .withAllowedMeasurements(Set.copyOf(p.sevSnpMeasurements()));
    VerifiedSnpReport v = SnpReportVerifier.verify(report, chain, reportData, snpPolicy, now);
    SortedMap<String, String> m = new TreeMap<>();
    m.put("measurement", v.measurementHex());
    m.put("reported_tcb", String.format("%016x", v.reportedTcb().raw()));
    m.put(CHIP_ID, v.chipIdHex());
    return new Assessment(Posture.ATTESTED, Optional.of(QuoteKind.SEV_SNP), m);
  }

  private Assessment tdx(JsonObject evidence, byte[] reportData, Instant now)
      throws AttestationException, EnrollBodies.BadBody {
    EnrollBodies.fields(evidence, Set.of("quote"), Set.of());
    AttestationPolicy p = requirePolicy(QuoteKind.TDX);
    TdxPolicy tdxPolicy =
        TdxPolicy.of(authorities(p.tdxAuthorities(), QuoteKind.TDX, false))
            .withAllowedMrTds(Set.copyOf(p.tdxMrtds()));
    VerifiedTdxQuote v =
        TdxQuoteVerifier.verify(EnrollBodies.bytes(evidence, "quote"), reportData, tdxPolicy, now);
    SortedMap<String, String> m = new TreeMap<>();
    m.put("mrtd", v.mrTd());
    m.put("mrseam", v.mrSeam());
    m.put("td_attributes", v.tdAttributes());
    m.put("tee_tcb_svn", v.teeTcbSvn());
    for (int i = 0; i < v.rtmrs().size(); i++) {
      m.put("rtmr" + i, v.rtmrs().get(i));
    }
    return new Assessment(Posture.ATTESTED, Optional.of(QuoteKind.TDX), m);
  }

  /** No attestation policy in the root: no authority is listed, so nothing can be trusted. */
  private AttestationPolicy requirePolicy(QuoteKind kind) throws AttestationException {
    return policy.orElseThrow(
        () ->
            new AttestationException(
                AttestationFailure.ATTESTATION_AUTHORITY_NOT_LISTED,
                "the trust root lists no attestation authority for " + kind.wire()));
  }

  static List<Authority> authorities(List<String> fingerprints, QuoteKind kind, boolean software) {
    List<Authority> out = new ArrayList<>();
    for (String fp : fingerprints) {
      out.add(new Authority(kind, Fingerprint.parse(fp), software));
    }
    return out;
  }

  static List<X509Certificate> certificates(List<byte[]> ders) throws AttestationException {
    List<X509Certificate> out = new ArrayList<>();
    try {
      CertificateFactory f = CertificateFactory.getInstance("X.509");
      for (byte[] der : ders) {
        out.add((X509Certificate) f.generateCertificate(new ByteArrayInputStream(der)));
      }
    } catch (CertificateException | ClassCastException e) {
      throw new AttestationException(
          AttestationFailure.ATTESTATION_MALFORMED, "a certificate in the chain does not parse", e);
    }
    return out;
  }

  /** The reason code of an attestation failure (writ.md section 11). */
  static Reason reason(AttestationFailure f) {
    return switch (f) {
      case ATTESTATION_MALFORMED -> Reason.ATTESTATION_MALFORMED;
      case ATTESTATION_OVERSIZE -> Reason.ATTESTATION_OVERSIZE;
      case ATTESTATION_BAD_SIGNATURE -> Reason.ATTESTATION_BAD_SIGNATURE;
      case ATTESTATION_UNTRUSTED -> Reason.ATTESTATION_UNTRUSTED;
      case ATTESTATION_AUTHORITY_NOT_LISTED -> Reason.ATTESTATION_AUTHORITY_NOT_LISTED;
      case ATTESTATION_NONCE_MISMATCH -> Reason.ATTESTATION_NONCE_MISMATCH;
      case PCR_MISMATCH -> Reason.PCR_MISMATCH;
      case ATTESTATION_KEY_UNBOUND -> Reason.ATTESTATION_KEY_UNBOUND;
      case ATTESTATION_POLICY -> Reason.ATTESTATION_POLICY;
    };
  }
}
