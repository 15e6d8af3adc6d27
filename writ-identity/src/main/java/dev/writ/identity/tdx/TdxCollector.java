package dev.writ.identity.tdx;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Node side: asks the TDX module for a quote over 64 bytes of REPORTDATA through Linux configfs-tsm
 * (Documentation/ABI/testing/configfs-tsm): create an entry under {@code
 * /sys/kernel/config/tsm/report}, check its {@code provider} is {@code tdx_guest}, write {@code
 * inblob}, read {@code outblob}, confirm {@code generation} is 1 (no other writer raced us), remove
 * the entry. Where there is no such interface the failure is one clear {@link IOException} ("TDX
 * evidence unavailable: …"). Thread-safe: each call uses its own entry.
 */
public final class TdxCollector {
  /** Where the kernel mounts configfs-tsm's report interface. */
  public static final Path SYSTEM_REPORT_ROOT = Path.of("/sys/kernel/config/tsm/report");

  private static final String PROVIDER = "tdx_guest";

  /** provider and generation are short text attributes. */
  private static final int MAX_ATTRIBUTE_BYTES = 64;

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
    if (reportData.length != TdReport.REPORT_DATA_BYTES) {
      throw new IllegalArgumentException("REPORTDATA is 64 bytes, got " + reportData.length);
    }
    if (!Files.isDirectory(reportRoot)) {
      throw unavailable(reportRoot + " does not exist (not a TDX guest, or configfs not mounted)");
    }
    byte[] name = new byte[8];
    random.nextBytes(name);
    Path entry = reportRoot.resolve("writ-" + HexFormat.of().formatHex(name));
    try {
      Files.createDirectory(entry);
    } catch (IOException e) {
      throw new IOException("TDX evidence unavailable: cannot create " + entry + ": " + e, e);
    }
    byte[] quote;
    try {
      quote = generate(entry, reportData);
    } catch (IOException | RuntimeException e) {
      try {
        Files.deleteIfExists(entry);
      } catch (IOException cleanup) {
        e.addSuppressed(cleanup);
      }
      throw e;
    }
    try {
      Files.deleteIfExists(entry);
    } catch (IOException e) {
      throw new IOException("cannot remove configfs-tsm entry " + entry + ": " + e, e);
    }
    return quote;
  }

  private static byte[] generate(Path entry, byte[] reportData) throws IOException {
    String provider = attribute(entry, "provider");
    if (!PROVIDER.equals(provider)) {
      throw unavailable("configfs-tsm provider is '" + provider + "' (not a TDX guest)");
    }
    byte[] quote;
    try {
      // WRITE only: configfs attributes exist already and are not truncated; the kernel takes the
      // blob when the file is closed.
      try (OutputStream out =
          Files.newOutputStream(entry.resolve("inblob"), StandardOpenOption.WRITE)) {
        out.write(reportData);
      }
      try (InputStream in = Files.newInputStream(entry.resolve("outblob"))) {
        quote = in.readNBytes(TdxLimits.MAX_QUOTE_BYTES + 1);
      }
    } catch (IOException e) {
      throw new IOException("TDX evidence unavailable: the kernel refused the quote: " + e, e);
    }
    if (quote.length == 0 || quote.length > TdxLimits.MAX_QUOTE_BYTES) {
      throw unavailable("the kernel returned a quote of " + quote.length + " bytes");
    }
    String generation = attribute(entry, "generation");
    if (!"1".equals(generation)) {
      throw unavailable(entry + " was written by someone else (generation " + generation + ")");
    }
    return quote;
  }

  private static String attribute(Path entry, String name) throws IOException {
    Path file = entry.resolve(name);
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file)) {
      bytes = in.readNBytes(MAX_ATTRIBUTE_BYTES);
    } catch (NoSuchFileException e) {
      throw new IOException(
          "TDX evidence unavailable: " + file + " does not exist (not a TDX guest)", e);
    }
    return new String(bytes, StandardCharsets.US_ASCII).strip();
  }

  private static IOException unavailable(String detail) {
    return new IOException("TDX evidence unavailable: " + detail);
  }
}
