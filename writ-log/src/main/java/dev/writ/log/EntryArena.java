package dev.writ.log;

import java.security.MessageDigest;
import java.util.Arrays;

/**
 * Log entries stored back to back in flat chunks of at most {@value #CHUNK_BYTES} bytes, each entry
 * framed as in an entry bundle (big-endian uint16 length, then the bytes). An entry never spans two
 * chunks; a position is {@code chunk << 20 | offset}. Chunk 0 starts at 4 KiB and doubles.
 *
 * <p>A chunk is a little under 512 KiB so that it stays below G1's humongous-object threshold (half
 * a region; regions are at least 1 MiB): a humongous array takes whole regions, and a 1 MiB chunk
 * would have cost two.
 *
 * <p>The same single-writer, published-size discipline as {@link RecordStore}: readers read only
 * positions the owner published after writing them, through the volatile chunk directory.
 */
final class EntryArena {
  private static final int CHUNK_SHIFT = 20;

  /**
   * Bytes per chunk: 512 KiB less room for the array header; 7 maximal framed entries, and at most
   * one entry's worth is left unused at the end of a chunk.
   */
  static final int CHUNK_BYTES = (1 << 19) - 64;

  private static final int FIRST_BYTES = 4096;
  private static final int LENGTH_BYTES = 2;

  private volatile byte[][] chunks = new byte[0][];

  /** Writer only: bytes used in the last chunk. */
  private int used;

  /** Writer only: stores a copy of {@code entry} and returns its position. */
  long add(byte[] entry) {
    int need = LENGTH_BYTES + entry.length;
    byte[][] dir = chunks;
    boolean grew = false;
    int k = dir.length - 1;
    if (k < 0 || dir[k].length - used < need) {
      grew = true;
      if (k == 0 && dir[0].length < CHUNK_BYTES && used + need <= CHUNK_BYTES) {
        int grown = dir[0].length;
        while (grown < used + need) {
          grown *= 2;
        }
        dir = dir.clone();
        dir[0] = Arrays.copyOf(dir[0], Math.min(grown, CHUNK_BYTES));
      } else {
        k++;
        dir = Arrays.copyOf(dir, k + 1);
        dir[k] = new byte[k == 0 ? Math.max(FIRST_BYTES, need) : CHUNK_BYTES];
        used = 0;
      }
    }
    byte[] chunk = dir[k];
    chunk[used] = (byte) (entry.length >>> 8);
    chunk[used + 1] = (byte) entry.length;
    System.arraycopy(entry, 0, chunk, used + LENGTH_BYTES, entry.length);
    long position = ((long) k << CHUNK_SHIFT) | used;
    used += need;
    if (grew) {
      chunks = dir;
    }
    return position;
  }

  /** A copy of the entry at {@code position}. */
  byte[] get(long position) {
    byte[] chunk = chunks[chunkOf(position)];
    int at = offsetOf(position);
    return Arrays.copyOfRange(chunk, at + LENGTH_BYTES, at + LENGTH_BYTES + length(chunk, at));
  }

  /** Feeds the leaf-hash input of the entry at {@code position} (its bytes) to {@code md}. */
  void update(MessageDigest md, long position) {
    byte[] chunk = chunks[chunkOf(position)];
    int at = offsetOf(position);
    md.update(chunk, at + LENGTH_BYTES, length(chunk, at));
  }

  /** Length of the framed entry (prefix included) at {@code position}. */
  int framedLength(long position) {
    byte[] chunk = chunks[chunkOf(position)];
    return LENGTH_BYTES + length(chunk, offsetOf(position));
  }

  /** Copies the framed entry at {@code position} into {@code out} at {@code at}; its length. */
  int copyFramed(long position, byte[] out, int at) {
    byte[] chunk = chunks[chunkOf(position)];
    int from = offsetOf(position);
    int n = LENGTH_BYTES + length(chunk, from);
    System.arraycopy(chunk, from, out, at, n);
    return n;
  }

  long allocatedBytes() {
    long n = 0;
    for (byte[] c : chunks) {
      n += c.length;
    }
    return n;
  }

  private static int length(byte[] chunk, int at) {
    return ((chunk[at] & 0xff) << 8) | (chunk[at + 1] & 0xff);
  }

  private static int chunkOf(long position) {
    return Math.toIntExact(position >>> CHUNK_SHIFT);
  }

  private static int offsetOf(long position) {
    return (int) (position & ((1 << CHUNK_SHIFT) - 1));
  }
}
