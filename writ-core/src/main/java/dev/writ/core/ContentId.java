package dev.writ.core;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;

/**
 * A content address: the SHA-256 of the bytes. Written {@code sha256:<64 lowercase hex>}; the CIDv1
 * spelling (multibase base32 lowercase {@code b}, codec raw 0x55, multihash sha2-256) is accepted
 * on input and means the same digest.
 */
public final class ContentId {
  private static final byte[] CID_PREFIX = {0x01, 0x55, 0x12, 0x20};
  private static final String BASE32 = "abcdefghijklmnopqrstuvwxyz234567";

  private final byte[] digest;

  private ContentId(byte[] digest) {
    this.digest = digest.clone();
  }

  /** The id of {@code bytes}. */
  public static ContentId of(byte[] bytes) {
    return new ContentId(sha256(bytes));
  }

  /** An id from a 32-byte digest. */
  public static ContentId ofDigest(byte[] digest) {
    if (digest.length != 32) {
      throw new IllegalArgumentException("a SHA-256 digest is 32 bytes");
    }
    return new ContentId(digest);
  }

  /** Parses either spelling or denies with {@link Reason#MALFORMED}. */
  public static ContentId parse(String s) throws WritDeniedException {
    if (Ascii.prefixedHex(s, "sha256:", 64)) {
      return new ContentId(HexFormat.of().parseHex(s, 7, s.length()));
    }
    if (s.length() == 59 && s.charAt(0) == 'b' && Ascii.BASE32_LOWER.all(s, 1, 59)) {
      byte[] raw = base32(s.substring(1));
      if (raw != null
          && raw.length == 36
          && Arrays.equals(Arrays.copyOf(raw, 4), CID_PREFIX)
          && s.substring(1).equals(base32Encode(raw))) {
        return new ContentId(Arrays.copyOfRange(raw, 4, 36));
      }
    }
    throw new WritDeniedException(
        Reason.MALFORMED, "content must be sha256:<64 hex> or a CIDv1 raw sha2-256 id");
  }

  /**
   * Parses only the {@code sha256:<64 lowercase hex>} spelling, the one content URLs and store
   * paths use (docs/spec/content.md section 2); empty for anything else, the CIDv1 spelling
   * included.
   */
  public static Optional<ContentId> parseSha256(String s) {
    if (s == null || !Ascii.prefixedHex(s, "sha256:", 64)) {
      return Optional.empty();
    }
    return Optional.of(new ContentId(HexFormat.of().parseHex(s, 7, s.length())));
  }

  /** The digest as 64 lowercase hex digits (no prefix). */
  public String hex() {
    return HexFormat.of().formatHex(digest);
  }

  public byte[] digest() {
    return digest.clone();
  }

  /** The canonical {@code sha256:<hex>} spelling. */
  @Override
  public String toString() {
    return "sha256:" + HexFormat.of().formatHex(digest);
  }

  /** The CIDv1 spelling (base32 multibase, raw codec). */
  public String toCid() {
    byte[] raw = new byte[36];
    System.arraycopy(CID_PREFIX, 0, raw, 0, 4);
    System.arraycopy(digest, 0, raw, 4, 32);
    return "b" + base32Encode(raw);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ContentId c && MessageDigest.isEqual(digest, c.digest);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(digest);
  }

  static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new WritBugException("SHA-256 is mandatory in every JDK", e);
    }
  }

  private static byte[] base32(String s) {
    long buffer = 0;
    int bits = 0;
    byte[] out = new byte[s.length() * 5 / 8];
    int n = 0;
    for (int i = 0; i < s.length(); i++) {
      int v = BASE32.indexOf(s.charAt(i));
      if (v < 0) {
        return null;
      }
      buffer = (buffer << 5) | v;
      bits += 5;
      if (bits >= 8) {
        bits -= 8;
        out[n++] = (byte) (buffer >> bits);
      }
    }
    return Arrays.copyOf(out, n);
  }

  private static String base32Encode(byte[] raw) {
    StringBuilder sb = new StringBuilder();
    int buffer = 0;
    int bits = 0;
    for (byte b : raw) {
      buffer = (buffer << 8) | (b & 0xff);
      bits += 8;
      while (bits >= 5) {
        bits -= 5;
        sb.append(BASE32.charAt((buffer >> bits) & 31));
      }
    }
    if (bits > 0) {
      sb.append(BASE32.charAt((buffer << (5 - bits)) & 31));
    }
    return sb.toString();
  }
}
