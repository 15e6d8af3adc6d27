package dev.writ.core.content;

/**
 * Why a content store refused to store or hand out bytes (docs/spec/content.md section 5). Each has
 * the stable code the server's content routes answer with.
 */
public enum ContentFailure {
  /** Bytes offered under an id do not hash to it; nothing was stored. */
  MISMATCH("CONTENT_MISMATCH"),
  /** Bytes offered are longer than the limit; nothing was stored. */
  OVERSIZE("OVERSIZE"),
  /** The store holds no bytes under the id. */
  UNKNOWN("CONTENT_UNKNOWN"),
  /**
   * The bytes stored under the id no longer hash to it (changed on disk); they were moved aside and
   * the store no longer holds the id.
   */
  CORRUPT("CONTENT_CORRUPT");

  private final String code;

  ContentFailure(String code) {
    this.code = code;
  }

  /** The stable code of docs/spec/content.md section 5. */
  public String code() {
    return code;
  }
}
