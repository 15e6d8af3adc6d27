package dev.writ.sandbox;

import java.util.Objects;

/**
 * One output stream of an execution: its total length, the SHA-256 of every byte written (not only
 * the kept ones), and the first bytes kept under the output cap. Immutable and thread-safe; {@link
 * #head()} returns a copy.
 */
public final class CapturedOutput {
  private final long totalBytes;
  private final String sha256;
  private final byte[] head;

  CapturedOutput(long totalBytes, String sha256, byte[] head) {
    this.totalBytes = totalBytes;
    this.sha256 = Objects.requireNonNull(sha256, "sha256");
    this.head = head.clone();
  }

  /** Every byte the program wrote to this stream, kept or not. */
  public long totalBytes() {
    return totalBytes;
  }

  /** {@code sha256:<64 lowercase hex>} over all {@link #totalBytes()} bytes. */
  public String sha256() {
    return sha256;
  }

  /** A copy of the bytes kept, the first ones written (at most the output cap). */
  public byte[] head() {
    return head.clone();
  }

  /** Whether bytes were written beyond what was kept. */
  public boolean truncated() {
    return totalBytes > head.length;
  }

  @Override
  public String toString() {
    return "CapturedOutput[" + totalBytes + " bytes, " + sha256 + "]";
  }
}
