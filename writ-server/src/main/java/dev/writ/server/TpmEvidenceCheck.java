package dev.writ.server;

import dev.writ.core.AttestationPolicy;
import dev.writ.core.Posture;
import dev.writ.core.json.JsonValue;
import dev.writ.core.json.JsonValue.JsonArray;
import dev.writ.core.json.JsonValue.JsonObject;
import dev.writ.core.json.JsonValue.JsonString;
import dev.writ.identity.AttestationException;
import dev.writ.identity.AttestationFailure;
import dev.writ.identity.Authority;
import dev.writ.identity.QuoteKind;
import dev.writ.identity.tpm.ExpectedActivation;
import dev.writ.identity.tpm.PcrId;
import dev.writ.identity.tpm.PcrValues;
import dev.writ.identity.tpm.TpmAttestation;
import dev.writ.identity.tpm.TpmEvidence;
import dev.writ.identity.tpm.TpmPolicy;
import dev.writ.identity.tpm.TpmQuoteVerifier;
import dev.writ.state.NodeRegistration;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * TPM 2.0 evidence at enrollment and renewal (docs/spec/enrollment.md sections 3.3 and 3.4,
 * attestation-tpm.md): the evidence JSON read strictly, the root's TPM authorities (hardware and
 * software) and required PCR values, and the credential the challenge step made. The recorded
 * values are the quoted PCRs and {@link #EK_SHA256}, the TPM's identity that renewal compares.
 *
 * <p>Thread-safe: immutable.
 */
final class TpmEvidenceCheck {
  private static final Set<String> MEMBERS =
      Set.of("ek_chain", "ak_public", "quote", "signature", "pcrs", "activated_secret");

  /**
   * The recorded value naming the TPM: SHA-256 of the EK certificate's SubjectPublicKeyInfo DER,
   * lowercase hex (enrollment.md section 3.4).
   */
  static final String EK_SHA256 = "ek_sha256";

  /** Quoted PCR values the registry can record next to {@link #EK_SHA256}. */
  static final int MAX_RECORDED_PCRS = NodeRegistration.MAX_VALUES - 1;

  private final Optional<AttestationPolicy> policy;

  TpmEvidenceCheck(Optional<AttestationPolicy> policy) {
    this.policy = policy;
  }

  EvidenceChecker.Assessment assess(
      Challenges.Issued challenge, JsonObject evidence, byte[] qualifyingData, Instant now)
      throws AttestationException, EnrollBodies.BadBody {
    EnrollBodies.fields(evidence, MEMBERS, Set.of());
    ExpectedActivation expected =
        challenge
            .expectedActivation()
            .orElseThrow(() -> new EnrollBodies.BadBody("the challenge was not a TPM challenge"));
    AttestationPolicy p =
        policy.orElseThrow(
            () ->
                new AttestationException(
                    AttestationFailure.ATTESTATION_AUTHORITY_NOT_LISTED,
                    "the trust root lists no TPM authority"));
    TpmEvidence e =
        new TpmEvidence(
            EvidenceChecker.certificates(EnrollBodies.byteList(evidence, "ek_chain")),
            EnrollBodies.bytes(evidence, "ak_public"),
            EnrollBodies.bytes(evidence, "quote"),
            EnrollBodies.bytes(evidence, "signature"),
            pcrs(evidence),
            EnrollBodies.bytes(evidence, "activated_secret"));
    List<Authority> authorities = new ArrayList<>();
    authorities.addAll(EvidenceChecker.authorities(p.tpmAuthorities(), QuoteKind.TPM2, false));
    authorities.addAll(
        EvidenceChecker.authorities(p.tpmSoftwareAuthorities(), QuoteKind.TPM2, true));
    Map<PcrId, byte[]> required = new LinkedHashMap<>();
    for (AttestationPolicy.PcrRequirement r : p.tpmPcrs()) {
      required.put(PcrId.parse(r.bank().wire() + ":" + r.index()), r.value());
    }
    TpmAttestation a =
        TpmQuoteVerifier.verify(
            e, qualifyingData, expected, new TpmPolicy(authorities, PcrValues.of(required)), now);
    if (a.pcrs().size() > MAX_RECORDED_PCRS) {
      throw new AttestationException(
          AttestationFailure.ATTESTATION_OVERSIZE,
          "the quote covers "
              + a.pcrs().size()
              + " PCRs, the registry records "
              + MAX_RECORDED_PCRS);
    }
    SortedMap<String, String> measured = new TreeMap<>();
    a.pcrs().forEach((id, hex) -> measured.put(id.toString(), hex));
    measured.put(EK_SHA256, ekSha256(e.ekChain().getFirst()));
    return new EvidenceChecker.Assessment(
        a.software() ? Posture.ATTESTED_SOFTWARE : Posture.ATTESTED,
        Optional.of(QuoteKind.TPM2),
        measured);
  }

  static String ekSha256(X509Certificate ek) {
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(ek.getPublicKey().getEncoded()));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  /** {@code pcrs}: strings {@code bank:index:hex} (enrollment.md section 3.3). */
  private static PcrValues pcrs(JsonObject evidence)
      throws EnrollBodies.BadBody, AttestationException {
    if (!(evidence.members().get("pcrs") instanceof JsonArray(List<JsonValue> items))) {
      throw new EnrollBodies.BadBody("evidence.pcrs must be an array");
    }
    Map<PcrId, byte[]> values = new LinkedHashMap<>();
    for (JsonValue v : items) {
      if (!(v instanceof JsonString(String s)) || s.lastIndexOf(':') < 0) {
        throw new EnrollBodies.BadBody("evidence.pcrs holds bank:index:hex strings");
      }
      int last = s.lastIndexOf(':');
      byte[] value;
      try {
        value = HexFormat.of().parseHex(s.substring(last + 1));
      } catch (IllegalArgumentException ex) {
        throw new EnrollBodies.BadBody("evidence.pcrs value is not hex");
      }
      if (values.put(PcrId.parse(s.substring(0, last)), value) != null) {
        throw new EnrollBodies.BadBody("evidence.pcrs lists a PCR twice");
      }
    }
    return PcrValues.of(values);
  }
}
