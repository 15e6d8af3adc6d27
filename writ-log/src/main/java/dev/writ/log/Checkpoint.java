package dev.writ.log;

import dev.writ.log.LogVerificationException.Reason;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;

/**
 * A c2sp.org/tlog-checkpoint body: the origin line, the tree size in decimal, the root hash in
 * base64, then optional extension lines; every line ends in a newline. Parsed strictly: no sign or
 * leading zero in the size (except "0"), a 32-byte root in canonical base64, no empty line.
 *
 * <p>A parsed checkpoint says nothing about who signed it: open the note with {@link
 * SignedNotes#open} and parse {@link VerifiedNote#text()}.
 *
 * <p>Immutable and thread-safe.
 */
public final class Checkpoint {
  private final String origin;
  private final long size;
  private final byte[] root;
  private final List<String> extensions;

  private Checkpoint(String origin, long size, byte[] root, List<String> extensions) {
    this.origin = origin;
    this.size = size;
    this.root = root;
    this.extensions = List.copyOf(extensions);
  }

  /** A checkpoint from its parts; refuses parts that would not parse back to the same value. */
  public static Checkpoint of(String origin, long size, byte[] root, List<String> extensions) {
    StringBuilder sb = new StringBuilder();
    sb.append(origin).append('\n').append(size).append('\n');
    sb.append(Text.base64(root)).append('\n');
    for (String e : extensions) {
      sb.append(e).append('\n');
    }
    try {
      Checkpoint c = parse(sb.toString());
      if (c.extensions.size() != extensions.size() || origin.contains("\n")) {
        throw new IllegalArgumentException("a line holds a newline");
      }
      return c;
    } catch (LogVerificationException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  /** Parses a checkpoint body or throws {@link Reason#MALFORMED_CHECKPOINT}. */
  public static Checkpoint parse(String body) throws LogVerificationException {
    if (body.length() > LogLimits.MAX_NOTE_BYTES) {
      throw malformed("longer than " + LogLimits.MAX_NOTE_BYTES);
    }
    if (!body.endsWith("\n") || !Text.noControlExceptNewline(body) || !Text.wellFormed(body)) {
      throw malformed("must be text without control characters, ending in a newline");
    }
    List<String> lines = Arrays.asList(body.substring(0, body.length() - 1).split("\n", -1));
    if (lines.size() < 3) {
      throw malformed("needs origin, size and root lines");
    }
    if (lines.size() > LogLimits.MAX_NOTE_TEXT_LINES) {
      throw malformed("more than " + LogLimits.MAX_NOTE_TEXT_LINES + " lines");
    }
    for (String line : lines) {
      if (line.isEmpty() || Text.utf8Length(line) > LogLimits.MAX_LINE_BYTES) {
        throw malformed("empty line or line longer than " + LogLimits.MAX_LINE_BYTES + " bytes");
      }
    }
    long size = parseSize(lines.get(1));
    byte[] root =
        Text.base64(lines.get(2)).orElseThrow(() -> malformed("root is not canonical base64"));
    if (root.length != LogLimits.HASH_BYTES) {
      throw malformed("root hash has " + root.length + " bytes, not 32");
    }
    return new Checkpoint(lines.get(0), size, root, lines.subList(3, lines.size()));
  }

  private static long parseSize(String s) throws LogVerificationException {
    if (s.length() > LogLimits.MAX_SIZE_DIGITS
        || !s.chars().allMatch(c -> c >= '0' && c <= '9')
        || (s.length() > 1 && s.charAt(0) == '0')) {
      throw malformed("tree size must be decimal without leading zeros");
    }
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      throw new LogVerificationException(Reason.MALFORMED_CHECKPOINT, "tree size too large", e);
    }
  }

  /** The body text, ending in a newline, exactly as {@link #parse} reads it. */
  public String format() {
    StringBuilder sb = new StringBuilder();
    sb.append(origin).append('\n').append(size).append('\n');
    sb.append(Text.base64(root)).append('\n');
    for (String e : extensions) {
      sb.append(e).append('\n');
    }
    return sb.toString();
  }

  public String origin() {
    return origin;
  }

  public long size() {
    return size;
  }

  public byte[] root() {
    return root.clone();
  }

  public List<String> extensions() {
    return extensions;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Checkpoint c
        && c.origin.equals(origin)
        && c.size == size
        && MessageDigest.isEqual(c.root, root)
        && c.extensions.equals(extensions);
  }

  @Override
  public int hashCode() {
    return (origin.hashCode() * 31 + Long.hashCode(size)) * 31 + Arrays.hashCode(root);
  }

  @Override
  public String toString() {
    return "Checkpoint[" + origin + ", " + size + ", " + Text.base64(root) + "]";
  }

  private static LogVerificationException malformed(String detail) {
    return new LogVerificationException(Reason.MALFORMED_CHECKPOINT, detail);
  }
}
