package dev.writ.core;

import java.security.SecureRandom;
import java.util.HexFormat;

/** A writ's single-use grant id: 128 random bits as 32 lowercase hex digits. */
public record WritId(String hex) implements Comparable<WritId> {

  public WritId {
    if (!Ascii.prefixedHex(hex, "", 32)) {
      throw new IllegalArgumentException("a writ id is 32 lowercase hex digits");
    }
  }

  /** Parses the wire form or denies with {@link Reason#MALFORMED}. */
  public static WritId parse(String s) throws WritDeniedException {
    if (!Ascii.prefixedHex(s, "", 32)) {
      throw new WritDeniedException(Reason.MALFORMED, "id must be 32 lowercase hex digits");
    }
    return new WritId(s);
  }

  /** A fresh id from {@code random}. */
  public static WritId random(SecureRandom random) {
    byte[] b = new byte[16];
    random.nextBytes(b);
    return new WritId(HexFormat.of().formatHex(b));
  }

  @Override
  public int compareTo(WritId o) {
    return hex.compareTo(o.hex);
  }

  @Override
  public String toString() {
    return hex;
  }
}
