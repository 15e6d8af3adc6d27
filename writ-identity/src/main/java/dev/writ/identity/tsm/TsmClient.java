package dev.writ.identity.tsm;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HexFormat;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * The one client of Linux configfs-tsm's report interface
 * (Documentation/ABI/testing/configfs-tsm-report) that the SEV-SNP and TDX collectors share, set up
 * for one provider: make a fresh entry under the report directory, check its {@code provider},
 * write the in-blob to {@code inblob}, read {@code outblob} (and {@code auxblob} where the provider
 * hands one out), check {@code generation} is 1 (the fresh entry's 0 plus our one write, so no
 * other writer used the entry), and remove the entry, also on failure. Every way the evidence
 * cannot be had is one {@link IOException} whose message starts "{@code <label>} evidence
 * unavailable: ".
 *
 * <p>Not exported from the module: only writ-identity's collectors use it. Immutable and
 * thread-safe: each call uses an entry of its own.
 */
public final class TsmClient {
  /**
   * The largest {@code inblob} configfs-tsm takes: TSM_REPORT_INBLOB_MAX in include/linux/tsm.h.
   */
  public static final int MAX_INBLOB = 64;

  /** Largest small attribute read ({@code provider}, {@code generation}). */
  private static final int MAX_ATTRIBUTE = 64;

  /** A fresh entry starts at generation 0 and each write of {@code inblob} adds one. */
  private static final String EXPECTED_GENERATION = "1";

  private final String provider;
  private final String label;
  private final String guest;
  private final int maxBlob;
  private final boolean readsAuxblob;

  /**
   * A client for one configfs-tsm provider.
   *
   * @param provider what the entry's {@code provider} attribute must read, e.g. {@code sev_guest}
   * @param label the evidence's name in messages, e.g. {@code SEV-SNP}
   * @param guest how messages name a machine of that kind, with its article, e.g. {@code an SEV-SNP
   *     guest}
   * @param maxBlob the largest {@code outblob} (and {@code auxblob}) read, from the provider's
   *     driver
   * @param readsAuxblob whether {@code auxblob} is read too
   */
  public TsmClient(String provider, String label, String guest, int maxBlob, boolean readsAuxblob) {
    this.provider = Objects.requireNonNull(provider, "provider");
    this.label = Objects.requireNonNull(label, "label");
    this.guest = Objects.requireNonNull(guest, "guest");
    if (maxBlob < 1) {
      throw new IllegalArgumentException("maxBlob must be positive, got " + maxBlob);
    }
    this.maxBlob = maxBlob;
    this.readsAuxblob = readsAuxblob;
  }

  /**
   * What one exchange read.
   *
   * @param outblob the raw {@code outblob}, never empty
   * @param auxblob the raw {@code auxblob}, possibly empty; empty if the client does not read it
   */
  @SuppressWarnings("ArrayRecordComponent") // cloned in and out
  public record Blobs(byte[] outblob, byte[] auxblob) {
    /** Copies both arrays. */
    public Blobs {
      outblob = outblob.clone();
      auxblob = auxblob.clone();
    }

    @Override
    public byte[] outblob() {
      return outblob.clone();
    }

    @Override
    public byte[] auxblob() {
      return auxblob.clone();
    }
  }

  /**
   * Runs one exchange in a fresh entry {@code writ-<16 random hex>} under {@code reportRoot}, and
   * removes the entry.
   *
   * @param reportRoot configfs-tsm's report directory ({@code /sys/kernel/config/tsm/report})
   * @param random names the entry
   * @param inblob the data the evidence is to carry, 1 to {@link #MAX_INBLOB} bytes
   * @throws IOException "{@code <label>} evidence unavailable: …" if there is no such interface, it
   *     is another provider's, the kernel refuses, or another writer used the entry; or if the
   *     entry cannot be removed
   * @throws IllegalArgumentException if {@code inblob} is empty or too long
   */
  public Blobs collect(Path reportRoot, RandomGenerator random, byte[] inblob) throws IOException {
    checkInblob(inblob);
    if (!Files.isDirectory(reportRoot)) {
      throw unavailable(reportRoot + " not present (not " + guest + ")");
    }
    Path entry = reportRoot.resolve("writ-" + HexFormat.of().toHexDigits(random.nextLong()));
    try {
      Files.createDirectory(entry);
    } catch (IOException e) {
      throw unavailable("cannot create " + entry + ": " + e, e);
    }
    Blobs blobs;
    try {
      blobs = exchange(entry, inblob);
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
    return blobs;
  }

  /**
   * The exchange inside one fresh entry whose attribute files configfs made; leaves the entry in
   * place.
   *
   * @param entry the entry directory
   * @param inblob the data the evidence is to carry, 1 to {@link #MAX_INBLOB} bytes
   * @throws IOException "{@code <label>} evidence unavailable: …" as for {@link #collect}
   * @throws IllegalArgumentException if {@code inblob} is empty or too long
   */
  public Blobs exchange(Path entry, byte[] inblob) throws IOException {
    checkInblob(inblob);
    String found = attribute(entry.resolve("provider"));
    if (!found.equals(provider)) {
      throw unavailable(
          "the configfs-tsm provider is " + found + ", not " + provider + " (not " + guest + ")");
    }
    Path in = entry.resolve("inblob");
    // WRITE only: configfs attributes exist already and are not truncated; the kernel takes the
    // blob when the file is closed.
    try (OutputStream out = Files.newOutputStream(in, StandardOpenOption.WRITE)) {
      out.write(inblob);
    } catch (NoSuchFileException e) {
      throw missing(in, e);
    } catch (IOException e) {
      throw unavailable("the kernel refused " + in + ": " + e, e);
    }
    Path out = entry.resolve("outblob");
    byte[] outblob = read(out, maxBlob);
    if (outblob.length == 0) {
      throw unavailable(out + " is empty");
    }
    byte[] auxblob = readsAuxblob ? read(entry.resolve("auxblob"), maxBlob) : new byte[0];
    String generation = attribute(entry.resolve("generation"));
    if (!generation.equals(EXPECTED_GENERATION)) {
      throw unavailable(
          "configfs-tsm entry "
              + entry
              + " was written by another process during the exchange (generation "
              + generation
              + ", expected "
              + EXPECTED_GENERATION
              + ")");
    }
    return new Blobs(outblob, auxblob);
  }

  private static void checkInblob(byte[] inblob) {
    if (inblob.length == 0 || inblob.length > MAX_INBLOB) {
      throw new IllegalArgumentException(
          "inblob is 1 to " + MAX_INBLOB + " bytes, got " + inblob.length);
    }
  }

  private String attribute(Path file) throws IOException {
    return new String(read(file, MAX_ATTRIBUTE), StandardCharsets.US_ASCII).strip();
  }

  private byte[] read(Path file, int limit) throws IOException {
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file)) {
      bytes = in.readNBytes(limit + 1);
    } catch (NoSuchFileException e) {
      throw missing(file, e);
    } catch (IOException e) {
      throw unavailable("the kernel refused " + file + ": " + e, e);
    }
    if (bytes.length > limit) {
      throw unavailable(file + " is larger than " + limit + " bytes");
    }
    return bytes;
  }

  private IOException missing(Path file, NoSuchFileException e) {
    return unavailable(file + " does not exist (not " + guest + ")", e);
  }

  private IOException unavailable(String detail) {
    return new IOException(label + " evidence unavailable: " + detail);
  }

  private IOException unavailable(String detail, IOException cause) {
    return new IOException(label + " evidence unavailable: " + detail, cause);
  }
}
