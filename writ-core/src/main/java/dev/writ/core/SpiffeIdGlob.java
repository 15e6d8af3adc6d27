package dev.writ.core;

/**
 * A pattern over SPIFFE IDs of one trust domain. The trust domain is literal; in the path, {@code
 * *} matches any run (possibly empty) of characters other than {@code /}. There is no other
 * wildcard, so a glob never crosses a path segment or a trust domain.
 */
public final class SpiffeIdGlob {
  private static final Ascii GLOB_SEGMENT = Ascii.of("A-Za-z0-9._*-");

  private final String trustDomain;
  private final String path;

  private SpiffeIdGlob(String trustDomain, String path) {
    this.trustDomain = trustDomain;
    this.path = path;
  }

  /** Parses or denies with {@link Reason#MALFORMED}. */
  public static SpiffeIdGlob parse(String s) throws WritDeniedException {
    String[] parts = SpiffeId.split(s);
    if (parts == null
        || !SpiffeId.TRUST_DOMAIN.word(parts[0], 255)
        || !SpiffeId.validPath(parts[1], GLOB_SEGMENT)) {
      throw new WritDeniedException(
          Reason.MALFORMED, "not a SPIFFE-ID glob: " + SpiffeId.abbreviate(s));
    }
    return new SpiffeIdGlob(parts[0], parts[1]);
  }

  public String trustDomain() {
    return trustDomain;
  }

  /**
   * Matches segment by segment, in time at most proportional to glob length times ID length. (A
   * regular expression with one {@code [^/]*} per star backtracks exponentially in the number of
   * stars: eight stars against a 60-character segment took 20 seconds.)
   */
  public boolean matches(SpiffeId id) {
    if (!id.trustDomain().equals(trustDomain)) {
      return false;
    }
    String[] want = path.split("/", -1);
    String[] have = id.path().split("/", -1);
    if (want.length != have.length) {
      return false;
    }
    for (int i = 0; i < want.length; i++) {
      if (!segmentMatches(want[i], have[i])) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether {@code s} matches {@code glob}, where {@code *} is any run; backtracks to the last
   * star.
   */
  private static boolean segmentMatches(String glob, String s) {
    int g = 0;
    int i = 0;
    int star = -1;
    int resume = 0;
    while (i < s.length()) {
      if (g < glob.length() && glob.charAt(g) == '*') {
        star = g++;
        resume = i;
      } else if (g < glob.length() && glob.charAt(g) == s.charAt(i)) {
        g++;
        i++;
      } else if (star >= 0) {
        g = star + 1;
        i = ++resume;
      } else {
        return false;
      }
    }
    while (g < glob.length() && glob.charAt(g) == '*') {
      g++;
    }
    return g == glob.length();
  }

  @Override
  public String toString() {
    return "spiffe://" + trustDomain + path;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SpiffeIdGlob g && g.toString().equals(toString());
  }

  @Override
  public int hashCode() {
    return toString().hashCode();
  }
}
