package dev.writ.identity.snp;

/**
 * The guest policy a SEV-SNP guest was launched with (SEV-SNP ABI specification, "GUEST_POLICY
 * Structure"), as the report's 64-bit POLICY field carries it. Bits 7:0 ABI_MINOR, 15:8 ABI_MAJOR,
 * 16 SMT, 17 reserved (must be one), 18 MIGRATE_MA, 19 DEBUG, 20 SINGLE_SOCKET, 21 CXL_ALLOW, 22
 * MEM_AES_256_XTS, 23 RAPL_DIS, 24 CIPHERTEXT_HIDING, 25 PAGE_SWAP_DISABLE, 63:26 reserved (must be
 * zero; {@link SnpReport#parse} refuses a report that breaks either reserved rule).
 *
 * <p>Immutable and thread-safe.
 *
 * @param raw the 64-bit value as the report carries it
 */
public record SnpGuestPolicy(long raw) {
  static final int SMT_BIT = 16;
  static final int RESERVED_ONE_BIT = 17;
  static final int MIGRATE_MA_BIT = 18;
  static final int DEBUG_BIT = 19;
  static final int SINGLE_SOCKET_BIT = 20;
  static final int CXL_ALLOW_BIT = 21;
  static final int MEM_AES_256_XTS_BIT = 22;
  static final int RAPL_DIS_BIT = 23;
  static final int CIPHERTEXT_HIDING_BIT = 24;
  static final int PAGE_SWAP_DISABLE_BIT = 25;

  /** Bits 63:26, reserved and zero in every policy this parser knows. */
  static final long RESERVED_ZERO_MASK = -1L << 26;

  /** Minimum ABI minor version the guest requires of the firmware. */
  public int abiMinor() {
    return (int) (raw & 0xff);
  }

  /** Minimum ABI major version the guest requires of the firmware. */
  public int abiMajor() {
    return (int) ((raw >>> 8) & 0xff);
  }

  /** Simultaneous multithreading is allowed. */
  public boolean smtAllowed() {
    return bit(SMT_BIT);
  }

  /** A migration agent may be associated with the guest. */
  public boolean migrationAgentAllowed() {
    return bit(MIGRATE_MA_BIT);
  }

  /** Debugging is allowed: the host can decrypt and alter guest memory. */
  public boolean debugAllowed() {
    return bit(DEBUG_BIT);
  }

  /** The guest may run on one socket only. */
  public boolean singleSocket() {
    return bit(SINGLE_SOCKET_BIT);
  }

  /** CXL may be populated with devices or memory. */
  public boolean cxlAllowed() {
    return bit(CXL_ALLOW_BIT);
  }

  /** AES-256-XTS is required for memory encryption. */
  public boolean memAes256XtsRequired() {
    return bit(MEM_AES_256_XTS_BIT);
  }

  /** Running Average Power Limit must be disabled. */
  public boolean raplDisabled() {
    return bit(RAPL_DIS_BIT);
  }

  /** Ciphertext hiding for DRAM must be enabled. */
  public boolean ciphertextHidingRequired() {
    return bit(CIPHERTEXT_HIDING_BIT);
  }

  /** The guest may not use the page move and swap commands. */
  public boolean pageSwapDisabled() {
    return bit(PAGE_SWAP_DISABLE_BIT);
  }

  private boolean bit(int index) {
    return (raw & (1L << index)) != 0;
  }

  @Override
  public String toString() {
    return "0x" + Long.toHexString(raw);
  }
}
