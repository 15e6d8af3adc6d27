package dev.writ.identity.tdx;

import dev.writ.identity.AttestationException;
import dev.writ.identity.AttestationFailure;
import java.util.Arrays;

/**
 * A bounded little-endian cursor over quote bytes: every read names its field and fails with {@code
 * ATTESTATION_MALFORMED} when fewer bytes remain than the field needs. Not thread-safe.
 */
final class LeReader {
  private final byte[] bytes;
  private final int end;
  private int pos;

  LeReader(byte[] bytes, int start, int end) {
    this.bytes = bytes;
    this.pos = start;
    this.end = end;
  }

  int position() {
    return pos;
  }

  int remaining() {
    return end - pos;
  }

  int u16(String field) throws AttestationException {
    need(2, field);
    int v = (bytes[pos] & 0xff) | (bytes[pos + 1] & 0xff) << 8;
    pos += 2;
    return v;
  }

  /** An unsigned 32-bit length as a long, so a huge value cannot turn negative. */
  long u32(String field) throws AttestationException {
    need(4, field);
    long v =
        (bytes[pos] & 0xffL)
            | (bytes[pos + 1] & 0xffL) << 8
            | (bytes[pos + 2] & 0xffL) << 16
            | (bytes[pos + 3] & 0xffL) << 24;
    pos += 4;
    return v;
  }

  byte[] bytes(int n, String field) throws AttestationException {
    need(n, field);
    byte[] out = Arrays.copyOfRange(bytes, pos, pos + n);
    pos += n;
    return out;
  }

  /** A length read from the quote, checked against what remains before it is used. */
  int length(long n, String field) throws AttestationException {
    if (n > remaining()) {
      throw malformed(field + " is " + n + " bytes but only " + remaining() + " remain");
    }
    return (int) n;
  }

  /**
   * A reader over the next {@code n} bytes (a nested structure whose size the quote states); this
   * reader moves past them.
   */
  LeReader sub(long n, String field) throws AttestationException {
    int len = length(n, field);
    LeReader inner = new LeReader(bytes, pos, pos + len);
    pos += len;
    return inner;
  }

  /** Requires that nothing remains (a nested structure's size must be exact). */
  void end(String structure) throws AttestationException {
    if (pos != end) {
      throw malformed(structure + " has " + (end - pos) + " unexplained trailing bytes");
    }
  }

  private void need(int n, String field) throws AttestationException {
    if (n > end - pos) {
      throw malformed(
          "quote truncated in " + field + ": needs " + n + ", " + (end - pos) + " left");
    }
  }

  static AttestationException malformed(String detail) {
    return new AttestationException(AttestationFailure.ATTESTATION_MALFORMED, detail);
  }
}
