package dev.writ.core;

import java.util.regex.Pattern;

/**
 * A pattern over SPIFFE IDs of one trust domain. The trust domain is literal; in the path, {@code
 * *} matches any run (possibly empty) of characters other than {@code /}. There is no other
 * wildcard, so a glob never crosses a path segment or a trust domain.
 */
public final class SpiffeIdGlob {
  private static final Pattern GLOB_SEGMENT = Pattern.compile("[A-Za-z0-9._*-]+");
  private static final Pattern TRUST_DOMAIN = Pattern.compile("[a-z0-9._-]{1,255}");

  private final String trustDomain;
  private final String path;
  private final Pattern compiled;

  private SpiffeIdGlob(String trustDomain, String path) {
    this.trustDomain = trustDomain;
    this.path = path;
    StringBuilder re = new StringBuilder();
    for (String piece : path.split("\\*", -1)) {
      if (!re.isEmpty()) {
        re.append("[^/]*");
      }
      re.append(Pattern.quote(piece));
    }
    this.compiled = Pattern.compile(re.toString());
  }

  /** Parses or denies with {@link Reason#MALFORMED}. */
  public static SpiffeIdGlob parse(String s) throws WritDeniedException {
    String[] parts = SpiffeId.split(s);
    if (parts == null
        || !TRUST_DOMAIN.matcher(parts[0]).matches()
        || !SpiffeId.validPath(parts[1], GLOB_SEGMENT)) {
      throw new WritDeniedException(
          Reason.MALFORMED, "not a SPIFFE-ID glob: " + SpiffeId.abbreviate(s));
    }
    return new SpiffeIdGlob(parts[0], parts[1]);
  }

  public String trustDomain() {
    return trustDomain;
  }

  public boolean matches(SpiffeId id) {
    return id.trustDomain().equals(trustDomain) && compiled.matcher(id.path()).matches();
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
