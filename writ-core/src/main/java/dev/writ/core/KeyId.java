package dev.writ.core;

import java.util.HexFormat;

/** A key id: lowercase hex SHA-256 of the public key's SubjectPublicKeyInfo DER. */
public record KeyId(String hex) implements Comparable<KeyId> {

  public KeyId {
    if (!Ascii.prefixedHex(hex, "", 64)) {
      throw new IllegalArgumentException("a key id is 64 lowercase hex digits");
    }
  }

  public static KeyId parse(String s) throws WritDeniedException {
    if (!Ascii.prefixedHex(s, "", 64)) {
      throw new WritDeniedException(Reason.MALFORMED, "keyid must be 64 lowercase hex digits");
    }
    return new KeyId(s);
  }

  /** The id of a key given its SubjectPublicKeyInfo DER. */
  public static KeyId ofSpki(byte[] spki) {
    return new KeyId(HexFormat.of().formatHex(ContentId.sha256(spki)));
  }

  /** The first 12 hex digits, for people. */
  public String shortForm() {
    return hex.substring(0, 12);
  }

  @Override
  public int compareTo(KeyId o) {
    return hex.compareTo(o.hex);
  }

  @Override
  public String toString() {
    return hex;
  }
}
