package dev.writ.bench;

import java.util.Arrays;

/**
 * Order statistics of a finished sample: median and nearest-rank percentiles. Immutable (it sorts a
 * private copy); thread-safe.
 */
final class Percentiles {
  private final double[] sorted;

  /**
   * @throws IllegalArgumentException if {@code values} is empty or holds a NaN
   */
  Percentiles(double[] values) {
    if (values.length == 0) {
      throw new IllegalArgumentException("no values");
    }
    sorted = values.clone();
    Arrays.sort(sorted);
    if (Double.isNaN(sorted[sorted.length - 1])) {
      throw new IllegalArgumentException("a value is NaN");
    }
  }

  int count() {
    return sorted.length;
  }

  double min() {
    return sorted[0];
  }

  double max() {
    return sorted[sorted.length - 1];
  }

  /** The upper median: the middle value, or the higher of the two middle ones. */
  double median() {
    return sorted[sorted.length / 2];
  }

  /**
   * The nearest-rank percentile: the smallest value with at least {@code p} percent of the sample
   * at or below it (rank ceil(p n / 100), in integers). With fewer than 100 values, p99 is the
   * maximum.
   *
   * @throws IllegalArgumentException unless {@code 1 <= p <= 100}
   */
  double percentile(int p) {
    if (p < 1 || p > 100) {
      throw new IllegalArgumentException("percentile " + p + " is not in 1..100");
    }
    long rank = ((long) p * sorted.length + 99) / 100;
    return sorted[(int) rank - 1];
  }
}
