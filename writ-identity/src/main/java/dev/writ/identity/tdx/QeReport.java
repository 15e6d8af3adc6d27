package dev.writ.identity.tdx;

import dev.writ.identity.AttestationException;

/**
 * The quoting enclave's SGX report body (Intel TDX DCAP Quoting Library API, A.3.10; the SGX
 * REPORTBODY layout): the PCK key signs its 384 bytes, and its REPORTDATA commits to the
 * attestation key. Package-private; the arrays are the parser's own copies, never mutated.
 *
 * @param raw the 384 signed bytes
 * @param miscSelect MISCSELECT (offset 16, u32)
 * @param attributes ATTRIBUTES (offset 48, 16 bytes)
 * @param mrSigner MRSIGNER (offset 128, 32 bytes): hash of the key that signed the enclave
 * @param isvProdId ISVPRODID (offset 256, u16)
 * @param isvSvn ISVSVN (offset 258, u16)
 * @param reportData REPORTDATA (offset 320, 64 bytes)
 */
@SuppressWarnings("ArrayRecordComponent") // package-private, parser-owned copies, never mutated
record QeReport(
    byte[] raw,
    long miscSelect,
    byte[] attributes,
    byte[] mrSigner,
    int isvProdId,
    int isvSvn,
    byte[] reportData) {

  /** Reads the 384-byte report body. */
  static QeReport read(LeReader r) throws AttestationException {
    int start = r.position();
    byte[] raw = r.bytes(TdxLimits.QE_REPORT_BYTES, "QE report");
    LeReader f = new LeReader(raw, 0, raw.length);
    f.bytes(16, "QE report CPUSVN");
    long miscSelect = f.u32("QE report MISCSELECT");
    f.bytes(28, "QE report reserved 1");
    byte[] attributes = f.bytes(16, "QE report ATTRIBUTES");
    f.bytes(32, "QE report MRENCLAVE");
    f.bytes(32, "QE report reserved 2");
    byte[] mrSigner = f.bytes(32, "QE report MRSIGNER");
    f.bytes(96, "QE report reserved 3");
    int isvProdId = f.u16("QE report ISVPRODID");
    int isvSvn = f.u16("QE report ISVSVN");
    f.bytes(60, "QE report reserved 4");
    byte[] reportData = f.bytes(64, "QE report REPORTDATA");
    f.end("QE report at offset " + start);
    return new QeReport(raw, miscSelect, attributes, mrSigner, isvProdId, isvSvn, reportData);
  }
}
