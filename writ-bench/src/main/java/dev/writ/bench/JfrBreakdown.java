package dev.writ.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * Reads a JFR recording of a Writ server and says where its Java threads spent their time during
 * the given windows: every {@code jdk.ExecutionSample} is put in the first {@link Category} whose
 * frame appears anywhere in its stack (so a signature check inside the spend call counts as the
 * signature check, and the Ratis client call inside the verifier as the Ratis client), and samples
 * are also counted by thread group and by top frame. It adds the windows' fsyncs ({@code
 * jdk.FileForce}) and garbage collection pauses. Execution samples cover Java code only: time in
 * the kernel, in GC and JIT threads is not in them (the load generator's per-thread CPU figures
 * are).
 *
 * <p>Usage: {@code JfrBreakdown FILE [--window FROM_MS-TO_MS]... [--top N]}. Stateless apart from
 * its run; not meant to be shared between threads.
 */
public final class JfrBreakdown {
  /** The categories, in the order a sample is tested against them. */
  enum Category {
    SNAPSHOT("state machine snapshot (takeSnapshot)"),
    CHECKPOINT_SIGN("checkpoint signing (Ed25519 sign, log key)"),
    ED25519_VERIFY("Ed25519 verify of the writ signature"),
    LEDGER_CLIENT("spend: command encoding + Ratis client (to the peer over gRPC)"),
    APPLY("state machine apply (spend note, leaf, tree hashes)"),
    RECEIPT("receipt: wait for apply, inclusion proof, checkpoint reuse"),
    VERIFIER_OTHER("verifier: parse, canonical JSON checks, other checks"),
    ANSWER_JSON("answer JSON and metrics (Reply, CanonicalJson, Prometheus)"),
    RATIS_LOG("Ratis log: segmented log write and flush"),
    RATIS_SERVER("Ratis server: other"),
    GRPC("gRPC / Netty transport (Ratis)"),
    RATIS_CLIENT("Ratis client: other (its own threads)"),
    JETTY("Jetty HTTP: parse, I/O, dispatch"),
    OTHER("other");

    final String label;

    Category(String label) {
      this.label = label;
    }

    boolean matches(Frame f) {
      String t = f.type();
      return switch (this) {
        case SNAPSHOT -> f.is("WritStateMachine", "takeSnapshot");
        case CHECKPOINT_SIGN -> f.is("CheckpointSigner", "sign");
        case ED25519_VERIFY ->
            t.endsWith("PublicKeyVerifier$Ed25519Key") && f.method().equals("verify");
        case LEDGER_CLIENT -> t.endsWith("RatisSpendLedger");
        case APPLY -> f.is("WritStateMachine", "applyTransaction");
        case RECEIPT -> t.endsWith("ReceiptIssuer");
        case VERIFIER_OTHER -> t.equals("dev.writ.core.Verifier");
        case ANSWER_JSON ->
            t.startsWith("dev.writ.server.Reply")
                || t.startsWith("dev.writ.server.ServerMetrics")
                || t.startsWith("io.prometheus");
        case RATIS_LOG -> t.startsWith("org.apache.ratis.server.raftlog");
        case RATIS_SERVER -> t.startsWith("org.apache.ratis.server");
        case GRPC ->
            t.startsWith("org.apache.ratis.thirdparty.io.grpc")
                || t.startsWith("org.apache.ratis.thirdparty.io.netty")
                || t.startsWith("org.apache.ratis.grpc");
        case RATIS_CLIENT -> t.startsWith("org.apache.ratis.client");
        case JETTY -> t.startsWith("org.eclipse.jetty");
        case OTHER -> true;
      };
    }
  }

  /** One frame's declaring type (binary name) and method. */
  record Frame(String type, String method) {
    boolean is(String simpleType, String name) {
      return method.equals(name)
          && (type.endsWith("." + simpleType) || type.endsWith("$" + simpleType));
    }
  }

  /** A closed interval of wall-clock milliseconds. */
  record Window(long fromMs, long toMs) {
    boolean contains(Instant t) {
      long ms = t.toEpochMilli();
      return ms >= fromMs && ms <= toMs;
    }

    static Window parse(String s) {
      int dash = s.indexOf('-');
      if (dash <= 0) {
        throw new IllegalArgumentException("--window must be FROM_MS-TO_MS, got " + s);
      }
      try {
        return new Window(
            Long.parseLong(s.substring(0, dash)), Long.parseLong(s.substring(dash + 1)));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("--window must be FROM_MS-TO_MS, got " + s, e);
      }
    }
  }

  /** Tallies of one recording. */
  static final class Tally {
    final Map<Category, Long> categories = new TreeMap<>();
    final Map<String, Long> threads = new TreeMap<>();
    final Map<String, Long> topFrames = new TreeMap<>();
    long samples;
    long fsyncs;
    Duration fsyncTime = Duration.ZERO;
    long gcs;
    Duration gcPause = Duration.ZERO;

    void sample(List<Frame> stack, String thread) {
      samples++;
      Category c = classify(stack);
      categories.merge(c, 1L, Long::sum);
      threads.merge(thread, 1L, Long::sum);
      if (!stack.isEmpty()) {
        Frame top = stack.get(0);
        topFrames.merge(top.type + "." + top.method, 1L, Long::sum);
      }
    }
  }

  private JfrBreakdown() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  static int run(String[] args, PrintStream out, PrintStream err) {
    Path file = null;
    List<Window> windows = new ArrayList<>();
    int top = 15;
    try {
      for (int i = 0; i < args.length; i++) {
        switch (args[i]) {
          case "--window" -> windows.add(Window.parse(value(args, ++i, "--window")));
          case "--top" -> top = Integer.parseInt(value(args, ++i, "--top"));
          default -> {
            if (file != null || args[i].startsWith("--")) {
              throw new IllegalArgumentException("unexpected argument " + args[i]);
            }
            file = Path.of(args[i]);
          }
        }
      }
      if (file == null) {
        throw new IllegalArgumentException("give a .jfr file");
      }
    } catch (IllegalArgumentException e) {
      err.println("jfr-breakdown: " + e.getMessage());
      err.println("usage: JfrBreakdown FILE [--window FROM_MS-TO_MS]... [--top N]");
      return 64;
    }
    try {
      print(read(file, windows), top, out);
      return 0;
    } catch (IOException e) {
      err.println("jfr-breakdown: cannot read " + file + ": " + e.getMessage());
      return 1;
    }
  }

  private static String value(String[] args, int i, String opt) {
    if (i >= args.length) {
      throw new IllegalArgumentException(opt + " needs a value");
    }
    return args[i];
  }

  static Category classify(List<Frame> stack) {
    for (Category c : Category.values()) {
      for (Frame f : stack) {
        if (c.matches(f)) {
          return c;
        }
      }
    }
    return Category.OTHER;
  }

  static Tally read(Path file, List<Window> windows) throws IOException {
    Tally t = new Tally();
    try (RecordingFile rf = new RecordingFile(file)) {
      while (rf.hasMoreEvents()) {
        RecordedEvent e = rf.readEvent();
        if (!windows.isEmpty() && windows.stream().noneMatch(w -> w.contains(e.getStartTime()))) {
          continue;
        }
        switch (e.getEventType().getName()) {
          case "jdk.ExecutionSample" -> {
            RecordedThread th = e.getThread("sampledThread");
            String name = th == null ? "?" : String.valueOf(th.getJavaName());
            t.sample(stack(e.getStackTrace()), name.replaceAll("[0-9]+", "N"));
          }
          case "jdk.FileForce" -> {
            t.fsyncs++;
            t.fsyncTime = t.fsyncTime.plus(e.getDuration());
          }
          case "jdk.GarbageCollection" -> {
            t.gcs++;
            t.gcPause = t.gcPause.plus(e.getDuration("sumOfPauses"));
          }
          default -> {}
        }
      }
    }
    return t;
  }

  private static List<Frame> stack(RecordedStackTrace trace) {
    List<Frame> frames = new ArrayList<>();
    if (trace == null) {
      return frames;
    }
    for (RecordedFrame f : trace.getFrames()) {
      if (f.getMethod() != null) {
        frames.add(new Frame(f.getMethod().getType().getName(), f.getMethod().getName()));
      }
    }
    return frames;
  }

  static void print(Tally t, int top, PrintStream out) {
    out.printf(Locale.ROOT, "execution samples: %d%n", t.samples);
    out.println("  by category (first match in the stack):");
    sorted(t.categories)
        .forEach(
            (c, n) ->
                out.printf(Locale.ROOT, "  %6d %5.1f %%  %s%n", n, pct(n, t.samples), c.label));
    out.println("  by thread group:");
    sorted(t.threads).entrySet().stream()
        .limit(top)
        .forEach(
            e ->
                out.printf(
                    Locale.ROOT,
                    "  %6d %5.1f %%  %s%n",
                    e.getValue(),
                    pct(e.getValue(), t.samples),
                    e.getKey()));
    out.println("  top frames:");
    sorted(t.topFrames).entrySet().stream()
        .limit(top)
        .forEach(
            e ->
                out.printf(
                    Locale.ROOT,
                    "  %6d %5.1f %%  %s%n",
                    e.getValue(),
                    pct(e.getValue(), t.samples),
                    e.getKey()));
    out.printf(
        Locale.ROOT,
        "fsync (jdk.FileForce): %d calls, %.3f s in total, %.3f ms mean%n",
        t.fsyncs,
        t.fsyncTime.toNanos() / 1e9,
        t.fsyncs == 0 ? 0 : t.fsyncTime.toNanos() / 1e6 / t.fsyncs);
    out.printf(
        Locale.ROOT,
        "garbage collections: %d, pauses %.3f s in total%n",
        t.gcs,
        t.gcPause.toNanos() / 1e9);
  }

  private static double pct(long n, long total) {
    return total == 0 ? 0 : n * 100.0 / total;
  }

  private static <K> Map<K, Long> sorted(Map<K, Long> m) {
    Map<K, Long> out = new LinkedHashMap<>();
    m.entrySet().stream()
        .sorted(Map.Entry.<K, Long>comparingByValue(Comparator.reverseOrder()))
        .forEach(e -> out.put(e.getKey(), e.getValue()));
    return out;
  }
}
