package dev.writ.core;

import dev.writ.core.json.CanonicalJson;
import dev.writ.core.json.JsonValue;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * An exact set of target SPIFFE IDs and its commitment {@code set_hash}: {@code sha256:} and the
 * lowercase hex SHA-256 of the RFC 8785 bytes of the array of IDs sorted ascending (by UTF-16 code
 * units, which for SPIFFE IDs, being ASCII, is byte order), without duplicates.
 */
public record TargetSet(SortedSet<SpiffeId> ids) {
  public TargetSet {
    ids = java.util.Collections.unmodifiableSortedSet(new TreeSet<>(ids));
  }

  public static TargetSet of(List<SpiffeId> ids) {
    return new TargetSet(new TreeSet<>(ids));
  }

  /** The {@code set_hash} value committing to exactly these IDs. */
  public SetHash hash() {
    List<JsonValue> array = new ArrayList<>();
    for (SpiffeId id : ids) {
      array.add(new JsonValue.JsonString(id.toString()));
    }
    return new SetHash(ContentId.sha256(CanonicalJson.write(new JsonValue.JsonArray(array))));
  }

  public boolean contains(SpiffeId id) {
    return ids.contains(id);
  }

  /** A {@code set_hash}: 32 bytes, written {@code sha256:<hex>}. */
  @SuppressWarnings("ArrayRecordComponent") // cloned in and out
  public record SetHash(byte[] digest) {
    private static final java.util.regex.Pattern FORM =
        java.util.regex.Pattern.compile("sha256:[0-9a-f]{64}");

    public SetHash {
      if (digest.length != 32) {
        throw new IllegalArgumentException("a set hash is 32 bytes");
      }
      digest = digest.clone();
    }

    public static SetHash parse(String s) throws WritDeniedException {
      if (!FORM.matcher(s).matches()) {
        throw new WritDeniedException(Reason.MALFORMED, "set_hash must be sha256:<64 hex>");
      }
      return new SetHash(HexFormat.of().parseHex(s, 7, s.length()));
    }

    @Override
    public byte[] digest() {
      return digest.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof SetHash h && MessageDigest.isEqual(digest, h.digest);
    }

    @Override
    public int hashCode() {
      return java.util.Arrays.hashCode(digest);
    }

    @Override
    public String toString() {
      return "sha256:" + HexFormat.of().formatHex(digest);
    }
  }
}
