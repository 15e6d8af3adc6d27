package dev.writ.sandbox;

/**
 * The uids (each used as its own gid) the process tier runs executions as: {@code first} up to
 * {@code first + count - 1}, one per concurrent execution. The range must belong to Writ alone on
 * the host: no account, no other service, no other agent may use these ids, because the tier kills
 * every process it finds with an execution's uid. Immutable.
 *
 * @param first the first uid; at least {@link #MIN_FIRST}
 * @param count how many; between 1 and {@link #MAX_COUNT}
 */
public record UidRange(int first, int count) {

  /**
   * Lowest first uid accepted: 100000, above the ranges Debian reserves for system and regular
   * accounts (Debian Policy 9.2.2: 0-59999, 60000-64999, 65534) and where subordinate id ranges
   * conventionally start.
   */
  public static final int MIN_FIRST = 100_000;

  /** Most uids in a range: 65536. */
  public static final int MAX_COUNT = 65_536;

  /** The default: 256 uids from 1900000000. */
  public static final UidRange DEFAULT = new UidRange(1_900_000_000, 256);

  /** Validates the range. */
  public UidRange {
    if (first < MIN_FIRST) {
      throw new IllegalArgumentException(
          "first uid must be at least " + MIN_FIRST + ", got " + first);
    }
    if (count < 1 || count > MAX_COUNT) {
      throw new IllegalArgumentException(
          "uid count must be between 1 and " + MAX_COUNT + ", got " + count);
    }
    if ((long) first + count - 1 > Integer.MAX_VALUE - 1L) {
      throw new IllegalArgumentException("uid range " + first + "+" + count + " passes 2^31-2");
    }
  }
}
