package dev.writ.identity.snp;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Collects SEV-SNP evidence inside a guest through the Linux configfs-tsm interface
 * (Documentation/ABI/testing/configfs-tsm-report): make an entry under {@code <root>/report}, check
 * its {@code provider} is {@code sev_guest}, write the 64 bytes of report data to {@code inblob},
 * read {@code outblob} (the report) and {@code auxblob} (the host's certificate table), check that
 * {@code generation} did not move (no other writer raced us), and remove the entry.
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

  /** Largest small attribute read ({@code provider}, {@code generation}). */
  private static final int MAX_ATTRIBUTE = 64;

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
    Path reports = root.resolve("report");
    if (!Files.isDirectory(reports)) {
      throw new IOException(
          "SEV-SNP evidence unavailable: " + reports + " not present (not an SEV-SNP guest)");
    }
    Path entry = reports.resolve("writ-" + HexFormat.of().toHexDigits(random.nextLong()));
    Files.createDirectory(entry);
    SnpEvidence evidence;
    try {
      evidence = exchange(entry, reportData);
    } catch (IOException | RuntimeException e) {
      try {
        Files.deleteIfExists(entry);
      } catch (IOException cleanup) {
        e.addSuppressed(cleanup);
      }
      throw e;
    }
    Files.delete(entry);
    return evidence;
  }

  /** The exchange inside one fresh entry (its attribute files made by configfs). */
  static SnpEvidence exchange(Path entry, byte[] reportData) throws IOException {
    checkReportData(reportData);
    String provider = attribute(entry.resolve("provider"));
    if (!provider.equals(SEV_GUEST)) {
      throw new IOException(
          "SEV-SNP evidence unavailable: the configfs-tsm provider is "
              + provider
              + ", not "
              + SEV_GUEST);
    }
    Files.write(entry.resolve("inblob"), reportData, StandardOpenOption.WRITE);
    String generation = attribute(entry.resolve("generation"));
    byte[] report = read(entry.resolve("outblob"), MAX_BLOB);
    byte[] certificates = read(entry.resolve("auxblob"), MAX_BLOB);
    String after = attribute(entry.resolve("generation"));
    if (!after.equals(generation)) {
      throw new IOException(
          "configfs-tsm entry " + entry + " was written by another process during the exchange");
    }
    return new SnpEvidence(report, certificates);
  }

  private static void checkReportData(byte[] reportData) {
    if (reportData.length != SnpReport.REPORT_DATA_SIZE) {
      throw new IllegalArgumentException(
          "report data is " + SnpReport.REPORT_DATA_SIZE + " bytes, got " + reportData.length);
    }
  }

  private static String attribute(Path file) throws IOException {
    return new String(read(file, MAX_ATTRIBUTE), StandardCharsets.US_ASCII).strip();
  }

  private static byte[] read(Path file, int limit) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      byte[] bytes = in.readNBytes(limit + 1);
      if (bytes.length > limit) {
        throw new IOException(file + " is larger than " + limit + " bytes");
      }
      return bytes;
    }
  }
}
