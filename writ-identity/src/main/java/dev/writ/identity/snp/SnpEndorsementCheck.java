package dev.writ.identity.snp;

import dev.writ.identity.AttestationException;
import dev.writ.identity.AttestationFailure;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1OctetString;

/**
 * The endorsement step: the signing key's certificate vouches for this report only. AMD's key
 * distribution service writes into a VCEK or VLEK certificate the TCB it was derived for
 * (extensions 1.3.6.1.4.1.3704.1.3.1 to .8, one DER INTEGER per TCB_VERSION byte), and into a VCEK
 * the chip id (hwID, 1.3.6.1.4.1.3704.1.4, 64 bytes) or into a VLEK the cloud provider (csp_id,
 * 1.3.6.1.4.1.3704.1.5). The certificate's kind must be the report's SIGNING_KEY, its TCB the
 * REPORTED_TCB byte for byte, and a VCEK's hwID the CHIP_ID. A certificate with the Turin-only
 * fmcSPL extension (1.3.6.1.4.1.3704.1.3.9) is refused: its TCB has another layout. Stateless and
 * thread-safe.
 */
final class SnpEndorsementCheck {
  private static final String AMD = "1.3.6.1.4.1.3704.1.";
  private static final String HW_ID = AMD + "4";
  private static final String CSP_ID = AMD + "5";

  /** fmcSPL: only in certificates for Turin, whose TCB_VERSION layout {@link SnpTcb} is not. */
  private static final String FMC_SPL = AMD + "3.9";

  /**
   * The TCB extensions by TCB_VERSION byte: bootloader, TEE, four reserved levels, SNP, microcode.
   * The reserved ones may be absent (then zero); the others are required.
   */
  private static final String[] TCB_OIDS = {
    AMD + "3.1",
    AMD + "3.2",
    AMD + "3.4",
    AMD + "3.5",
    AMD + "3.6",
    AMD + "3.7",
    AMD + "3.3",
    AMD + "3.8"
  };

  private static final boolean[] TCB_REQUIRED = {
    true, true, false, false, false, false, true, true
  };

  private SnpEndorsementCheck() {}

  static void verify(SnpReport report, X509Certificate signingKey) throws AttestationException {
    SnpSigningKey kind = certificateKind(signingKey);
    if (kind != report.signingKey()) {
      throw untrusted(
          "the report says a " + report.signingKey() + " signed it, the certificate is a " + kind);
    }
    SnpTcb certified = certifiedTcb(signingKey);
    if (certified.raw() != report.reportedTcb().raw()) {
      throw untrusted(
          "the signing key is certified for TCB "
              + certified
              + ", the report states "
              + report.reportedTcb());
    }
    if (kind == SnpSigningKey.VCEK) {
      byte[] hwId = hwId(signingKey);
      if (!MessageDigest.isEqual(hwId, report.chipId())) {
        throw untrusted(
            "the VCEK is for chip "
                + HexFormat.of().formatHex(hwId)
                + ", the report is from chip "
                + HexFormat.of().formatHex(report.chipId()));
      }
    }
  }

  private static SnpSigningKey certificateKind(X509Certificate cert) throws AttestationException {
    boolean hwId = cert.getExtensionValue(HW_ID) != null;
    boolean cspId = cert.getExtensionValue(CSP_ID) != null;
    if (hwId && !cspId) {
      return SnpSigningKey.VCEK;
    }
    if (cspId && !hwId) {
      return SnpSigningKey.VLEK;
    }
    throw untrusted("the signing key certificate is neither a VCEK (hwID) nor a VLEK (csp_id)");
  }

  private static SnpTcb certifiedTcb(X509Certificate cert) throws AttestationException {
    if (cert.getExtensionValue(FMC_SPL) != null) {
      throw untrusted(
          "the signing key certificate has fmcSPL ("
              + FMC_SPL
              + "): a Turin TCB layout, which this verifier does not read");
    }
    long raw = 0;
    for (int i = 0; i < TCB_OIDS.length; i++) {
      byte[] value = extension(cert, TCB_OIDS[i]);
      if (value == null) {
        if (TCB_REQUIRED[i]) {
          throw untrusted("the signing key certificate lacks TCB extension " + TCB_OIDS[i]);
        }
        continue;
      }
      raw |= ((long) level(TCB_OIDS[i], value)) << (8 * i);
    }
    return new SnpTcb(raw);
  }

  private static int level(String oid, byte[] der) throws AttestationException {
    BigInteger level;
    try {
      level = ASN1Integer.getInstance(der).getValue();
    } catch (IllegalArgumentException e) {
      throw untrusted("TCB extension " + oid + " is not a DER INTEGER", e);
    }
    if (level.signum() < 0 || level.bitLength() > 8) {
      throw untrusted("TCB extension " + oid + " is " + level + ", not 0 to 255", null);
    }
    return level.intValueExact();
  }

  /** The hwID: AMD writes the 64 raw bytes; a DER OCTET STRING around them is also accepted. */
  private static byte[] hwId(X509Certificate cert) throws AttestationException {
    byte[] value = extension(cert, HW_ID);
    if (value == null) {
      throw untrusted("the VCEK has no hwID extension");
    }
    if (value.length == SnpReport.CHIP_ID_SIZE) {
      return value;
    }
    try {
      byte[] inner = ASN1OctetString.getInstance(value).getOctets();
      if (inner.length == SnpReport.CHIP_ID_SIZE) {
        return inner;
      }
    } catch (IllegalArgumentException e) {
      throw untrusted("the VCEK's hwID extension is not " + SnpReport.CHIP_ID_SIZE + " bytes", e);
    }
    throw untrusted("the VCEK's hwID extension is not " + SnpReport.CHIP_ID_SIZE + " bytes");
  }

  /** The contents of the extension's extnValue OCTET STRING, or null if the extension is absent. */
  private static byte[] extension(X509Certificate cert, String oid) throws AttestationException {
    byte[] extnValue = cert.getExtensionValue(oid);
    if (extnValue == null) {
      return null;
    }
    try {
      return ASN1OctetString.getInstance(extnValue).getOctets();
    } catch (IllegalArgumentException e) {
      throw untrusted("extension " + oid + " is not a DER OCTET STRING", e);
    }
  }

  private static AttestationException untrusted(String detail) {
    return new AttestationException(AttestationFailure.ATTESTATION_UNTRUSTED, detail);
  }

  private static AttestationException untrusted(String detail, Throwable cause) {
    return cause == null
        ? untrusted(detail)
        : new AttestationException(AttestationFailure.ATTESTATION_UNTRUSTED, detail, cause);
  }
}
