package dev.writ.identity.tdx;

import dev.writ.identity.Authority;
import java.util.HexFormat;
import java.util.List;

/**
 * A TDX quote that passed every check of {@link TdxQuoteVerifier}. Only the verifier constructs
 * one, so code that takes a {@code VerifiedTdxQuote} cannot be reached with an unverified quote.
 *
 * <p>What it guarantees: at verification time the PCK chain reached {@link #authority()}, Intel's
 * TD quoting enclave certified the attestation key, that key signed the header and TD quote body,
 * REPORTDATA equalled the expected bytes, and the policy's debug and MRTD rules held. What it does
 * not: the platform's TCB level (TCB Info is not evaluated), or anything about the TD after the
 * quote was made. Measurements are lowercase hex. Immutable and thread-safe.
 */
public final class VerifiedTdxQuote {
  private static final HexFormat HEX = HexFormat.of();

  private final Authority authority;
  private final int quoteVersion;
  private final boolean debug;
  private final String teeTcbSvn;
  private final String mrSeam;
  private final String mrSignerSeam;
  private final String tdAttributes;
  private final String xfam;
  private final String mrTd;
  private final String mrConfigId;
  private final String mrOwner;
  private final String mrOwnerConfig;
  private final List<String> rtmrs;

  VerifiedTdxQuote(Authority authority, int quoteVersion, TdReport body) {
    this.authority = authority;
    this.quoteVersion = quoteVersion;
    this.debug = body.debug();
    this.teeTcbSvn = HEX.formatHex(body.teeTcbSvn());
    this.mrSeam = HEX.formatHex(body.mrSeam());
    this.mrSignerSeam = HEX.formatHex(body.mrSignerSeam());
    this.tdAttributes = HEX.formatHex(body.tdAttributes());
    this.xfam = HEX.formatHex(body.xfam());
    this.mrTd = HEX.formatHex(body.mrTd());
    this.mrConfigId = HEX.formatHex(body.mrConfigId());
    this.mrOwner = HEX.formatHex(body.mrOwner());
    this.mrOwnerConfig = HEX.formatHex(body.mrOwnerConfig());
    this.rtmrs = body.rtmrs().stream().map(HEX::formatHex).toList();
  }

  /** The listed authority the PCK chain reached. */
  public Authority authority() {
    return authority;
  }

  /** The quote format version: 4 or 5. */
  public int quoteVersion() {
    return quoteVersion;
  }

  /** Whether the TD is a debug TD (only possible if the policy allowed debug). */
  public boolean debug() {
    return debug;
  }

  /** TEE_TCB_SVN, 16 bytes. */
  public String teeTcbSvn() {
    return teeTcbSvn;
  }

  /** MRSEAM, the TDX module's measurement, 48 bytes. */
  public String mrSeam() {
    return mrSeam;
  }

  /** MRSIGNERSEAM, 48 bytes. */
  public String mrSignerSeam() {
    return mrSignerSeam;
  }

  /** TDATTRIBUTES as quoted (8 bytes, little-endian; bit 0 is DEBUG). */
  public String tdAttributes() {
    return tdAttributes;
  }

  /** XFAM, 8 bytes. */
  public String xfam() {
    return xfam;
  }

  /** MRTD, the TD's initial measurement, 48 bytes. */
  public String mrTd() {
    return mrTd;
  }

  /** MRCONFIGID, 48 bytes. */
  public String mrConfigId() {
    return mrConfigId;
  }

  /** MROWNER, 48 bytes. */
  public String mrOwner() {
    return mrOwner;
  }

  /** MROWNERCONFIG, 48 bytes. */
  public String mrOwnerConfig() {
    return mrOwnerConfig;
  }

  /** RTMR0 to RTMR3, 48 bytes each. */
  public List<String> rtmrs() {
    return rtmrs;
  }

  @Override
  public String toString() {
    return "VerifiedTdxQuote[v"
        + quoteVersion
        + ", mrTd="
        + mrTd
        + ", authority="
        + authority
        + "]";
  }
}
