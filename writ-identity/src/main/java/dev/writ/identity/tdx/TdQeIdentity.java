package dev.writ.identity.tdx;

import dev.writ.identity.AttestationException;
import dev.writ.identity.AttestationFailure;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * The identity of Intel's TD quoting enclave, from Intel PCS's QE identity for {@code TD_QE}
 * (vectors: attestation/tdx/testing/testdata/sample_qeIdentity_response): MRSIGNER, ISVPRODID 2,
 * MISCSELECT and ATTRIBUTES under their masks. Without this check any enclave the platform's PCE
 * certifies (any enclave with the provisioning attribute, on a host its owner controls) could sign
 * TD quotes. The ISVSVN is not compared against the QE identity's TCB levels (TCB evaluation is not
 * done; docs/spec/attestation-tdx.md). Stateless and thread-safe.
 */
final class TdQeIdentity {
  private static final HexFormat HEX = HexFormat.of();
  static final byte[] MRSIGNER =
      HEX.parseHex("dc9e2a7c6f948f17474e34a7fc43ed030f7c1563f1babddf6340c82e0e54a8c5");
  static final int ISVPRODID = 2;
  static final long MISCSELECT = 0x00000000L;
  static final long MISCSELECT_MASK = 0xffffffffL;
  static final byte[] ATTRIBUTES = HEX.parseHex("11000000000000000000000000000000");
  static final byte[] ATTRIBUTES_MASK = HEX.parseHex("fbffffffffffffff0000000000000000");

  private TdQeIdentity() {}

  /**
   * @throws AttestationException {@code ATTESTATION_UNTRUSTED} if the QE report is not from Intel's
   *     TD quoting enclave
   */
  static void check(QeReport qe) throws AttestationException {
    if (!MessageDigest.isEqual(qe.mrSigner(), MRSIGNER)) {
      throw untrusted("QE report MRSIGNER " + HEX.formatHex(qe.mrSigner()) + " is not Intel's");
    }
    if (qe.isvProdId() != ISVPRODID) {
      throw untrusted("QE report ISVPRODID " + qe.isvProdId() + " is not 2 (TD_QE)");
    }
    if ((qe.miscSelect() & MISCSELECT_MASK) != MISCSELECT) {
      throw untrusted("QE report MISCSELECT does not match the TD_QE identity");
    }
    byte[] attributes = qe.attributes();
    for (int i = 0; i < ATTRIBUTES.length; i++) {
      if ((attributes[i] & ATTRIBUTES_MASK[i]) != ATTRIBUTES[i]) {
        throw untrusted("QE report ATTRIBUTES do not match the TD_QE identity");
      }
    }
  }

  private static AttestationException untrusted(String detail) {
    return new AttestationException(AttestationFailure.ATTESTATION_UNTRUSTED, detail);
  }
}
