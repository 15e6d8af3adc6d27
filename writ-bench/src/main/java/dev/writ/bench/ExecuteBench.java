package dev.writ.bench;

import dev.writ.core.AttestationPolicy;
import dev.writ.core.ContentId;
import dev.writ.core.SpiffeId;
import dev.writ.core.Tier;
import dev.writ.identity.Fingerprint;
import dev.writ.identity.svid.TrustBundle;
import dev.writ.identity.svid.TrustDomain;
import dev.writ.identity.tpm.SwtpmProcess;
import dev.writ.log.NoteVerifierKey;
import dev.writ.sandbox.Availability;
import dev.writ.sandbox.SampleContent;
import dev.writ.sandbox.Sandboxes;
import dev.writ.server.WritServer;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * {@code scripts/bench execute}: writ-to-result latency of {@code execute} on warm agents, and the
 * wasm tier's start-up.
 *
 * <p><b>Writ-to-result latency</b> is the time from the start of the operator's {@code POST
 * /v1/writs} of an already-signed execute writ (its request opened with {@code POST /v1/work/open}
 * beforehand) to the moment the target's agent has the server's 200 for its signed result ({@code
 * AgentRunner} logs {@code result <id> done recorded}). Everything runs in this JVM: an in-process
 * {@link WritServer} (embedded Raft peer, TLS on loopback), and for each concurrency {@code c} a
 * group of {@code c} hosts, each a swtpm, an enrollment that puts the node key in that TPM (posture
 * attested-software) and a running {@code AgentRunner} with the bench's pinned root and log key.
 * Concurrency {@code c} is one writ whose glob names exactly the {@code c} hosts of its group: the
 * fleet's fan-out, {@code c} agents acting at once, each answering its own item; each host gives
 * one sample. Writs are sequential (the next is submitted when every result of the last was
 * recorded); warmup writs first, so each agent's stream is connected and its code is warm.
 *
 * <p>The breakdown comes from the agent's own log lines, stamped as they arrive: submit (the
 * operator's POST answered), then to {@code acting on} (event delivered, receipt, consistency proof
 * fetched, content fetched and hashed, writ verified in node scope, acted-on store fsynced), then
 * to {@code ran} (content stored, run in the tier, result signed in the TPM and written to the
 * outbox; the execution's own {@code exec.wall_ms} is reported apart), then to {@code recorded}
 * (the result posted, verified, replicated and answered). The TPM signature is timed apart, after
 * the runs, on one host's key. Usage: {@link ExecuteConfig#USAGE}.
 */
public final class ExecuteBench {
  private static final String ATTESTED = "attested-software";

  /** A result not recorded this long after its submit fails the bench. */
  private static final Duration RESULT_LIMIT = Duration.ofSeconds(60);

  /** The goals for the p50 on a warm agent, by tier. */
  private static final double WASM_GOAL_MS = 50;

  private static final double PROCESS_GOAL_MS = 100;

  /** The process tier's content: a shell script, what a fleet most often runs this way. */
  static final byte[] PROCESS_CONTENT =
      "#!/bin/sh\necho 'hello, writ'\n".getBytes(StandardCharsets.US_ASCII);

  private static final String ROLLOUT = "bench-execute";

  private ExecuteBench() {}

  public static void main(String[] args) throws Exception {
    ExecuteConfig config;
    try {
      config = ExecuteConfig.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("ExecuteBench: " + e.getMessage());
      System.err.println(ExecuteConfig.USAGE);
      System.exit(64);
      return;
    }
    run(config, System.out);
  }

  /** Runs both parts and prints their lines to {@code out}; deletes its temporary directory. */
  static void run(ExecuteConfig config, PrintStream out) throws Exception {
    Path dir = Files.createTempDirectory("writ-execute-bench-");
    try {
      WasmStartup.measure(
          config.startupWarmup(),
          config.startupRuns(),
          Files.createDirectories(dir.resolve("startup")),
          out);
      endToEnd(config, dir, Clock.systemUTC(), new SecureRandom(), out);
    } finally {
      deleteTree(dir);
    }
  }

  /** One measured (tier, concurrency): its samples, or why it was not measured. */
  private static final class Row {
    final Tier tier;
    final int concurrency;
    final List<Sample> samples = new ArrayList<>();
    String unavailable = "";
    int writs;
    int disturbed;

    Row(Tier tier, int concurrency) {
      this.tier = tier;
      this.concurrency = concurrency;
    }
  }

  /** One node's answer to one writ, in milliseconds. */
  private record Sample(
      double total, double submit, double check, double act, double report, double wall) {}

  private static void endToEnd(
      ExecuteConfig config, Path dir, Clock clock, SecureRandom random, PrintStream out)
      throws Exception {
    int agents = config.agents();
    out.printf(
        Locale.ROOT,
        "execute-bench: starting %d swtpms and enrolling %d agents (one group per concurrency"
            + " %s)%n",
        agents,
        agents,
        config.concurrency());
    try (ExecuteHosts hosts =
        ExecuteHosts.startTpms(dir.resolve("tpm"), dir.resolve("tpm-ca"), agents)) {
      ExecuteFleet fleet =
          ExecuteFleet.create(clock.instant(), softwareAuthority(hosts.anyTpm()), random);
      try (WritServer server = WritServer.start(0, fleet.root(), dir.resolve("server"), clock)) {
        TrustBundle bundle =
            TrustBundle.parse(
                new TrustDomain(BenchFleet.TRUST_DOMAIN), Files.readAllBytes(server.bundleFile()));
        URI uri = server.uri();
        NoteVerifierKey logKey = NoteVerifierKey.parse(server.logKey());
        ExecuteTimelines timelines = new ExecuteTimelines();
        List<List<ExecuteHosts.Host>> groups = new ArrayList<>();
        long t0 = System.nanoTime();
        try (EnrollOpener opener = new EnrollOpener(uri, bundle, clock, random)) {
          int index = 0;
          for (int c : config.concurrency()) {
            List<ExecuteHosts.Host> group = new ArrayList<>();
            for (int n = 0; n < c; n++) {
              Path data = dir.resolve("agent-" + index);
              ExecuteHosts.Host h =
                  hosts.enroll(
                      index, groupName(c) + n, fleet, opener, uri, bundle, data, clock, random);
              hosts.run(h, data, uri, bundle, fleet, logKey, timelines, clock, random);
              group.add(h);
              index++;
            }
            groups.add(group);
          }
        }
        out.printf(
            Locale.ROOT,
            "execute-bench: %d agents enrolled (%s) and streaming in %.1f s%n",
            agents,
            ATTESTED,
            (System.nanoTime() - t0) / 1e9);
        try (ExecuteOperator operator = new ExecuteOperator(uri, bundle, clock, random)) {
          ContentId wasm = operator.put(SampleContent.helloWasm());
          ContentId script = operator.put(PROCESS_CONTENT);
          Sandboxes sandboxes = Sandboxes.forHost();
          long deadline = System.nanoTime() + config.budget().toNanos();
          List<Row> rows = new ArrayList<>();
          for (int g = 0; g < groups.size(); g++) {
            List<ExecuteHosts.Host> group = groups.get(g);
            int c = config.concurrency().get(g);
            for (Tier tier : config.tiers()) {
              Row row = new Row(tier, c);
              rows.add(row);
              row.unavailable = unavailable(sandboxes, tier, c);
              if (!row.unavailable.isEmpty()) {
                continue;
              }
              ContentId content = tier == Tier.WASM ? wasm : script;
              for (int i = -config.warmup(); i < config.runs(); i++) {
                if (System.nanoTime() > deadline) {
                  row.unavailable = "time budget of " + config.budget().toSeconds() + " s spent";
                  break;
                }
                List<Sample> samples =
                    writ(fleet, operator, timelines, group, c, tier, content, clock);
                List<String> noise = timelines.drainOther();
                if (i >= 0) {
                  row.writs++;
                  row.samples.addAll(samples);
                  if (!noise.isEmpty()) {
                    row.disturbed++;
                    for (String line : noise) {
                      out.println("execute-bench: during a measured writ: " + line);
                    }
                  }
                }
              }
            }
          }
          report(rows, config, out);
          ExecuteProbes probes =
              new ExecuteProbes(
                  hosts.hosts().getFirst().credentials(),
                  sandboxes,
                  Files.createDirectories(dir.resolve("probes")),
                  out);
          probes.tpmSigning(config.tpmSigns());
          probes.fetchAndSync(operator, wasm);
          for (Tier tier : config.tiers()) {
            if (unavailable(sandboxes, tier, 1).isEmpty()) {
              probes.actAlone(
                  tier,
                  tier == Tier.WASM ? SampleContent.helloWasm() : PROCESS_CONTENT,
                  config.tpmSigns());
            }
          }
        }
      }
    }
  }

  /**
   * Why {@code tier} at concurrency {@code c} cannot be measured here; empty when it can.
   *
   * <p>The bench's in-process agents each get their own process-tier uid range (ExecuteHosts), so
   * concurrent process runs never share a uid; but ten of them starting processes at once in one
   * JVM made a run exit 126 (cannot execute) on 2026-11-23, cause not established (a file being
   * written by one thread inherited by another thread's child, ETXTBSY, is suspected). A host runs
   * one agent, which acts on one item at a time, so it never starts two at once.
   */
  private static String unavailable(Sandboxes sandboxes, Tier tier, int c) {
    if (sandboxes.availability(tier) instanceof Availability.Unavailable(String reason)) {
      return reason.contains("needs root")
          ? "unavailable: needs root (" + reason + ")"
          : "unavailable: " + reason;
    }
    if (tier == Tier.PROCESS && c > 1) {
      return "not measured: concurrent process starts by in-process agents in one JVM made a run"
          + " exit 126 (cannot execute; suspected ETXTBSY, not established); one agent per host"
          + " starts one at a time";
    }
    return "";
  }

  /** Opens, signs and submits one execute writ for {@code group}; waits for every result. */
  private static List<Sample> writ(
      ExecuteFleet fleet,
      ExecuteOperator operator,
      ExecuteTimelines timelines,
      List<ExecuteHosts.Host> group,
      int c,
      Tier tier,
      ContentId content,
      Clock clock)
      throws Exception {
    String glob = "spiffe://" + BenchFleet.TRUST_DOMAIN + "/node/" + groupName(c) + "*";
    ExecuteOperator.Opened opened = operator.open(content, glob, tier, ROLLOUT);
    List<SpiffeId> ids = group.stream().map(ExecuteHosts.Host::id).toList();
    if (!new HashSet<>(opened.targets()).equals(new HashSet<>(ids))) {
      throw new IOException("the server resolved " + glob + " to " + opened.targets());
    }
    byte[] envelope =
        fleet.signExecute(
            opened.id(), glob, opened.targets(), content, tier, ROLLOUT, clock.instant());
    String id = opened.id().hex();
    timelines.expect(id, ids);
    long start = System.nanoTime();
    operator.submit(envelope);
    long submitted = System.nanoTime();
    if (!timelines.await(id, RESULT_LIMIT)) {
      throw new IOException(
          "not every result of " + id + " was recorded within " + RESULT_LIMIT.toSeconds() + " s");
    }
    List<Sample> out = new ArrayList<>();
    for (SpiffeId node : ids) {
      ExecuteTimelines.Marks m = timelines.of(id, node);
      if (!m.failure.isEmpty()) {
        throw new IOException(node + " did not run " + id + ": " + m.failure);
      }
      if (m.acting == 0 || m.ran == 0) {
        throw new IOException(node + " recorded " + id + " without acting on it");
      }
      out.add(
          new Sample(
              ms(m.recorded - start),
              ms(submitted - start),
              ms(m.acting - submitted),
              ms(m.ran - m.acting),
              ms(m.recorded - m.ran),
              m.wallMs));
    }
    timelines.forget(id, ids);
    return out;
  }

  private static void report(List<Row> rows, ExecuteConfig config, PrintStream out) {
    out.println(
        "execute-bench: writ-to-result latency = from the start of the operator's POST /v1/writs"
            + " of an already-signed execute writ (opened beforehand) to the moment the agent has"
            + " the server's 200 for its signed result; warm agents; one sample per target node;"
            + " nearest rank");
    out.printf(
        Locale.ROOT,
        "execute-bench: %-8s %5s %6s %8s %9s %9s %9s%n",
        "tier",
        "conc",
        "writs",
        "samples",
        "p50 ms",
        "p99 ms",
        "max ms");
    for (Row r : rows) {
      if (r.samples.isEmpty()) {
        out.printf(
            Locale.ROOT,
            "execute-bench: %-8s %5d %s%n",
            r.tier.wire(),
            r.concurrency,
            r.unavailable.isEmpty() ? "no sample" : r.unavailable);
        continue;
      }
      Percentiles total = p(r.samples, Sample::total);
      out.printf(
          Locale.ROOT,
          "execute-bench: %-8s %5d %6d %8d %9.1f %9.1f %9.1f%s%n",
          r.tier.wire(),
          r.concurrency,
          r.writs,
          r.samples.size(),
          total.percentile(50),
          total.percentile(99),
          total.max(),
          r.unavailable.isEmpty() ? "" : "  (" + r.unavailable + ")");
    }
    out.println(
        "execute-bench: breakdown p50/p99 ms: submit = POST /v1/writs answered; check = then to"
            + " 'acting on' (event delivered, receipt, consistency proof, content fetched,"
            + " writ verified, acted-on fsync); act = then to 'ran' (content stored, executed,"
            + " result signed in the TPM, outbox); exec = the result's exec.wall_ms; report ="
            + " then to the 200 (post, verify, replicate, receipt)");
    for (Row r : rows) {
      if (r.samples.isEmpty()) {
        continue;
      }
      out.printf(
          Locale.ROOT,
          "execute-bench: %-8s %5d  submit %s  check %s  act %s  exec %s  report %s%s%n",
          r.tier.wire(),
          r.concurrency,
          pair(p(r.samples, Sample::submit)),
          pair(p(r.samples, Sample::check)),
          pair(p(r.samples, Sample::act)),
          pair(p(r.samples, Sample::wall)),
          pair(p(r.samples, Sample::report)),
          r.disturbed == 0 ? "" : "  (" + r.disturbed + " writs with other agent log lines)");
    }
    for (Row r : rows) {
      if (r.concurrency != config.concurrency().getFirst()) {
        continue;
      }
      double goal = r.tier == Tier.WASM ? WASM_GOAL_MS : PROCESS_GOAL_MS;
      String verdict;
      if (r.samples.isEmpty()) {
        verdict = "NOT MEASURED (" + r.unavailable + ")";
      } else {
        double p50 = p(r.samples, Sample::total).percentile(50);
        verdict =
            String.format(Locale.ROOT, "%s (p50 %.1f ms)", p50 < goal ? "MET" : "NOT MET", p50);
      }
      out.printf(
          Locale.ROOT,
          "goal %s writ-to-result p50 < %.0f ms on a warm agent (concurrency %d): %s%n",
          r.tier.wire(),
          goal,
          r.concurrency,
          verdict);
    }
  }

  /** The root's attestation policy: the swtpms' shared CA as a software authority, PCR 16 zero. */
  private static AttestationPolicy softwareAuthority(SwtpmProcess swtpm) {
    return new AttestationPolicy(
        List.of(),
        List.of(Fingerprint.of(swtpm.rootCertificate()).hex()),
        List.of(
            new AttestationPolicy.PcrRequirement(
                AttestationPolicy.PcrBank.SHA256, 16, new byte[32])),
        List.of(),
        new AttestationPolicy.SevSnpTcb(0, 0, 0, 0),
        List.of(),
        List.of(),
        List.of());
  }

  /** Node names of concurrency {@code c}'s group start with this; no group's glob meets another. */
  private static String groupName(int c) {
    return String.format(Locale.ROOT, "exec-c%02d-n", c);
  }

  private interface Field {
    double of(Sample s);
  }

  private static Percentiles p(List<Sample> samples, Field f) {
    double[] v = new double[samples.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = f.of(samples.get(i));
    }
    return new Percentiles(v);
  }

  private static String pair(Percentiles p) {
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
