package dev.writ.bench;

import dev.writ.core.Tier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The settings of one {@link ExecuteBench} run, read from its command line. Immutable.
 *
 * @param runs measured writs per tier and concurrency; at concurrency {@code c} each writ targets
 *     {@code c} nodes, so it gives {@code c} samples
 * @param warmup unrecorded writs per tier and concurrency before its measured ones
 * @param tiers the tiers measured, in the order given (only {@code wasm} and {@code process} run in
 *     this build)
 * @param concurrency the concurrencies measured, ascending, each from 1 to {@link
 *     #MAX_CONCURRENCY}; each has its own group of that many agents (each with its own swtpm), so
 *     that one glob names exactly the group
 * @param startupRuns measured wasm start-ups (part 2)
 * @param startupWarmup unrecorded wasm start-ups before them
 * @param tpmSigns result signatures timed on one agent's swtpm key, after the runs
 * @param budget start no writ after this long (enrollment and warmup included)
 */
record ExecuteConfig(
    int runs,
    int warmup,
    List<Tier> tiers,
    List<Integer> concurrency,
    int startupRuns,
    int startupWarmup,
    int tpmSigns,
    Duration budget) {
  // before DEFAULTS, whose construction checks against it
  /** The tiers this build implements (sandbox.md); the others are unavailable everywhere. */
  private static final Set<Tier> RUNNABLE = Set.of(Tier.WASM, Tier.PROCESS);

  /** The usage line main prints with a refusal. */
  static final String USAGE =
      "usage: ExecuteBench [--runs N] [--warmup N] [--tiers wasm,process] [--concurrency 1,10]"
          + " [--startup-runs N] [--startup-warmup N] [--tpm-signs N] [--max-seconds S]";

  /** 100 writs of each tier at 1 and at 10 targets (100 and 1,000 samples), 2,000 start-ups. */
  static final ExecuteConfig DEFAULTS =
      new ExecuteConfig(
          100,
          20,
          List.of(Tier.WASM, Tier.PROCESS),
          List.of(1, 10),
          2000,
          500,
          50,
          Duration.ofMinutes(9));

  /**
   * A work request names at most 64 targets (work.md section 2, {@code WorkRequest.MAX_TARGETS});
   * each target here is an agent with its own swtpm process, so the bench stops well below that.
   */
  static final int MAX_CONCURRENCY = 32;

  /** Agents in all groups together: each is an agent loop and a swtpm process on this machine. */
  static final int MAX_AGENTS = 40;

  /** Counts above this are typing errors, not benchmarks. */
  static final int MAX_COUNT = 1_000_000;

  private static final Set<String> VALUED =
      Set.of(
          "--runs",
          "--warmup",
          "--tiers",
          "--concurrency",
          "--startup-runs",
          "--startup-warmup",
          "--tpm-signs",
          "--max-seconds");

  ExecuteConfig {
    tiers = List.copyOf(tiers);
    concurrency = List.copyOf(concurrency);
    if (runs < 1 || startupRuns < 1 || tpmSigns < 1) {
      throw new IllegalArgumentException(
          "--runs, --startup-runs and --tpm-signs must be at least 1");
    }
    if (warmup < 0 || startupWarmup < 0) {
      throw new IllegalArgumentException("--warmup and --startup-warmup must be at least 0");
    }
    for (int n : new int[] {runs, warmup, startupRuns, startupWarmup, tpmSigns}) {
      if (n > MAX_COUNT) {
        throw new IllegalArgumentException("counts must be at most " + MAX_COUNT);
      }
    }
    if (tiers.isEmpty() || new TreeSet<>(tiers).size() != tiers.size()) {
      throw new IllegalArgumentException("--tiers lists each tier at most once, at least one");
    }
    for (Tier t : tiers) {
      if (!RUNNABLE.contains(t)) {
        throw new IllegalArgumentException(
            "--tiers: " + t.wire() + " is not implemented in this build (wasm, process)");
      }
    }
    if (concurrency.isEmpty()) {
      throw new IllegalArgumentException("--concurrency lists at least one number");
    }
    int last = 0;
    for (int c : concurrency) {
      if (c < 1 || c > MAX_CONCURRENCY) {
        throw new IllegalArgumentException(
            "--concurrency values are from 1 to " + MAX_CONCURRENCY + ", not " + c);
      }
      if (c <= last) {
        throw new IllegalArgumentException("--concurrency values are ascending and distinct");
      }
      last = c;
    }
    if (concurrency.stream().mapToInt(Integer::intValue).sum() > MAX_AGENTS) {
      throw new IllegalArgumentException(
          "--concurrency values add up to more than " + MAX_AGENTS + " agents");
    }
    if (budget.isNegative() || budget.isZero()) {
      throw new IllegalArgumentException("--max-seconds must be at least 1");
    }
  }

  /** The number of agents (each with its own swtpm) the run enrolls: one group per concurrency. */
  int agents() {
    return concurrency.stream().mapToInt(Integer::intValue).sum();
  }

  /**
   * {@link #DEFAULTS} with the options in {@code args} applied; a repeated option takes its last
   * value.
   *
   * @throws IllegalArgumentException for an unknown option, a missing or malformed value, or a
   *     value out of range, with a one-line message
   */
  static ExecuteConfig parse(String... args) {
    int runs = DEFAULTS.runs;
    int warmup = DEFAULTS.warmup;
    List<Tier> tiers = DEFAULTS.tiers;
    List<Integer> concurrency = DEFAULTS.concurrency;
    int startupRuns = DEFAULTS.startupRuns;
    int startupWarmup = DEFAULTS.startupWarmup;
    int tpmSigns = DEFAULTS.tpmSigns;
    long seconds = DEFAULTS.budget.toSeconds();
    for (int i = 0; i < args.length; i++) {
      String option = args[i];
      if (!VALUED.contains(option)) {
        throw new IllegalArgumentException("unknown option " + option);
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException("option " + option + " needs a value");
      }
      String value = args[++i];
      switch (option) {
        case "--runs" -> runs = number(option, value);
        case "--warmup" -> warmup = number(option, value);
        case "--tiers" -> tiers = tiers(value);
        case "--concurrency" -> concurrency = numbers(option, value);
        case "--startup-runs" -> startupRuns = number(option, value);
        case "--startup-warmup" -> startupWarmup = number(option, value);
        case "--tpm-signs" -> tpmSigns = number(option, value);
        case "--max-seconds" -> seconds = number(option, value);
        default -> throw new IllegalStateException("option " + option + " listed but not read");
      }
    }
    return new ExecuteConfig(
        runs,
        warmup,
        tiers,
        concurrency,
        startupRuns,
        startupWarmup,
        tpmSigns,
        Duration.ofSeconds(seconds));
  }

  private static List<Tier> tiers(String value) {
    List<Tier> out = new ArrayList<>();
    for (String name : items("--tiers", value)) {
      out.add(
          Tier.fromWire(name)
              .orElseThrow(
                  () -> new IllegalArgumentException("--tiers: unknown tier '" + name + "'")));
    }
    return out;
  }

  private static List<Integer> numbers(String option, String value) {
    List<Integer> out = new ArrayList<>();
    for (String n : items(option, value)) {
      out.add(number(option, n));
    }
    return out;
  }

  /** The comma-separated items of {@code value}; none may be empty. */
  private static List<String> items(String option, String value) {
    String[] parts = value.split(",", -1);
    for (String p : parts) {
      if (p.isEmpty()) {
        throw new IllegalArgumentException(
            option + " takes a comma-separated list, not '" + value + "'");
      }
    }
    return List.of(parts);
  }

  private static int number(String option, String value) {
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + " takes an integer, not '" + value + "'", e);
    }
  }
}
