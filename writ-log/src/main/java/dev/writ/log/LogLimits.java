package dev.writ.log;

/**
 * Named input limits of the log formats. Every reader refuses input past these before doing work;
 * each number says where it comes from.
 */
public final class LogLimits {
  private LogLimits() {}

  /**
   * Hashes in an inclusion or consistency proof. Tree sizes are Java {@code long}s, so below 2^63;
   * each proof hash after the first shifts the verifier's last-node index right by at least one bit
   * (RFC 9162 sections 2.1.3.2 and 2.1.4.2), so no valid proof has more than 64.
   */
  public static final int MAX_PROOF_HASHES = 64;

  /** A hash: SHA-256 (RFC 9162 section 2.1 with the SHA-256 hash algorithm). */
  public static final int HASH_BYTES = 32;

  /**
   * A whole signed note. A checkpoint is an origin (at most {@link #MAX_LINE_BYTES}), a size of at
   * most 19 digits, a 44-character root and a few extension lines, plus at most {@link
   * #MAX_NOTE_SIGNATURES} signature lines of about 150 bytes: 64 KiB is far above that.
   */
  public static final int MAX_NOTE_BYTES = 64 * 1024;

  /** Lines of note text (a checkpoint: 3 fixed lines plus extensions). */
  public static final int MAX_NOTE_TEXT_LINES = 256;

  /**
   * Signature lines in one note: the log's own key plus witness cosignatures (c2sp.org/tlog-witness
   * deployments use a handful of witnesses); 32 leaves ample room.
   */
  public static final int MAX_NOTE_SIGNATURES = 32;

  /** One line of a checkpoint (the origin is a schema-less URL, c2sp.org/tlog-checkpoint). */
  public static final int MAX_LINE_BYTES = 1024;

  /** A key name (c2sp.org/signed-note: names are short identifiers, usually a URL-like origin). */
  public static final int MAX_KEY_NAME_BYTES = 256;

  /** A verifier key string: the name, '+', 8 hex digits, '+', and base64 of 33 bytes (44 chars). */
  public static final int MAX_VERIFIER_KEY_CHARS = MAX_KEY_NAME_BYTES + 1 + 8 + 1 + 44;

  /** Decimal digits of a tree size: {@code Long.MAX_VALUE} has 19. */
  public static final int MAX_SIZE_DIGITS = 19;

  /** One log entry: tlog-tiles entry bundles prefix each entry with a big-endian uint16 length. */
  public static final int MAX_ENTRY_BYTES = 0xFFFF;

  /** A hash tile file: a full tile is 256 hashes of 32 bytes (tlog-tiles: 8,192 bytes). */
  public static final int MAX_TILE_BYTES = Tile.WIDTH * HASH_BYTES;

  /** An entry bundle file: 256 entries of at most {@link #MAX_ENTRY_BYTES}, each with 2 bytes. */
  public static final int MAX_BUNDLE_BYTES = Tile.WIDTH * (2 + MAX_ENTRY_BYTES);

  /**
   * The largest tree {@link LogAuditor} replays. The auditor streams, so its heap use does not grow
   * with the size (one bundle of at most {@link #MAX_BUNDLE_BYTES}, one tile per level); the bound
   * is on time: a hostile checkpoint must not start an audit that cannot end. 2^32 leaves of 200
   * bytes are 860 GB to read and hash, hours at the rate docs/spec/log.md section 8 records.
   */
  public static final long MAX_AUDIT_TREE_SIZE = 1L << 32;

  /**
   * A receipt's leaf after base64 decoding: docs/spec/api.md section 3, step 3: at most what an
   * entry of a tile log can hold ({@link #MAX_ENTRY_BYTES}).
   */
  public static final int MAX_RECEIPT_LEAF_BYTES = MAX_ENTRY_BYTES;

  /**
   * A receipt object's JSON text: the checkpoint note ({@link #MAX_NOTE_BYTES}, at most 6 bytes of
   * JSON per byte of text when every character is written as a six-character escape: 384 KiB), the
   * leaf in base64 (87,384 bytes) and {@link #MAX_PROOF_HASHES} hashes in base64 (46 bytes each
   * with quotes and comma).
   */
  public static final int MAX_RECEIPT_BYTES = 512 * 1024;
}
