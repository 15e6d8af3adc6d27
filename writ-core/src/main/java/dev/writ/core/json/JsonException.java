package dev.writ.core.json;

/**
 * Input that is not acceptable JSON under the reader's rules. {@link Kind} says whether the input
 * broke the grammar or strict rules, exceeded a named limit, or was valid but not in canonical (RFC
 * 8785) form.
 */
public final class JsonException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Why the input was refused. */
  public enum Kind {
    /** Grammar, encoding, duplicate key, lone surrogate, non-integer or out-of-range number. */
    MALFORMED,
    /** A size, depth, string length or member count limit was exceeded. */
    LIMIT,
    /** Valid JSON whose bytes differ from its RFC 8785 canonical form. */
    NON_CANONICAL
  }

  private final Kind kind;
  private final long offset;

  public JsonException(Kind kind, long offset, String message) {
    super(message + (offset >= 0 ? " at byte " + offset : ""));
    this.kind = kind;
    this.offset = offset;
  }

  public Kind kind() {
    return kind;
  }

  /** Byte offset of the problem, or -1 when it concerns the whole input. */
  public long offset() {
    return offset;
  }
}
