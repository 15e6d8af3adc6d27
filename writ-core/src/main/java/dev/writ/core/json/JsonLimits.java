package dev.writ.core.json;

/**
 * Bounds the reader checks before and while doing work (STYLE.md rule 8).
 *
 * @param maxBytes total input size
 * @param maxDepth nesting of arrays and objects; the top-level value is depth 1
 * @param maxStringBytes UTF-8 bytes of one string, key or value
 * @param maxMembers members of one object or elements of one array
 */
public record JsonLimits(int maxBytes, int maxDepth, int maxStringBytes, int maxMembers) {
  public JsonLimits {
    if (maxBytes <= 0 || maxDepth <= 0 || maxStringBytes <= 0 || maxMembers <= 0) {
      throw new IllegalArgumentException("limits are positive");
    }
  }
}
