package dev.writ.core.content;

import dev.writ.core.ContentId;

/**
 * The one checked exception of the content store's integrity boundary: bytes were not stored or not
 * handed out because they are not the bytes their id names, are too long, or are absent. I/O errors
 * of the file system stay {@link java.io.IOException}s.
 */
public final class ContentException extends Exception {
  private static final long serialVersionUID = 1L;

  private final ContentFailure failure;
  private final String id;

  ContentException(ContentFailure failure, ContentId id, String detail) {
    super(failure.code() + ": " + detail);
    this.failure = failure;
    this.id = id.toString();
  }

  public ContentFailure failure() {
    return failure;
  }

  /** The id that was asked for or offered, in its {@code sha256:<hex>} spelling. */
  public String id() {
    return id;
  }

  /** The human detail without the code prefix. */
  public String detail() {
    return getMessage().substring(failure.code().length() + 2);
  }
}
