package dev.writ.identity.tdx;

import dev.writ.identity.AttestationException;
import dev.writ.identity.AttestationFailure;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.util.Arrays;
import java.util.List;

/**
 * A parsed Intel TDX quote, version 4 or 5 (Intel TDX DCAP Quoting Library API, appendix A), with
 * ECDSA P-256 attestation key and QE report certification data. Parsing checks structure only:
 * every length is bounded by the bytes that remain, nested sizes must be exact, and the attestation
 * key must be a P-256 point; nothing is trusted yet. Bytes after the signature data are not part of
 * the quote (drivers hand out fixed-size buffers) and are ignored; no signature covers them.
 *
 * <p>Package-private and immutable: the arrays are the parser's own copies, never mutated.
 *
 * @param version 4 or 5
 * @param signedData the bytes the attestation key signs: header, for v5 the body descriptor, body
 * @param body the TD quote body
 * @param signature the quote signature, r || s
 * @param attestationKey the attestation public key as quoted, x || y
 * @param attestationPublicKey the same key, decoded
 * @param qeReport the quoting enclave's report
 * @param qeReportSignature the PCK key's signature over the QE report, r || s
 * @param qeAuthData the QE authentication data the QE report's REPORTDATA commits to
 * @param pckChain the PCK certificate chain, leaf first
 */
@SuppressWarnings("ArrayRecordComponent") // package-private, parser-owned copies, never mutated
record TdxQuote(
    int version,
    byte[] signedData,
    TdReport body,
    byte[] signature,
    byte[] attestationKey,
    ECPublicKey attestationPublicKey,
    QeReport qeReport,
    byte[] qeReportSignature,
    byte[] qeAuthData,
    List<X509Certificate> pckChain) {

  static final int ATTESTATION_KEY_TYPE_ECDSA_P256 = 2;
  static final long TEE_TYPE_TDX = 0x81;
  static final int BODY_TYPE_TDX10 = 2;
  static final int BODY_TYPE_TDX15 = 3;
  static final int CERT_DATA_PCK_CHAIN = 5;
  static final int CERT_DATA_QE_REPORT = 6;

  /**
   * Parses quote bytes.
   *
   * @throws AttestationException {@code ATTESTATION_OVERSIZE} above {@link
   *     TdxLimits#MAX_QUOTE_BYTES}, {@code ATTESTATION_MALFORMED} for anything that is not a TDX
   *     quote of a supported version, key type and certification data type
   */
  static TdxQuote parse(byte[] quote) throws AttestationException {
    if (quote.length > TdxLimits.MAX_QUOTE_BYTES) {
      throw new AttestationException(
          AttestationFailure.ATTESTATION_OVERSIZE,
          "TDX quote is " + quote.length + " bytes, limit " + TdxLimits.MAX_QUOTE_BYTES);
    }
    LeReader r = new LeReader(quote, 0, quote.length);
    int version = r.u16("header version");
    if (version != 4 && version != 5) {
      throw LeReader.malformed("TDX quote version " + version + " is not supported (4 or 5)");
    }
    int keyType = r.u16("header attestation key type");
    if (keyType != ATTESTATION_KEY_TYPE_ECDSA_P256) {
      throw LeReader.malformed("attestation key type " + keyType + " is not 2 (ECDSA P-256)");
    }
    long teeType = r.u32("header TEE type");
    if (teeType != TEE_TYPE_TDX) {
      throw LeReader.malformed("TEE type 0x" + Long.toHexString(teeType) + " is not 0x81 (TDX)");
    }
    r.bytes(TdxLimits.HEADER_BYTES - 8, "header QE/PCE SVN, QE vendor id and user data");
    TdReport body = version == 4 ? TdReport.read(r, false) : readV5Body(r);
    byte[] signedData = Arrays.copyOfRange(quote, 0, r.position());
    LeReader sig = r.sub(r.u32("signature data length"), "signature data");
    byte[] signature = sig.bytes(TdxLimits.SIGNATURE_BYTES, "quote signature");
    byte[] attestationKey = sig.bytes(TdxLimits.PUBLIC_KEY_BYTES, "attestation key");
    ECPublicKey attestationPublicKey = P256.publicKey(attestationKey, "attestation key");
    int certType = sig.u16("certification data type");
    if (certType != CERT_DATA_QE_REPORT) {
      throw LeReader.malformed("certification data type " + certType + " is not 6 (QE report)");
    }
    LeReader cert = sig.sub(sig.u32("certification data size"), "certification data");
    sig.end("signature data");
    QeReport qeReport = QeReport.read(cert);
    byte[] qeReportSignature = cert.bytes(TdxLimits.SIGNATURE_BYTES, "QE report signature");
    byte[] qeAuthData = cert.bytes(cert.u16("QE auth data size"), "QE auth data");
    int innerType = cert.u16("PCK certification data type");
    if (innerType != CERT_DATA_PCK_CHAIN) {
      throw LeReader.malformed(
          "QE certification data type " + innerType + " is not 5 (PCK certificate chain)");
    }
    LeReader pem = cert.sub(cert.u32("PCK certification data size"), "PCK certificate chain");
    cert.end("QE report certification data");
    List<X509Certificate> pckChain = PckChain.parse(pem.bytes(pem.remaining(), "PCK chain"));
    return new TdxQuote(
        version,
        signedData,
        body,
        signature,
        attestationKey,
        attestationPublicKey,
        qeReport,
        qeReportSignature,
        qeAuthData,
        pckChain);
  }

  /** v5: a body descriptor (type, size), then a TDX 1.0 or 1.5 body of exactly that size. */
  private static TdReport readV5Body(LeReader r) throws AttestationException {
    int type = r.u16("v5 body type");
    long size = r.u32("v5 body size");
    int expected =
        switch (type) {
          case BODY_TYPE_TDX10 -> TdxLimits.BODY_TDX10_BYTES;
          case BODY_TYPE_TDX15 -> TdxLimits.BODY_TDX15_BYTES;
          default ->
              throw LeReader.malformed("v5 body type " + type + " is not 2 or 3 (a TD report)");
        };
    if (size != expected) {
      throw LeReader.malformed(
          "v5 body type " + type + " has size " + size + ", expected " + expected);
    }
    LeReader body = r.sub(size, "v5 body");
    TdReport report = TdReport.read(body, type == BODY_TYPE_TDX15);
    body.end("v5 body");
    return report;
  }
}
