package dev.writ.identity.snp;

/**
 * An SEV-SNP TCB_VERSION: the security patch levels of the firmware components, as one 64-bit
 * little-endian value (SEV-SNP ABI specification, "TCB_VERSION Structure", Milan and Genoa layout):
 * byte 0 BOOT_LOADER, byte 1 TEE, bytes 2 to 5 reserved, byte 6 SNP, byte 7 MICROCODE.
 *
 * <p>Immutable and thread-safe.
 *
 * @param raw the 64-bit value as the report carries it
 */
public record SnpTcb(long raw) {
  private static final int BOOTLOADER_SHIFT = 0;
  private static final int TEE_SHIFT = 8;
  private static final int SNP_SHIFT = 48;
  private static final int MICROCODE_SHIFT = 56;

  /**
   * The TCB with these component levels and zero reserved bytes.
   *
   * @throws IllegalArgumentException if a level is outside 0 to 255
   */
  public static SnpTcb of(int bootloader, int tee, int snp, int microcode) {
    return new SnpTcb(
        component("bootloader", bootloader, BOOTLOADER_SHIFT)
            | component("tee", tee, TEE_SHIFT)
            | component("snp", snp, SNP_SHIFT)
            | component("microcode", microcode, MICROCODE_SHIFT));
  }

  /** The lowest TCB: every level zero (a minimum that admits any TCB). */
  public static SnpTcb zero() {
    return new SnpTcb(0);
  }

  /** Security patch level of the PSP boot loader. */
  public int bootloader() {
    return level(BOOTLOADER_SHIFT);
  }

  /** Security patch level of the PSP operating system (TEE). */
  public int tee() {
    return level(TEE_SHIFT);
  }

  /** Security patch level of the SNP firmware. */
  public int snp() {
    return level(SNP_SHIFT);
  }

  /** Lowest current patch level of all the cores' microcode. */
  public int microcode() {
    return level(MICROCODE_SHIFT);
  }

  private int level(int shift) {
    return (int) ((raw >>> shift) & 0xff);
  }

  private static long component(String name, int level, int shift) {
    if (level < 0 || level > 0xff) {
      throw new IllegalArgumentException(name + " level must be 0 to 255, got " + level);
    }
    return ((long) level) << shift;
  }

  @Override
  public String toString() {
    return "bootloader="
        + bootloader()
        + " tee="
        + tee()
        + " snp="
        + snp()
        + " microcode="
        + microcode();
  }
}
