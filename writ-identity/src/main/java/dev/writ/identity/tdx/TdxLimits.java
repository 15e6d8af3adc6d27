package dev.writ.identity.tdx;

import dev.writ.identity.ChainVerifier;

/**
 * Sizes of the TDX quote format and the limits a quote is checked against before any work. Offsets
 * and sizes are from Intel's "Intel TDX DCAP Quoting Library API", appendix A (quote format v4 and
 * v5); docs/spec/attestation-tdx.md lists them.
 */
final class TdxLimits {
  private TdxLimits() {}

  /**
   * The largest quote accepted. The Linux tdx-guest driver hands configfs-tsm the quote in an 8 KiB
   * buffer ({@code GET_QUOTE_BUF_SIZE} in drivers/virt/coco/tdx-guest), so no quote a TDX guest can
   * produce is larger; the samples are about 5 KiB.
   */
  static final int MAX_QUOTE_BYTES = 8 * 1024;

  /** Quote header (A.3.1): version, key type, TEE type, QE/PCE SVN, QE vendor id, user data. */
  static final int HEADER_BYTES = 48;

  /** TD quote body of TDX 1.0 (A.3.2, the TDREPORT's measurements, REPORTDATA last). */
  static final int BODY_TDX10_BYTES = 584;

  /** TD quote body of TDX 1.5 (v5 body type 3): the 1.0 body, TEE_TCB_SVN_2 and MRSERVICETD. */
  static final int BODY_TDX15_BYTES = 648;

  /** v5 body descriptor: body type (u16) and body size (u32). */
  static final int BODY_DESCRIPTOR_BYTES = 6;

  /** ECDSA P-256 signature, raw r || s. */
  static final int SIGNATURE_BYTES = 64;

  /** ECDSA P-256 public key, raw x || y. */
  static final int PUBLIC_KEY_BYTES = 64;

  /** SGX enclave report body of the quoting enclave (A.3.10). */
  static final int QE_REPORT_BYTES = 384;

  /** Certification data header: type (u16) and size (u32). */
  static final int CERT_DATA_HEADER_BYTES = 6;

  /** Certificates in the PCK chain: the same bound the chain walker has. */
  static final int MAX_PCK_CERTS = ChainVerifier.MAX_CHAIN;
}
