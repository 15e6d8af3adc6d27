package dev.writ.core;

import dev.writ.core.json.CanonicalJson;
import dev.writ.core.json.JsonValue;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * An exact set of target SPIFFE IDs and its commitment {@code set_hash}: {@code sha256:} and the
 * lowercase hex SHA-256 of the RFC 8785 bytes of the array of IDs sorted ascending (by UTF-16 code
 * units, which for SPIFFE IDs, being ASCII, is byte order), without duplicates.
 *
 * <p>Immutable and thread-safe; the hash is computed once, at construction.
 */
public final class TargetSet {
  private final SortedSet<SpiffeId> ids;
  private final Set<SpiffeId> lookup;
  private final SetHash hash;

  private TargetSet(SortedSet<SpiffeId> ids) {
    this.ids = Collections.unmodifiableSortedSet(new TreeSet<>(ids));
    this.lookup = Set.copyOf(ids);
    List<JsonValue> array = new ArrayList<>();
    for (SpiffeId id : this.ids) {
      array.add(new JsonValue.JsonString(id.toString()));
    }
    // computed once: agents check the same delivered set against every writ of a rollout
    this.hash = new SetHash(ContentId.sha256(CanonicalJson.write(new JsonValue.JsonArray(array))));
  }

  public static TargetSet of(Collection<SpiffeId> ids) {
    return new TargetSet(new TreeSet<>(ids));
  }

  /** The IDs, sorted as the hash commits to them. */
  public SortedSet<SpiffeId> ids() {
    return ids;
  }

  /** The {@code set_hash} value committing to exactly these IDs. */
  public SetHash hash() {
    return hash;
  }

  public boolean contains(SpiffeId id) {
    return lookup.contains(id);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TargetSet t && t.ids.equals(ids);
  }

  @Override
  public int hashCode() {
    return ids.hashCode();
  }

  @Override
  public String toString() {
    return "TargetSet" + ids;
  }

  /** A {@code set_hash}: 32 bytes, written {@code sha256:<hex>}. */
  @SuppressWarnings("ArrayRecordComponent") // cloned in and out
  public record SetHash(byte[] digest) {
    public SetHash {
      if (digest.length != 32) {
        throw new IllegalArgumentException("a set hash is 32 bytes");
      }
      digest = digest.clone();
    }

    public static SetHash parse(String s) throws WritDeniedException {
      if (!Ascii.prefixedHex(s, "sha256:", 64)) {
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
