package dev.writ.identity.tdx;

import dev.writ.identity.tsm.TsmClient;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Node side: asks the TDX module for a quote over 64 bytes of REPORTDATA through Linux configfs-tsm
 * (Documentation/ABI/testing/configfs-tsm): create an entry under {@code
 * /sys/kernel/config/tsm/report}, check its {@code provider} is {@code tdx_guest}, write {@code
 * inblob}, read {@code outblob}, confirm {@code generation} is 1 (no other writer raced us), remove
 * the entry. Where there is no such interface the failure is one clear {@link IOException} ("TDX
 * evidence unavailable: …"). The exchange itself is {@code dev.writ.identity.tsm.TsmClient}'s,
 * shared with the SEV-SNP collector. Thread-safe: each call uses its own entry.
 */
public final class TdxCollector {
  /** Where the kernel mounts configfs-tsm's report interface. */
  public static final Path SYSTEM_REPORT_ROOT = Path.of("/sys/kernel/config/tsm/report");

  /** The provider name of the Linux tdx-guest driver. */
  static final String TDX_GUEST = "tdx_guest";

  private static final TsmClient TSM =
      new TsmClient(TDX_GUEST, "TDX", "a TDX guest", TdxLimits.MAX_QUOTE_BYTES, false);

  private final Path reportRoot;
  private final RandomGenerator random;

  /**
   * @param reportRoot the configfs-tsm report directory ({@link #SYSTEM_REPORT_ROOT} on a guest)
   * @param random names the per-call entry
   */
  public TdxCollector(Path reportRoot, RandomGenerator random) {
    this.reportRoot = Objects.requireNonNull(reportRoot, "reportRoot");
    this.random = Objects.requireNonNull(random, "random");
  }

  /** A collector for this machine's configfs-tsm. */
  public static TdxCollector system() {
    return new TdxCollector(SYSTEM_REPORT_ROOT, new SecureRandom());
  }

  /**
   * Returns a TDX quote whose REPORTDATA is {@code reportData}.
   *
   * @throws IOException "TDX evidence unavailable: …" when this is not a TDX guest or the kernel
   *     refuses, or when the entry changed under us
   * @throws IllegalArgumentException if {@code reportData} is not 64 bytes
   */
  public byte[] collect(byte[] reportData) throws IOException {
    checkReportData(reportData);
    return TSM.collect(reportRoot, random, reportData).outblob();
  }

  /** The exchange inside one fresh entry (its attribute files made by configfs). */
  static byte[] exchange(Path entry, byte[] reportData) throws IOException {
    checkReportData(reportData);
    return TSM.exchange(entry, reportData).outblob();
  }

  private static void checkReportData(byte[] reportData) {
    if (reportData.length != TdReport.REPORT_DATA_BYTES) {
      throw new IllegalArgumentException("REPORTDATA is 64 bytes, got " + reportData.length);
    }
  }
}
