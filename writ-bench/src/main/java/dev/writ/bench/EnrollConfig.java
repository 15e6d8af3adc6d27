package dev.writ.bench;

import java.time.Duration;
import java.util.Set;

/**
 * The settings of one {@link EnrollBench} run, read from its command line.
 *
 * @param rounds measured rounds; each times both configurations
 * @param enrollments degraded enrollments (no evidence) per round
 * @param tpmEnrollments swtpm enrollments per round
 * @param warmup degraded enrollments before the first round, not recorded
 * @param tpmWarmup swtpm enrollments before the first round, not recorded (the first one also
 *     creates the attestation key)
 * @param tpm whether to start a swtpm and measure the TPM configuration at all
 * @param budget stop starting rounds after this long (warmup included)
 */
record EnrollConfig(
    int rounds,
    int enrollments,
    int tpmEnrollments,
    int warmup,
    int tpmWarmup,
    boolean tpm,
    Duration budget) {
  /** The usage line main prints with a refusal. */
  static final String USAGE =
      "usage: EnrollBench [--rounds N] [--enrollments N] [--tpm-enrollments N] [--warmup N]"
          + " [--tpm-warmup N] [--max-seconds S] [--no-tpm]";

  /** 5 rounds of 40 degraded and 4 swtpm enrollments: 200 and 20 measured. */
  static final EnrollConfig DEFAULTS =
      new EnrollConfig(5, 40, 4, 20, 2, true, Duration.ofMinutes(5));

  /** The options that take an integer value. */
  private static final Set<String> VALUED =
      Set.of(
          "--rounds",
          "--enrollments",
          "--tpm-enrollments",
          "--warmup",
          "--tpm-warmup",
          "--max-seconds");

  /** Counts above this are typing errors, not benchmarks (and would outlast any budget). */
  static final int MAX_COUNT = 100_000;

  EnrollConfig {
    if (rounds < 1 || enrollments < 1 || tpmEnrollments < 1) {
      throw new IllegalArgumentException(
          "--rounds, --enrollments and --tpm-enrollments must be at least 1");
    }
    if (warmup < 0 || tpmWarmup < 0) {
      throw new IllegalArgumentException("--warmup and --tpm-warmup must be at least 0");
    }
    for (int n : new int[] {rounds, enrollments, tpmEnrollments, warmup, tpmWarmup}) {
      if (n > MAX_COUNT) {
        throw new IllegalArgumentException("counts must be at most " + MAX_COUNT);
      }
    }
    if (budget.isNegative() || budget.isZero()) {
      throw new IllegalArgumentException("--max-seconds must be at least 1");
    }
  }

  /**
   * {@link #DEFAULTS} with the options in {@code args} applied.
   *
   * @throws IllegalArgumentException for an unknown option, a missing or non-numeric value, or a
   *     value out of range, with a one-line message
   */
  static EnrollConfig parse(String... args) {
    int rounds = DEFAULTS.rounds;
    int enrollments = DEFAULTS.enrollments;
    int tpmEnrollments = DEFAULTS.tpmEnrollments;
    int warmup = DEFAULTS.warmup;
    int tpmWarmup = DEFAULTS.tpmWarmup;
    boolean tpm = DEFAULTS.tpm;
    long seconds = DEFAULTS.budget.toSeconds();
    for (int i = 0; i < args.length; i++) {
      String option = args[i];
      if (option.equals("--no-tpm")) {
        tpm = false;
        continue;
      }
      if (!VALUED.contains(option)) {
        throw new IllegalArgumentException("unknown option " + option);
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException("option " + option + " needs a value");
      }
      int v = number(option, args[++i]);
      switch (option) {
        case "--rounds" -> rounds = v;
        case "--enrollments" -> enrollments = v;
        case "--tpm-enrollments" -> tpmEnrollments = v;
        case "--warmup" -> warmup = v;
        case "--tpm-warmup" -> tpmWarmup = v;
        case "--max-seconds" -> seconds = v;
        default -> throw new IllegalStateException("option " + option + " listed but not read");
      }
    }
    return new EnrollConfig(
        rounds, enrollments, tpmEnrollments, warmup, tpmWarmup, tpm, Duration.ofSeconds(seconds));
  }

  private static int number(String option, String value) {
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + " takes an integer, not '" + value + "'", e);
    }
  }
}
