package dev.writ.bench;

import dev.writ.core.json.CanonicalJson;
import dev.writ.core.json.JsonValue;
import dev.writ.core.json.JsonValue.JsonInteger;
import dev.writ.core.json.JsonValue.JsonObject;
import dev.writ.core.json.JsonValue.JsonString;
import dev.writ.log.AppendOnlyLog;
import dev.writ.log.AuditedLog;
import dev.writ.log.LogAuditException;
import dev.writ.log.LogAuditor;
import dev.writ.log.LogKeySigner;
import dev.writ.log.LogSource;
import dev.writ.log.TileWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;

/**
 * {@code scripts/bench audit}: builds (once, cached) a tile log folder of N decision-record leaves
 * like the ones writ-state appends (RFC 8785 JSON, about 200 bytes), then times {@link
 * LogAuditor#verify} of it, in this JVM, over a number of runs.
 *
 * <p>Usage: {@code AuditBench --leaves N --dir DIR [--runs R]}. The folder is reused when its
 * marker file says it holds exactly N leaves of this format; otherwise it is deleted and rebuilt.
 * The log key is derived from a fixed seed (a benchmark key, never a real one), so the verifier key
 * is the same on every run; it is written to {@code DIR/log.vkey} for the CLI.
 *
 * <p>Not a JMH benchmark: one audit of a million leaves takes seconds and reads a few hundred MB,
 * so each run is timed once, after the folder is in the page cache from the build or a first run.
 */
public final class AuditBench {
  private static final String ORIGIN = "bench.writ.local/log";
  private static final String MARKER = "bench-complete";
  private static final String FORMAT = "decision-records-v1";
  private static final HexFormat HEX = HexFormat.of();

  private AuditBench() {}

  public static void main(String[] args) throws Exception {
    long leaves = 1_000_000;
    Path dir = null;
    int runs = 3;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (i + 1 >= args.length) {
        usage("option " + a + " needs a value");
      }
      String v = args[++i];
      switch (a) {
        case "--leaves" -> leaves = Long.parseLong(v);
        case "--dir" -> dir = Path.of(v);
        case "--runs" -> runs = Integer.parseInt(v);
        default -> usage("unknown option " + a);
      }
    }
    if (dir == null || leaves < 0 || leaves > Integer.MAX_VALUE || runs < 1) {
      usage("--dir is required; --leaves 0.." + Integer.MAX_VALUE + "; --runs at least 1");
      return;
    }
    PrintStream out = System.out;
    LogKeySigner signer = new LogKeySigner(ORIGIN, benchKey());
    ensureLog(dir, leaves, signer, out);
    out.println("audit-bench: vkey " + signer.verifierKey());
    double[] seconds = new double[runs];
    for (int r = 0; r < runs; r++) {
      long t0 = System.nanoTime();
      AuditedLog audited;
      try (LogSource source = LogSource.folder(dir)) {
        audited = LogAuditor.verify(source, signer.verifierKey(), Optional.empty());
      } catch (LogAuditException e) {
        out.println("audit-bench: FAIL " + e.getMessage());
        System.exit(1);
        return;
      }
      seconds[r] = (System.nanoTime() - t0) / 1e9;
      if (audited.checkpoint().size() != leaves) {
        throw new IllegalStateException("audited " + audited.checkpoint().size() + " leaves");
      }
      out.printf(Locale.ROOT, "audit-bench: run %d: %.3f s%n", r + 1, seconds[r]);
    }
    double[] sorted = seconds.clone();
    Arrays.sort(sorted);
    out.printf(
        Locale.ROOT,
        "audit-bench: LogAuditor.verify of %d leaves, %d runs: min %.3f s, median %.3f s, max %.3f s%n",
        leaves,
        runs,
        sorted[0],
        sorted[runs / 2],
        sorted[runs - 1]);
  }

  private static void usage(String problem) {
    System.err.println("AuditBench: " + problem);
    System.err.println("usage: AuditBench --leaves N --dir DIR [--runs R]");
    System.exit(64);
  }

  /** A fixed benchmark key: the same log key on every run, never used for anything else. */
  private static Ed25519PrivateKeyParameters benchKey() {
    byte[] seed = new byte[32];
    Arrays.fill(seed, (byte) 0x42);
    return new Ed25519PrivateKeyParameters(seed, 0);
  }

  private static void ensureLog(Path dir, long leaves, LogKeySigner signer, PrintStream out)
      throws IOException {
    Path marker = dir.resolve(MARKER);
    String expected = FORMAT + " leaves=" + leaves + " key=" + signer.verifierKey() + "\n";
    if (Files.isRegularFile(marker) && Files.readString(marker).equals(expected)) {
      out.println("audit-bench: reusing " + dir + " (" + leaves + " leaves)");
      return;
    }
    deleteTree(dir);
    long t0 = System.nanoTime();
    AppendOnlyLog log = new AppendOnlyLog();
    MessageDigest sha = sha256();
    for (long i = 0; i < leaves; i++) {
      log.append(record(i, sha));
    }
    long t1 = System.nanoTime();
    TileWriter.append(dir, ORIGIN, log, 0, signer);
    long t2 = System.nanoTime();
    Files.writeString(dir.resolve("log.vkey"), signer.verifierKey() + "\n");
    Files.writeString(marker, expected);
    out.printf(
        Locale.ROOT,
        "audit-bench: built %s: %d leaves (%.1f MB of entries) in %.1f s, tiles written in %.1f s%n",
        dir,
        leaves,
        folderBytes(dir.resolve("tile/entries")) / 1e6,
        (t1 - t0) / 1e9,
        (t2 - t1) / 1e9);
  }

  /**
   * Leaf {@code i}: what writ-state's DecisionRecords writes. Every tenth is a replayed spend
   * (deny, SPENT); the rest are allows. Ids and envelope digests are SHA-256 derived, so unique.
   */
  static byte[] record(long i, MessageDigest sha) {
    byte[] digest = sha.digest(("envelope " + i).getBytes(StandardCharsets.US_ASCII));
    String envelope = HEX.formatHex(digest);
    String id = envelope.substring(0, 32);
    String[] caps = {"deploy", "execute", "replicate", "discover"};
    Map<String, JsonValue> m = new LinkedHashMap<>();
    m.put("v", new JsonInteger(1));
    m.put("id", new JsonString(id));
    m.put("envelope_sha256", new JsonString(envelope));
    m.put("cap", new JsonString(caps[(int) (i % caps.length)]));
    boolean replay = i % 10 == 9;
    m.put("decision", new JsonString(replay ? "deny" : "allow"));
    if (replay) {
      m.put("reason", new JsonString("SPENT"));
    }
    m.put("time", new JsonInteger(1_893_456_000L + i / 50));
    m.put("index", new JsonInteger(i));
    return CanonicalJson.write(new JsonObject(m));
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is in every JDK", e);
    }
  }

  private static long folderBytes(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    long total = 0;
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        total += Files.size(p);
      }
    }
    return total;
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
