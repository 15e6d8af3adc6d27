package dev.writ.state;

import java.util.Arrays;
import java.util.Base64;

/**
 * One leaf of the audit log: its position (the ledger position, 0-based) and its exact bytes, the
 * canonical JSON decision record of docs/spec/log.md, section "Decision records (leaves)". A server
 * builds a receipt from these.
 *
 * <p>Thread-safe: immutable; the bytes are copied in and out.
 */
public final class AuditLeaf {
  private final long index;
  private final byte[] bytes;

  AuditLeaf(long index, byte[] bytes) {
    if (index < 0) {
      throw new IllegalArgumentException("leaf index is non-negative");
    }
    this.index = index;
    this.bytes = bytes.clone();
  }

  /** The leaf's position in the log. */
  public long index() {
    return index;
  }

  /** A copy of the leaf bytes (RFC 8785 canonical JSON). */
  public byte[] bytes() {
    return bytes.clone();
  }

  /** The leaf bytes in standard padded base64, as the state machine's reply carries them. */
  public String base64() {
    return Base64.getEncoder().encodeToString(bytes);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AuditLeaf other
        && index == other.index
        && Arrays.equals(bytes, other.bytes);
  }

  @Override
  public int hashCode() {
    return 31 * Long.hashCode(index) + Arrays.hashCode(bytes);
  }

  @Override
  public String toString() {
    return "AuditLeaf[" + index + "]";
  }
}
