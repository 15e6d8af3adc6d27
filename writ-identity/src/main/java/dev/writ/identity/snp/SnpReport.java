package dev.writ.identity.snp;

import dev.writ.identity.AttestationException;
import dev.writ.identity.AttestationFailure;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;

/**
 * An AMD SEV-SNP ATTESTATION_REPORT, parsed from its raw 0x4A0 bytes (AMD "SEV Secure Nested Paging
 * Firmware ABI Specification" 56860, table "ATTESTATION_REPORT Structure"; report versions 2 to 5,
 * all little-endian). Parsing checks form only: exact size, a known version, ECDSA P-384 with
 * SHA-384 as the signature algorithm, and the reserved fields; the signature and everything it
 * vouches for are checked by {@link SnpReportVerifier}. Field offsets are in
 * docs/spec/attestation-sev-snp.md.
 *
 * <p>Immutable and thread-safe; every byte array returned is a fresh copy.
 */
public final class SnpReport {
  /** Size of every report version this parser knows (ABI specification, 0x4A0 bytes). */
  public static final int SIZE = 0x4A0;

  /** Lowest report version accepted. */
  public static final int MIN_VERSION = 2;

  /** Report version 5 is the newest in ABI specification revision 1.58. */
  public static final int MAX_VERSION = 5;

  /** SIGNATURE_ALGO 1: ECDSA P-384 with SHA-384, the only algorithm the ABI defines. */
  public static final int ECDSA_P384_SHA384 = 1;

  /** The family of Milan and Genoa (Zen 3, Zen 4), whose TCB_VERSION layout {@link SnpTcb} has. */
  public static final int FAMILY_19H = 0x19;

  // Offsets (ABI specification, table "ATTESTATION_REPORT Structure").
  static final int VERSION = 0x00;
  static final int GUEST_SVN = 0x04;
  static final int POLICY = 0x08;
  static final int FAMILY_ID = 0x10;
  static final int IMAGE_ID = 0x20;
  static final int VMPL = 0x30;
  static final int SIGNATURE_ALGO = 0x34;
  static final int CURRENT_TCB = 0x38;
  static final int PLATFORM_INFO = 0x40;
  static final int SIGNER_INFO = 0x48;
  static final int REPORT_DATA = 0x50;
  static final int MEASUREMENT = 0x90;
  static final int HOST_DATA = 0xC0;
  static final int ID_KEY_DIGEST = 0xE0;
  static final int AUTHOR_KEY_DIGEST = 0x110;
  static final int REPORT_ID = 0x140;
  static final int REPORT_ID_MA = 0x160;
  static final int REPORTED_TCB = 0x180;
  static final int CPUID_FAM_ID = 0x188;
  static final int CPUID_MOD_ID = 0x189;
  static final int CPUID_STEP = 0x18A;
  static final int CHIP_ID = 0x1A0;
  static final int COMMITTED_TCB = 0x1E0;
  static final int CURRENT_VERSION = 0x1E8;
  static final int COMMITTED_VERSION = 0x1EC;
  static final int LAUNCH_TCB = 0x1F0;
  static final int LAUNCH_MIT_VECTOR = 0x1F8;
  static final int CURRENT_MIT_VECTOR = 0x200;
  static final int SIGNATURE = 0x2A0;

  /** The signature covers bytes 0x000 to 0x29F. */
  static final int SIGNED_LENGTH = SIGNATURE;

  /** R and S are each a 72-byte little-endian field (ABI, "ECDSA Signature Format"). */
  static final int SIGNATURE_COMPONENT = 72;

  static final int REPORT_DATA_SIZE = 64;
  static final int MEASUREMENT_SIZE = 48;
  static final int CHIP_ID_SIZE = 64;

  private final byte[] bytes;

  private SnpReport(byte[] bytes) {
    this.bytes = bytes;
  }

  /**
   * Parses a raw report.
   *
   * @throws AttestationException {@code ATTESTATION_OVERSIZE} for more than {@link #SIZE} bytes,
   *     {@code ATTESTATION_MALFORMED} for fewer, an unknown version or signature algorithm, a
   *     reserved value or a product family whose TCB layout is not known
   */
  public static SnpReport parse(byte[] bytes) throws AttestationException {
    if (bytes.length > SIZE) {
      throw new AttestationException(
          AttestationFailure.ATTESTATION_OVERSIZE,
          "an SEV-SNP report is " + SIZE + " bytes, got " + bytes.length);
    }
    if (bytes.length < SIZE) {
      throw malformed("an SEV-SNP report is " + SIZE + " bytes, got " + bytes.length);
    }
    SnpReport report = new SnpReport(bytes.clone());
    report.checkForm();
    return report;
  }

  private void checkForm() throws AttestationException {
    int version = version();
    if (version < MIN_VERSION || version > MAX_VERSION) {
      throw malformed(
          "report version " + version + " is not " + MIN_VERSION + " to " + MAX_VERSION);
    }
    if (signatureAlgorithm() != ECDSA_P384_SHA384) {
      throw malformed("signature algorithm " + signatureAlgorithm() + " is not 1 (ECDSA P-384)");
    }
    long policy = u64(POLICY);
    if ((policy & (1L << SnpGuestPolicy.RESERVED_ONE_BIT)) == 0
        || (policy & SnpGuestPolicy.RESERVED_ZERO_MASK) != 0) {
      throw malformed("guest policy 0x" + Long.toHexString(policy) + " breaks its reserved bits");
    }
    int signerInfo = u32(SIGNER_INFO);
    int signingKey = (signerInfo >>> 2) & 0x7;
    if ((signerInfo >>> 5) != 0 || (signingKey >= 2 && signingKey <= 6)) {
      throw malformed("signer info 0x" + Integer.toHexString(signerInfo) + " has reserved bits");
    }
    mustBeZero(SIGNER_INFO + 4, REPORT_DATA);
    if (version >= 3) {
      int family = bytes[CPUID_FAM_ID] & 0xff;
      if (family != FAMILY_19H) {
        throw malformed(
            "CPUID family 0x"
                + Integer.toHexString(family)
                + ": only family 0x19 (Milan, Genoa) TCB layout is known");
      }
      mustBeZero(CPUID_STEP + 1, CHIP_ID);
    } else {
      mustBeZero(CPUID_FAM_ID, CHIP_ID);
    }
    mustBeZero(CURRENT_VERSION + 3, CURRENT_VERSION + 4);
    mustBeZero(COMMITTED_VERSION + 3, COMMITTED_VERSION + 4);
    mustBeZero(CURRENT_MIT_VECTOR + 8, SIGNATURE);
    mustBeZero(SIGNATURE + 2 * SIGNATURE_COMPONENT, SIZE);
  }

  private void mustBeZero(int from, int to) throws AttestationException {
    for (int i = from; i < to; i++) {
      if (bytes[i] != 0) {
        throw malformed("reserved byte at offset 0x" + Integer.toHexString(i) + " is not zero");
      }
    }
  }

  private static AttestationException malformed(String detail) {
    return new AttestationException(AttestationFailure.ATTESTATION_MALFORMED, detail);
  }

  /** VERSION: 2 to 5. */
  public int version() {
    return u32(VERSION);
  }

  /** GUEST_SVN: the guest's security version number (unsigned 32 bits). */
  public long guestSvn() {
    return Integer.toUnsignedLong(u32(GUEST_SVN));
  }

  /** POLICY: the guest policy the guest was launched with. */
  public SnpGuestPolicy guestPolicy() {
    return new SnpGuestPolicy(u64(POLICY));
  }

  /** FAMILY_ID (16 bytes), from the guest's ID block. */
  public byte[] familyId() {
    return slice(FAMILY_ID, 16);
  }

  /** IMAGE_ID (16 bytes), from the guest's ID block. */
  public byte[] imageId() {
    return slice(IMAGE_ID, 16);
  }

  /** VMPL: the privilege level that requested the report (unsigned 32 bits). */
  public long vmpl() {
    return Integer.toUnsignedLong(u32(VMPL));
  }

  /** SIGNATURE_ALGO: always {@link #ECDSA_P384_SHA384} in a parsed report. */
  public int signatureAlgorithm() {
    return u32(SIGNATURE_ALGO);
  }

  /** CURRENT_TCB: the platform's current TCB. */
  public SnpTcb currentTcb() {
    return new SnpTcb(u64(CURRENT_TCB));
  }

  /** PLATFORM_INFO: platform state bits (bit 0 SMT enabled, 1 TSME enabled, ...), uninterpreted. */
  public long platformInfo() {
    return u64(PLATFORM_INFO);
  }

  /** AUTHOR_KEY_EN: the ID block was signed by an author key, whose digest the report carries. */
  public boolean authorKeyEnabled() {
    return (u32(SIGNER_INFO) & 0x1) != 0;
  }

  /** MASK_CHIP_KEY: the host masked the chip key, so the report is not signed. */
  public boolean chipKeyMasked() {
    return (u32(SIGNER_INFO) & 0x2) != 0;
  }

  /** SIGNING_KEY: which key the firmware says signed the report. */
  public SnpSigningKey signingKey() {
    return SnpSigningKey.fromField((u32(SIGNER_INFO) >>> 2) & 0x7);
  }

  /** REPORT_DATA (64 bytes): the guest's data, here the enrollment nonce binding. */
  public byte[] reportData() {
    return slice(REPORT_DATA, REPORT_DATA_SIZE);
  }

  /** MEASUREMENT (48 bytes): the launch digest of the guest. */
  public byte[] measurement() {
    return slice(MEASUREMENT, MEASUREMENT_SIZE);
  }

  /** HOST_DATA (32 bytes): data the host supplied at launch. */
  public byte[] hostData() {
    return slice(HOST_DATA, 32);
  }

  /** ID_KEY_DIGEST (48 bytes): SHA-384 of the key that signed the ID block, or zeros. */
  public byte[] idKeyDigest() {
    return slice(ID_KEY_DIGEST, 48);
  }

  /** AUTHOR_KEY_DIGEST (48 bytes): SHA-384 of the author key, or zeros. */
  public byte[] authorKeyDigest() {
    return slice(AUTHOR_KEY_DIGEST, 48);
  }

  /** REPORT_ID (32 bytes): the guest's report id. */
  public byte[] reportId() {
    return slice(REPORT_ID, 32);
  }

  /** REPORT_ID_MA (32 bytes): the migration agent's report id, all ones if none. */
  public byte[] reportIdMa() {
    return slice(REPORT_ID_MA, 32);
  }

  /** REPORTED_TCB: the TCB the VCEK (or VLEK) that signs the report was derived for. */
  public SnpTcb reportedTcb() {
    return new SnpTcb(u64(REPORTED_TCB));
  }

  /** CPUID family, model and stepping (versions 3 and later); empty in a version 2 report. */
  public Optional<Cpuid> cpuid() {
    if (version() < 3) {
      return Optional.empty();
    }
    return Optional.of(
        new Cpuid(
            bytes[CPUID_FAM_ID] & 0xff, bytes[CPUID_MOD_ID] & 0xff, bytes[CPUID_STEP] & 0xff));
  }

  /** CHIP_ID (64 bytes): the chip's unique id, zeros if the host masked it. */
  public byte[] chipId() {
    return slice(CHIP_ID, CHIP_ID_SIZE);
  }

  /** COMMITTED_TCB: the TCB the platform committed to (anti-rollback floor). */
  public SnpTcb committedTcb() {
    return new SnpTcb(u64(COMMITTED_TCB));
  }

  /** CURRENT_MAJOR, CURRENT_MINOR, CURRENT_BUILD: the running firmware's version. */
  public FirmwareVersion currentFirmware() {
    return firmware(CURRENT_VERSION);
  }

  /** COMMITTED_MAJOR, COMMITTED_MINOR, COMMITTED_BUILD: the committed firmware's version. */
  public FirmwareVersion committedFirmware() {
    return firmware(COMMITTED_VERSION);
  }

  /** LAUNCH_TCB: the current TCB when the guest was launched or imported. */
  public SnpTcb launchTcb() {
    return new SnpTcb(u64(LAUNCH_TCB));
  }

  /** LAUNCH_MIT_VECTOR (version 5), zero in older versions. */
  public long launchMitigationVector() {
    return u64(LAUNCH_MIT_VECTOR);
  }

  /** CURRENT_MIT_VECTOR (version 5), zero in older versions. */
  public long currentMitigationVector() {
    return u64(CURRENT_MIT_VECTOR);
  }

  /** The raw report, 0x4A0 bytes. */
  public byte[] toByteArray() {
    return bytes.clone();
  }

  /** Bytes 0x000 to 0x29F, which the signature covers. */
  byte[] signedBytes() {
    return Arrays.copyOf(bytes, SIGNED_LENGTH);
  }

  /** R of the signature, 72 bytes little-endian. */
  byte[] signatureR() {
    return slice(SIGNATURE, SIGNATURE_COMPONENT);
  }

  /** S of the signature, 72 bytes little-endian. */
  byte[] signatureS() {
    return slice(SIGNATURE + SIGNATURE_COMPONENT, SIGNATURE_COMPONENT);
  }

  private FirmwareVersion firmware(int offset) {
    return new FirmwareVersion(
        bytes[offset + 2] & 0xff, bytes[offset + 1] & 0xff, bytes[offset] & 0xff);
  }

  private byte[] slice(int offset, int length) {
    return Arrays.copyOfRange(bytes, offset, offset + length);
  }

  private int u32(int offset) {
    return ByteBuffer.wrap(bytes, offset, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
  }

  private long u64(int offset) {
    return ByteBuffer.wrap(bytes, offset, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
  }

  @Override
  public String toString() {
    return "SnpReport[version="
        + version()
        + " policy="
        + guestPolicy()
        + " measurement="
        + HexFormat.of().formatHex(bytes, MEASUREMENT, MEASUREMENT + MEASUREMENT_SIZE)
        + " reportedTcb="
        + reportedTcb()
        + "]";
  }

  /**
   * The CPU's family, model and stepping as a version 3 or later report states them.
   *
   * @param family the combined family (0x19 for Milan and Genoa)
   * @param model the combined model
   * @param stepping the stepping
   */
  public record Cpuid(int family, int model, int stepping) {}

  /**
   * A firmware version.
   *
   * @param major the major version
   * @param minor the minor version
   * @param build the build number
   */
  public record FirmwareVersion(int major, int minor, int build) {}
}
