package dev.writ.log;

import java.security.DigestException;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * A growing array of fixed-size records (32-byte hashes, 8-byte positions) kept in flat chunks of
 * {@value #CHUNK_RECORDS} records, so that a million records are a few hundred arrays, not a
 * million objects. Chunk 0 starts small and doubles up to the full chunk size, so a short log stays
 * small.
 *
 * <p>One writer appends records in index order ({@link #reserve} then a write); readers on other
 * threads read records whose index the owner published after writing them (see {@link
 * AppendOnlyLog}). The chunk directory is replaced, never changed in place, and published through a
 * volatile field; a chunk is never changed below an index that was already written (a grown chunk 0
 * is a copy that holds every record of the old one), so a reader that read the owner's published
 * size before the directory sees every record below that size.
 */
final class RecordStore {
  /** Records per chunk; a multiple of {@link Tile#WIDTH}, so no tile spans two chunks. */
  static final int CHUNK_RECORDS = 4096;

  private static final int CHUNK_SHIFT = Integer.numberOfTrailingZeros(CHUNK_RECORDS);
  private static final int FIRST_RECORDS = 16;

  private final int recordBytes;

  /** Published directory: chunk k holds records {@code k * CHUNK_RECORDS ..}. */
  private volatile byte[][] chunks = new byte[0][];

  RecordStore(int recordBytes) {
    this.recordBytes = recordBytes;
  }

  /** Writer only: makes sure record {@code index} has room; returns its chunk. */
  byte[] reserve(long index) {
    byte[][] dir = chunks;
    int k = chunkOf(index);
    int end = (offsetOf(index) + 1) * recordBytes;
    if (k < dir.length && dir[k].length >= end) {
      return dir[k];
    }
    byte[][] next;
    if (k == dir.length) {
      next = Arrays.copyOf(dir, k + 1);
      next[k] = new byte[(k == 0 ? FIRST_RECORDS : CHUNK_RECORDS) * recordBytes];
    } else if (k == 0) {
      int grown = dir[0].length;
      while (grown < end) {
        grown *= 2;
      }
      next = dir.clone();
      next[0] = Arrays.copyOf(dir[0], Math.min(grown, CHUNK_RECORDS * recordBytes));
    } else {
      throw new IllegalStateException("record " + index + " is not the next one");
    }
    if (next[k].length < end) {
      throw new IllegalStateException("record " + index + " is not the next one");
    }
    chunks = next;
    return next[k];
  }

  /** Writer only: finishes {@code md} into record {@code index}. */
  void digestInto(long index, MessageDigest md) {
    byte[] chunk = reserve(index);
    try {
      md.digest(chunk, offsetOf(index) * recordBytes, recordBytes);
    } catch (DigestException e) {
      throw new LogBugException("a record has room for a SHA-256 digest", e);
    }
  }

  /** Writer only: record {@code index} as a big-endian long (8-byte records). */
  void putLong(long index, long value) {
    byte[] chunk = reserve(index);
    int at = offsetOf(index) * recordBytes;
    for (int i = 7; i >= 0; i--) {
      chunk[at + i] = (byte) value;
      value >>>= 8;
    }
  }

  /** Record {@code index} as a big-endian long (8-byte records). */
  long getLong(long index) {
    byte[] chunk = chunks[chunkOf(index)];
    int at = offsetOf(index) * recordBytes;
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (chunk[at + i] & 0xff);
    }
    return v;
  }

  /** Feeds record {@code index} to {@code md}. */
  void update(MessageDigest md, long index) {
    md.update(chunks[chunkOf(index)], offsetOf(index) * recordBytes, recordBytes);
  }

  /** A copy of record {@code index}. */
  byte[] get(long index) {
    return copy(index, 1);
  }

  /** A copy of {@code count} records from {@code first}, which must not cross a chunk. */
  byte[] copy(long first, int count) {
    byte[] chunk = chunks[chunkOf(first)];
    int from = offsetOf(first) * recordBytes;
    return Arrays.copyOfRange(chunk, from, from + count * recordBytes);
  }

  /** Bytes held by the chunks (for the heap figures in {@link AppendOnlyLog}). */
  long allocatedBytes() {
    long n = 0;
    for (byte[] c : chunks) {
      n += c.length;
    }
    return n;
  }

  private static int chunkOf(long index) {
    return Math.toIntExact(index >>> CHUNK_SHIFT);
  }

  private static int offsetOf(long index) {
    return (int) (index & (CHUNK_RECORDS - 1));
  }
}
