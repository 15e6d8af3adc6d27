package dev.writ.identity.tdx;

import dev.writ.identity.AttestationException;
import java.util.List;

/**
 * The TD quote body: the TDREPORT fields the quoting enclave signs (Intel TDX DCAP Quoting Library
 * API, A.3.2 for TDX 1.0 and the v5 TDX 1.5 body). Package-private and never mutated after parsing:
 * the arrays are the parser's own copies.
 *
 * @param teeTcbSvn TEE_TCB_SVN, 16 bytes
 * @param mrSeam MRSEAM, 48 bytes: measurement of the TDX module
 * @param mrSignerSeam MRSIGNERSEAM, 48 bytes (zero for Intel's module)
 * @param seamAttributes SEAMATTRIBUTES, 8 bytes
 * @param tdAttributes TDATTRIBUTES, 8 bytes, little-endian; bit 0 is DEBUG
 * @param xfam XFAM, 8 bytes
 * @param mrTd MRTD, 48 bytes: measurement of the TD's initial contents
 * @param mrConfigId MRCONFIGID, 48 bytes
 * @param mrOwner MROWNER, 48 bytes
 * @param mrOwnerConfig MROWNERCONFIG, 48 bytes
 * @param rtmrs RTMR0 to RTMR3, 48 bytes each
 * @param reportData REPORTDATA, 64 bytes chosen by the TD (the enrollment nonce binding)
 * @param teeTcbSvn2 TEE_TCB_SVN_2, 16 bytes; empty in a TDX 1.0 body
 * @param mrServiceTd MRSERVICETD, 48 bytes; empty in a TDX 1.0 body
 */
@SuppressWarnings("ArrayRecordComponent") // package-private, parser-owned copies, never mutated
record TdReport(
    byte[] teeTcbSvn,
    byte[] mrSeam,
    byte[] mrSignerSeam,
    byte[] seamAttributes,
    byte[] tdAttributes,
    byte[] xfam,
    byte[] mrTd,
    byte[] mrConfigId,
    byte[] mrOwner,
    byte[] mrOwnerConfig,
    List<byte[]> rtmrs,
    byte[] reportData,
    byte[] teeTcbSvn2,
    byte[] mrServiceTd) {

  static final int MEASUREMENT_BYTES = 48;
  static final int REPORT_DATA_BYTES = 64;
  static final int RTMR_COUNT = 4;

  /** TDATTRIBUTES bit 0: the TD is debuggable, so its memory and state are not confidential. */
  boolean debug() {
    return (tdAttributes[0] & 1) != 0;
  }

  /** Reads a body of {@link TdxLimits#BODY_TDX10_BYTES}, or of the TDX 1.5 size if {@code v15}. */
  static TdReport read(LeReader r, boolean v15) throws AttestationException {
    byte[] teeTcbSvn = r.bytes(16, "TEE_TCB_SVN");
    byte[] mrSeam = r.bytes(MEASUREMENT_BYTES, "MRSEAM");
    byte[] mrSignerSeam = r.bytes(MEASUREMENT_BYTES, "MRSIGNERSEAM");
    byte[] seamAttributes = r.bytes(8, "SEAMATTRIBUTES");
    byte[] tdAttributes = r.bytes(8, "TDATTRIBUTES");
    byte[] xfam = r.bytes(8, "XFAM");
    byte[] mrTd = r.bytes(MEASUREMENT_BYTES, "MRTD");
    byte[] mrConfigId = r.bytes(MEASUREMENT_BYTES, "MRCONFIGID");
    byte[] mrOwner = r.bytes(MEASUREMENT_BYTES, "MROWNER");
    byte[] mrOwnerConfig = r.bytes(MEASUREMENT_BYTES, "MROWNERCONFIG");
    List<byte[]> rtmrs =
        List.of(
            r.bytes(MEASUREMENT_BYTES, "RTMR0"),
            r.bytes(MEASUREMENT_BYTES, "RTMR1"),
            r.bytes(MEASUREMENT_BYTES, "RTMR2"),
            r.bytes(MEASUREMENT_BYTES, "RTMR3"));
    byte[] reportData = r.bytes(REPORT_DATA_BYTES, "REPORTDATA");
    byte[] teeTcbSvn2 = v15 ? r.bytes(16, "TEE_TCB_SVN_2") : new byte[0];
    byte[] mrServiceTd = v15 ? r.bytes(MEASUREMENT_BYTES, "MRSERVICETD") : new byte[0];
    return new TdReport(
        teeTcbSvn,
        mrSeam,
        mrSignerSeam,
        seamAttributes,
        tdAttributes,
        xfam,
        mrTd,
        mrConfigId,
        mrOwner,
        mrOwnerConfig,
        rtmrs,
        reportData,
        teeTcbSvn2,
        mrServiceTd);
  }
}
