package dev.writ.identity.tpm;

import dev.writ.identity.AttestationException;
import dev.writ.identity.AttestationFailure;

/**
 * Reads TPM marshalled (big-endian) fields from a byte array, refusing to read past its end. Every
 * failure is {@code ATTESTATION_MALFORMED} naming the structure. Not thread-safe; one per parse.
 */
final class TpmReader {
  private final byte[] buf;
  private final String structure;
  private int pos;

  TpmReader(byte[] buf, String structure) {
    this.buf = buf;
    this.structure = structure;
  }

  int u8() throws AttestationException {
    need(1);
    return buf[pos++] & 0xff;
  }

  int u16() throws AttestationException {
    need(2);
    int v = ((buf[pos] & 0xff) << 8) | (buf[pos + 1] & 0xff);
    pos += 2;
    return v;
  }

  long u32() throws AttestationException {
    need(4);
    long v = 0;
    for (int i = 0; i < 4; i++) {
      v = (v << 8) | (buf[pos++] & 0xff);
    }
    return v;
  }

  long u64() throws AttestationException {
    need(8);
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (buf[pos++] & 0xff);
    }
    return v;
  }

  byte[] bytes(int n) throws AttestationException {
    need(n);
    byte[] out = new byte[n];
    System.arraycopy(buf, pos, out, 0, n);
    pos += n;
    return out;
  }

  /** A TPM2B: a 16-bit size, at most {@code max}, then that many bytes. */
  byte[] sized(int max, String field) throws AttestationException {
    int size = u16();
    if (size > max) {
      throw malformed(field + " has " + size + " bytes, more than the " + max + " allowed");
    }
    return bytes(size);
  }

  /** Requires every byte to have been read. */
  void end() throws AttestationException {
    if (pos != buf.length) {
      throw malformed((buf.length - pos) + " trailing bytes");
    }
  }

  AttestationException malformed(String detail) {
    return new AttestationException(
        AttestationFailure.ATTESTATION_MALFORMED, structure + ": " + detail);
  }

  private void need(int n) throws AttestationException {
    if (n > buf.length - pos) {
      throw malformed("truncated at byte " + pos + " of " + buf.length);
    }
  }
}
