package dev.writ.core;

/**
 * A set of ASCII characters, for the fixed-form fields of the format (ids, hashes, SPIFFE
 * segments). Checking them with a table rather than a regular expression keeps the verifier's parse
 * step cheap and allocation-free (docs/performance.md, "Where the time goes").
 *
 * <p>Immutable and thread-safe.
 */
final class Ascii {
  static final Ascii LOWER_HEX = of("0-9a-f");
  static final Ascii ALNUM = of("A-Za-z0-9");
  static final Ascii BASE32_LOWER = of("a-z2-7");

  private final boolean[] allowed = new boolean[128];

  private Ascii() {}

  /** Characters and ranges, e.g. {@code "A-Za-z0-9._-"}; a {@code -} first or last is literal. */
  static Ascii of(String spec) {
    Ascii a = new Ascii();
    for (int i = 0; i < spec.length(); i++) {
      char c = spec.charAt(i);
      if (i + 2 < spec.length() && spec.charAt(i + 1) == '-') {
        for (char x = c; x <= spec.charAt(i + 2); x++) {
          a.allowed[x] = true;
        }
        i += 2;
      } else {
        a.allowed[c] = true;
      }
    }
    return a;
  }

  boolean has(char c) {
    return c < 128 && allowed[c];
  }

  /** Whether every character of {@code s} in [from, to) is in this set. */
  boolean all(String s, int from, int to) {
    for (int i = from; i < to; i++) {
      if (!has(s.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  /** Whether {@code s} is non-empty, at most {@code max} long and entirely in this set. */
  boolean word(String s, int max) {
    return !s.isEmpty() && s.length() <= max && all(s, 0, s.length());
  }

  /** Whether {@code s} is 1..max long, starts with a {@code first} character, rest in this set. */
  boolean word(String s, Ascii first, int max) {
    return !s.isEmpty() && s.length() <= max && first.has(s.charAt(0)) && all(s, 1, s.length());
  }

  /** {@code prefix} followed by exactly {@code n} lowercase hex digits. */
  static boolean prefixedHex(String s, String prefix, int n) {
    return s.length() == prefix.length() + n
        && s.startsWith(prefix)
        && LOWER_HEX.all(s, prefix.length(), s.length());
  }
}
