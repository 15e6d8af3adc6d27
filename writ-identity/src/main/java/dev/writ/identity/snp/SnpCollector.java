package dev.writ.identity.snp;

import dev.writ.identity.tsm.TsmClient;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Collects SEV-SNP evidence inside a guest through the Linux configfs-tsm interface
 * (Documentation/ABI/testing/configfs-tsm-report): make an entry under {@code <root>/report}, check
 * its {@code provider} is {@code sev_guest}, write the 64 bytes of report data to {@code inblob},
 * read {@code outblob} (the report) and {@code auxblob} (the host's certificate table), check that
 * {@code generation} is 1 (no other writer raced us), and remove the entry. The exchange itself is
 * {@code dev.writ.identity.tsm.TsmClient}'s, shared with the TDX collector.
 *
 * <p>The root is injected ({@link #system()} uses {@code /sys/kernel/config/tsm}). Thread-safe:
 * each call uses an entry of its own.
 */
public final class SnpCollector {
  /** Where the kernel mounts configfs-tsm. */
  public static final Path SYSTEM_ROOT = Path.of("/sys/kernel/config/tsm");

  /** The provider name of the Linux sev-guest driver. */
  static final String SEV_GUEST = "sev_guest";

  /**
   * Largest outblob or auxblob read: the Linux sev-guest driver's buffer for a firmware response or
   * certificate table (SEV_FW_BLOB_MAX_SIZE, 16 KiB).
   */
  static final int MAX_BLOB = 16 * 1024;

  private static final TsmClient TSM =
      new TsmClient(SEV_GUEST, "SEV-SNP", "an SEV-SNP guest", MAX_BLOB, true);

  private final Path root;
  private final RandomGenerator random;

  /**
   * A collector over a configfs-tsm root.
   *
   * @param root the configfs-tsm directory (the parent of {@code report})
   * @param random names the per-call entry
   */
  public SnpCollector(Path root, RandomGenerator random) {
    this.root = Objects.requireNonNull(root, "root");
    this.random = Objects.requireNonNull(random, "random");
  }

  /** A collector over {@link #SYSTEM_ROOT}. */
  public static SnpCollector system() {
    return new SnpCollector(SYSTEM_ROOT, new SecureRandom());
  }

  /**
   * Asks the SEV-SNP firmware for a report over {@code reportData}.
   *
   * @param reportData the 64 bytes the report is to carry as REPORT_DATA
   * @throws IOException if this is not an SEV-SNP guest, or the exchange fails
   * @throws IllegalArgumentException if {@code reportData} is not 64 bytes
   */
  public SnpEvidence collect(byte[] reportData) throws IOException {
    checkReportData(reportData);
    return evidence(TSM.collect(root.resolve("report"), random, reportData));
  }

  /** The exchange inside one fresh entry (its attribute files made by configfs). */
  static SnpEvidence exchange(Path entry, byte[] reportData) throws IOException {
    checkReportData(reportData);
    return evidence(TSM.exchange(entry, reportData));
  }

  private static SnpEvidence evidence(TsmClient.Blobs blobs) {
    return new SnpEvidence(blobs.outblob(), blobs.auxblob());
  }

  private static void checkReportData(byte[] reportData) {
    if (reportData.length != SnpReport.REPORT_DATA_SIZE) {
      throw new IllegalArgumentException(
          "report data is " + SnpReport.REPORT_DATA_SIZE + " bytes, got " + reportData.length);
    }
  }
}
