package dev.writ.log;

import dev.writ.log.LogAuditException.Kind;
import java.security.DigestException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Optional;

/**
 * One pass over a log's entry bundles and hash tiles, level-0 tile by level-0 tile, in constant
 * memory: the current bundle (and the few {@link ReadAhead} holds), one stored tile per level and
 * two {@link Frontier}s. Every resource is read once and every hash computed once; the digest is
 * reused.
 *
 * <p>Structural faults (a missing or mis-framed bundle, a missing or mis-sized tile) are thrown as
 * they are met. Content faults are only recorded, because which one the audit reports depends on
 * the root ({@link LogAuditor}): the first entry whose leaf hash differs from the stored level-0
 * tile, and per tile level the first stored hash that differs from the recomputed one. From that
 * first differing entry on, a second frontier replays the stored level-0 hashes, so that the root
 * they give is known without reading anything twice.
 *
 * <p>Not thread-safe: one audit owns it.
 */
final class Replay implements Frontier.TileSink {
  private static final int H = LogLimits.HASH_BYTES;
  private static final int LEVELS = Tile.MAX_LEVEL + 1;

  private final LogSource source;
  private final long size;
  private final long trustedSize;
  private final MessageDigest md = Rfc9162.sha256();
  private final byte[] leaf = new byte[H];
  private final Frontier fromEntries = new Frontier();

  /** The stored level-0 hashes replayed from the first entry that differs from them; or null. */
  private Frontier fromStoredLeaves;

  private final Tile[] currentTile = new Tile[LEVELS];
  private final byte[][] currentBytes = new byte[LEVELS][];

  private Fault firstTamperedEntry;
  private final Fault[] firstTamperedTile = new Fault[LEVELS];
  private byte[] rootAtTrustedSize;

  /** A recorded content fault: the file and the index the {@link Kind} documents. */
  record Fault(String path, long index) {}

  Replay(LogSource source, long size, long trustedSize) {
    this.source = source;
    this.size = size;
    this.trustedSize = trustedSize;
  }

  /** Reads and hashes everything the tree of {@link #size} needs. */
  void run() throws LogAuditException {
    if (trustedSize == 0) {
      rootAtTrustedSize = Rfc9162.emptyRoot();
    }
    long tiles = (size + Tile.WIDTH - 1) / Tile.WIDTH;
    try (ReadAhead reads = new ReadAhead(source, size)) {
      for (long n = 0; n < tiles; n++) {
        Tile t = levelZeroTile(size, n);
        byte[] bundle =
            reads
                .bundle(t)
                .orElseThrow(
                    () ->
                        new LogAuditException(
                            Kind.TRUNCATED_LOG,
                            t.entriesPath(),
                            t.index() * Tile.WIDTH,
                            "entry bundle missing; the checkpoint has " + size + " entries"));
        int[] starts = EntryBundles.frame(t, bundle);
        byte[] stored = checkTile(t, reads.levelZeroTile(t));
        for (int i = 0; i < t.width(); i++) {
          replayEntry(t, i, bundle, starts, stored);
        }
      }
    }
  }

  /** Level-0 tile {@code n} of the tree of {@code size}: full, or the partial last one. */
  static Tile levelZeroTile(long size, long n) {
    return tileAt(size, 0, n);
  }

  private void replayEntry(Tile t, int i, byte[] bundle, int[] starts, byte[] stored)
      throws LogAuditException {
    md.update((byte) 0x00);
    md.update(bundle, starts[i] + 2, starts[i + 1] - starts[i] - 2);
    try {
      md.digest(leaf, 0, H);
    } catch (DigestException e) {
      throw new LogBugException("a 32-byte buffer holds a SHA-256 digest", e);
    }
    if (fromStoredLeaves == null && !Arrays.equals(leaf, 0, H, stored, i * H, (i + 1) * H)) {
      long entry = t.index() * Tile.WIDTH + i;
      firstTamperedEntry = new Fault(t.entriesPath(), entry);
      firstTamperedTile[0] = new Fault(t.path(), i);
      fromStoredLeaves = fromEntries.copy();
    }
    fromEntries.append(leaf, 0, this);
    if (fromStoredLeaves != null) {
      fromStoredLeaves.append(stored, i * H, (level, index, hash, offset) -> {});
    }
    if (fromEntries.size() == trustedSize) {
      rootAtTrustedSize = fromEntries.root();
    }
  }

  /** A recomputed hash of tile level {@code level} >= 1: compare it with the stored one. */
  @Override
  public void accept(int level, long index, byte[] hash, int offset) throws LogAuditException {
    long n = index / Tile.WIDTH;
    int i = (int) (index % Tile.WIDTH);
    if (currentTile[level] == null || currentTile[level].index() != n) {
      Tile t = tileAt(size, level, n);
      currentTile[level] = t;
      currentBytes[level] = checkTile(t, source.read(t.path(), LogLimits.MAX_TILE_BYTES));
    }
    if (firstTamperedTile[level] == null
        && !Arrays.equals(hash, offset, offset + H, currentBytes[level], i * H, (i + 1) * H)) {
      firstTamperedTile[level] = new Fault(currentTile[level].path(), i);
    }
  }

  /** Tile {@code n} of {@code level} in the tree of {@code size}: full, or the partial last one. */
  private static Tile tileAt(long size, int level, long n) {
    long hashes = size >>> (Tile.HEIGHT * level);
    long full = hashes / Tile.WIDTH;
    return new Tile(level, n, n < full ? Tile.WIDTH : (int) (hashes % Tile.WIDTH));
  }

  /** The bytes read for tile {@code t}: present and exactly {@code 32 W} long. */
  private static byte[] checkTile(Tile t, Optional<byte[]> read) throws LogAuditException {
    byte[] bytes =
        read.orElseThrow(() -> new LogAuditException(Kind.MISSING_TILE, t.path(), -1, "missing"));
    int expected = t.width() * H;
    if (bytes.length != expected) {
      throw new LogAuditException(
          Kind.TAMPERED_TILE,
          t.path(),
          Math.min(bytes.length, expected) / H,
          bytes.length + " bytes, not " + expected);
    }
    return bytes;
  }

  /** The root of the entries. */
  byte[] entriesRoot() {
    return fromEntries.root();
  }

  /** The root the stored level-0 tiles give, if they differ from the entries anywhere. */
  byte[] storedLeavesRoot() {
    return fromStoredLeaves == null ? fromEntries.root() : fromStoredLeaves.root();
  }

  /** The first entry whose leaf hash is not the stored level-0 hash, if any. */
  Optional<Fault> firstTamperedEntry() {
    return Optional.ofNullable(firstTamperedEntry);
  }

  /** The first stored tile hash, lowest level first, that differs from the recomputed one. */
  Optional<Fault> firstTamperedTile() {
    for (Fault f : firstTamperedTile) {
      if (f != null) {
        return Optional.of(f);
      }
    }
    return Optional.empty();
  }

  /** The root of the first {@code trustedSize} entries; empty if the tree is smaller. */
  Optional<byte[]> rootAtTrustedSize() {
    return Optional.ofNullable(rootAtTrustedSize);
  }
}
