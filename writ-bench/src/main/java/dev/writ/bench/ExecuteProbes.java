package dev.writ.bench;

import dev.writ.core.ContentId;
import dev.writ.core.Tier;
import dev.writ.core.content.ContentStore;
import dev.writ.identity.svid.ResultSignature;
import dev.writ.identity.svid.SvidCredentials;
import dev.writ.sandbox.ExecutionLimits;
import dev.writ.sandbox.ExecutionRequest;
import dev.writ.sandbox.ExecutionResult;
import dev.writ.sandbox.Outcome;
import dev.writ.sandbox.SandboxTier;
import dev.writ.sandbox.Sandboxes;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The costs the agent's steps are made of, each timed alone after the measured writs, with the
 * agents idle: the result signature on a TPM-resident key, one HTTPS round trip and one fsync, and
 * the agent's act step rebuilt from the same public parts {@code AgentRunner} uses (content store,
 * a private run folder, the tier, the signature, a durable outbox file), so that the act step seen
 * from the agent's log can be split into figures.
 *
 * <p>Not thread-safe: used by the bench thread.
 */
final class ExecuteProbes {
  /** Samples of the cheap probes. */
  private static final int SAMPLES = 50;

  private final SvidCredentials credentials;
  private final Sandboxes sandboxes;
  private final Path dir;
  private final PrintStream out;

  ExecuteProbes(SvidCredentials credentials, Sandboxes sandboxes, Path dir, PrintStream out) {
    this.credentials = credentials;
    this.sandboxes = sandboxes;
    this.dir = dir;
    this.out = out;
  }

  /** Times {@code count} result signatures with the host's TPM-resident key. */
  void tpmSigning(int count) throws Exception {
    byte[] doc = new byte[400];
    double[] ms = new double[count];
    for (int i = 0; i < count; i++) {
      doc[0] = (byte) i;
      long t0 = System.nanoTime();
      ResultSignature.sign(credentials, doc);
      ms[i] = ms(System.nanoTime() - t0);
    }
    Percentiles p = new Percentiles(ms);
    out.printf(
        Locale.ROOT,
        "execute-bench: alone: result signature (ResultSignature.sign, TPM2_Sign through one"
            + " tpm2-tools process on a swtpm), %d: p50 %.1f ms, p99 %.1f ms%n",
        count,
        p.percentile(50),
        p.percentile(99));
  }

  /**
   * One {@code GET /v1/content} on the operator's kept-alive connection (the agent makes two such
   * round trips before it acts: a consistency proof and the content) and one small durable write
   * (the agent's stores and outbox and the server's Raft log sync their writes).
   */
  void fetchAndSync(ExecuteOperator operator, ContentId content) throws Exception {
    double[] get = new double[SAMPLES];
    double[] sync = new double[SAMPLES];
    Path probes = Files.createDirectories(dir.resolve("sync"));
    for (int i = 0; i < SAMPLES; i++) {
      long t0 = System.nanoTime();
      operator.get(content);
      long t1 = System.nanoTime();
      durableWrite(probes.resolve("probe-" + i), new byte[256]);
      get[i] = ms(t1 - t0);
      sync[i] = ms(System.nanoTime() - t1);
    }
    Percentiles g = new Percentiles(get);
    Percentiles f = new Percentiles(sync);
    out.printf(
        Locale.ROOT,
        "execute-bench: alone: GET /v1/content (kept-alive TLS), %d: p50 %.1f ms, p99 %.1f ms;"
            + " a 256-byte file written, fsynced, renamed, folder fsynced: p50 %.1f ms, p99"
            + " %.1f ms%n",
        SAMPLES,
        g.percentile(50),
        g.percentile(99),
        f.percentile(50),
        f.percentile(99));
  }

  /**
   * The agent's act step for {@code tier}, rebuilt: store the content, run it in a fresh private
   * folder (removed afterwards), sign a result, write it durably.
   */
  void actAlone(Tier tier, byte[] content, int count) throws Exception {
    SandboxTier sandbox = sandboxes.require(tier, Tier.PROCESS);
    ContentId id = ContentId.of(content);
    Path root = Files.createDirectories(dir.resolve("act-" + tier.wire()));
    ContentStore store = ContentStore.open(root.resolve("content"));
    Path runs = Files.createDirectories(root.resolve("runs"));
    Path outbox = Files.createDirectories(root.resolve("outbox"));
    double[] storeMs = new double[count];
    double[] runMs = new double[count];
    double[] signMs = new double[count];
    double[] outboxMs = new double[count];
    double[] total = new double[count];
    byte[] doc = new byte[400];
    for (int i = 0; i < count; i++) {
      long t0 = System.nanoTime();
      store.putBytes(content, id);
      long t1 = System.nanoTime();
      Path run =
          Files.createTempDirectory(
              runs,
              "run-",
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      Path file = Files.write(run.resolve("content"), content);
      Path work = Files.createDirectory(run.resolve("work"));
      ExecutionResult r =
          sandbox.run(
              ExecutionRequest.builder(file, work).limits(ExecutionLimits.defaults()).build());
      deleteTree(run);
      if (r.outcome() != Outcome.EXITED || r.exitCode().getAsInt() != 0) {
        throw new IOException(tier.wire() + " run did not exit 0: " + r.reason());
      }
      long t2 = System.nanoTime();
      doc[0] = (byte) i;
      ResultSignature.sign(credentials, doc);
      long t3 = System.nanoTime();
      Path saved = outbox.resolve("result.json");
      durableWrite(saved, doc);
      Files.delete(saved);
      long t4 = System.nanoTime();
      storeMs[i] = ms(t1 - t0);
      runMs[i] = ms(t2 - t1);
      signMs[i] = ms(t3 - t2);
      outboxMs[i] = ms(t4 - t3);
      total[i] = ms(t4 - t0);
    }
    out.printf(
        Locale.ROOT,
        "execute-bench: alone: act step of %s rebuilt, %d: store %s, run (folder + tier +"
            + " cleanup) %s, sign %s, outbox %s; whole %s ms p50/p99%n",
        tier.wire(),
        count,
        pair(storeMs),
        pair(runMs),
        pair(signMs),
        pair(outboxMs),
        pair(total));
  }

  /**
   * Writes {@code bytes} as the agent's durable files do: temp file, fsync, rename, folder fsync.
   */
  private static void durableWrite(Path target, byte[] bytes) throws IOException {
    Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
    try (FileChannel ch =
        FileChannel.open(
            tmp,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(bytes));
      ch.force(true);
    }
    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    try (FileChannel d = FileChannel.open(target.getParent(), StandardOpenOption.READ)) {
      d.force(true);
    }
  }

  private static String pair(double[] values) {
    Percentiles p = new Percentiles(values);
    return String.format(Locale.ROOT, "%.1f/%.1f", p.percentile(50), p.percentile(99));
  }

  private static double ms(long nanos) {
    return nanos / 1e6;
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
