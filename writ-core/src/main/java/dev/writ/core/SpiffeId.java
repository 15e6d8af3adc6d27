package dev.writ.core;

/**
 * A SPIFFE ID ({@code spiffe://<trust domain>/<path>}), parsed per the SPIFFE-ID specification:
 * lowercase trust domain of {@code [a-z0-9.-_]}, path segments of {@code [A-Za-z0-9.-_]}, no empty,
 * {@code .} or {@code ..} segment, no trailing slash, no query or fragment, at most 2048 bytes.
 * Writ requires a non-empty path.
 */
public record SpiffeId(String trustDomain, String path) implements Comparable<SpiffeId> {
  /** SPIFFE-ID specification section 2.3: maximum URI length. */
  public static final int MAX_LENGTH = 2048;

  static final Ascii TRUST_DOMAIN = Ascii.of("a-z0-9._-");
  private static final Ascii SEGMENT = Ascii.of("A-Za-z0-9._-");

  public SpiffeId {
    if (!TRUST_DOMAIN.word(trustDomain, 255) || !validPath(path, SEGMENT)) {
      throw new IllegalArgumentException("not a SPIFFE ID");
    }
  }

  /** Parses or denies with {@link Reason#MALFORMED}. */
  public static SpiffeId parse(String s) throws WritDeniedException {
    String[] parts = split(s);
    if (parts == null || !TRUST_DOMAIN.word(parts[0], 255) || !validPath(parts[1], SEGMENT)) {
      throw new WritDeniedException(Reason.MALFORMED, "not a SPIFFE ID: " + abbreviate(s));
    }
    return new SpiffeId(parts[0], parts[1]);
  }

  /** Splits {@code spiffe://td/path} into trust domain and path, or returns null. */
  static String[] split(String s) {
    if (s.length() > MAX_LENGTH || !s.startsWith("spiffe://")) {
      return null;
    }
    String rest = s.substring("spiffe://".length());
    int slash = rest.indexOf('/');
    if (slash <= 0) {
      return null;
    }
    return new String[] {rest.substring(0, slash), rest.substring(slash)};
  }

  static boolean validPath(String path, Ascii segment) {
    if (!path.startsWith("/") || path.endsWith("/")) {
      return false;
    }
    for (String seg : path.substring(1).split("/", -1)) {
      if (seg.equals(".") || seg.equals("..") || !segment.word(seg, MAX_LENGTH)) {
        return false;
      }
    }
    return true;
  }

  static String abbreviate(String s) {
    return s.length() > 80 ? s.substring(0, 80) + "…" : s;
  }

  @Override
  public int compareTo(SpiffeId o) {
    return toString().compareTo(o.toString());
  }

  @Override
  public String toString() {
    return "spiffe://" + trustDomain + path;
  }
}
