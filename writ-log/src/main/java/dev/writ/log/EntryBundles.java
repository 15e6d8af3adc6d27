package dev.writ.log;

import dev.writ.log.LogAuditException.Kind;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The c2sp.org/tlog-tiles entry bundle encoding: the entries of one level-0 tile, in order, each
 * prefixed with its length as a big-endian uint16. Nothing else: no count, no padding.
 */
final class EntryBundles {
  private static final int LENGTH_BYTES = 2;

  private EntryBundles() {}

  /** The bundle bytes of {@code entries} (each at most {@link LogLimits#MAX_ENTRY_BYTES}). */
  static byte[] encode(List<byte[]> entries) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] e : entries) {
      if (e.length > LogLimits.MAX_ENTRY_BYTES) {
        throw new IllegalArgumentException(
            "an entry is at most " + LogLimits.MAX_ENTRY_BYTES + " bytes, got " + e.length);
      }
      out.write(e.length >>> 8);
      out.write(e.length & 0xff);
      out.write(e, 0, e.length);
    }
    return out.toByteArray();
  }

  /**
   * The {@code tile.width()} entries of the bundle for {@code tile}, framed as {@link #frame} says.
   */
  static List<byte[]> decode(Tile tile, byte[] bundle) throws LogAuditException {
    int[] starts = frame(tile, bundle);
    List<byte[]> out = new ArrayList<>(tile.width());
    for (int i = 0; i < tile.width(); i++) {
      out.add(Arrays.copyOfRange(bundle, starts[i] + LENGTH_BYTES, starts[i + 1]));
    }
    return out;
  }

  /**
   * Where each entry of the bundle for {@code tile} starts (at its length prefix), plus the end of
   * the last one: entry {@code i} is {@code bundle[starts[i] + 2 .. starts[i + 1])}. A bundle that
   * ends before its last entry starts is a truncated log; a length prefix that runs past the end,
   * or bytes after the last entry, is a tampered entry.
   */
  static int[] frame(Tile tile, byte[] bundle) throws LogAuditException {
    long first = tile.index() * Tile.WIDTH;
    int[] starts = new int[tile.width() + 1];
    int pos = 0;
    for (int i = 0; i < tile.width(); i++) {
      long entry = first + i;
      if (pos == bundle.length) {
        throw new LogAuditException(
            Kind.TRUNCATED_LOG,
            tile.entriesPath(),
            entry,
            "bundle ends after " + i + " of " + tile.width() + " entries");
      }
      if (bundle.length - pos < LENGTH_BYTES) {
        throw tampered(tile, entry, "length prefix cut short");
      }
      starts[i] = pos;
      int len = ((bundle[pos] & 0xff) << 8) | (bundle[pos + 1] & 0xff);
      pos += LENGTH_BYTES;
      if (bundle.length - pos < len) {
        throw tampered(tile, entry, "length " + len + " runs past the end of the bundle");
      }
      pos += len;
    }
    starts[tile.width()] = pos;
    if (pos != bundle.length) {
      throw tampered(
          tile, first + tile.width() - 1, (bundle.length - pos) + " bytes after the last entry");
    }
    return starts;
  }

  private static LogAuditException tampered(Tile tile, long entry, String detail) {
    return new LogAuditException(Kind.TAMPERED_ENTRY, tile.entriesPath(), entry, detail);
  }
}
