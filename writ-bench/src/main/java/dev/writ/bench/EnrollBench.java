package dev.writ.bench;

import dev.writ.agent.EnrollException;
import dev.writ.agent.Enroller;
import dev.writ.agent.TpmDevice;
import dev.writ.core.AttestationPolicy;
import dev.writ.core.SpiffeId;
import dev.writ.core.WritId;
import dev.writ.identity.Fingerprint;
import dev.writ.identity.svid.TrustBundle;
import dev.writ.identity.svid.TrustDomain;
import dev.writ.identity.tpm.AttestationKeyType;
import dev.writ.identity.tpm.PcrId;
import dev.writ.identity.tpm.SwtpmProcess;
import dev.writ.identity.tpm.Tpm2Tools;
import dev.writ.identity.tpm.TpmHash;
import dev.writ.identity.tpm.TpmToolException;
import dev.writ.server.WritServer;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * {@code scripts/bench handshake}, second part: full node enrollments per second, end to end, in
 * one JVM. An in-process {@link WritServer} (embedded Raft peer, data in a temporary directory)
 * runs with a bench root whose policy puts {@code enroll} under dual control; each enrollment is
 * what the two operators and the agent do (enrollment.md section 3): the initiator opens it over
 * TLS, the writ is built and signed by initiator and approver, and writ-agent's {@link Enroller} (a
 * fresh P-256 key and CSR, its own TLS connection) asks for the challenge and completes.
 *
 * <p>Two configurations: <b>degraded</b>, no evidence; <b>swtpm</b>, a real software TPM driven
 * through tpm2-tools (credential activation and a quote of the SHA-256 bank), whose CA the root
 * lists as a software authority, so those nodes enroll {@code attested-software}. Each enrollment
 * is checked to end with the expected posture; a different one fails the run. The swtpm path starts
 * one tpm2-tools process per TPM command, so its figures say more about process starts than about
 * Writ: they are reported separately, with the cost of one such process.
 *
 * <p>Bounded: warmup enrollments, then rounds of a fixed number of enrollments per configuration
 * (alternating which goes first), no round started after the time budget. Sequential, so
 * enrollments per second is the inverse of the mean latency; the figures per round are medians of
 * rounds, latencies p50 and p99 (nearest rank) over every measured enrollment. Usage: {@link
 * EnrollConfig#USAGE}.
 */
public final class EnrollBench {
  private static final Duration TPM_TIMEOUT = Duration.ofSeconds(30);
  private static final PcrId PCR16 = new PcrId(TpmHash.SHA256, 16);
  private static final int TOOL_PROBES = 10;
  private static final String DEGRADED = "degraded";
  private static final String ATTESTED_SOFTWARE = "attested-software";

  private EnrollBench() {}

  public static void main(String[] args) throws Exception {
    EnrollConfig config;
    try {
      config = EnrollConfig.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("EnrollBench: " + e.getMessage());
      System.err.println(EnrollConfig.USAGE);
      System.exit(64);
      return;
    }
    run(config, System.out);
  }

  /** Runs the bench and prints its lines to {@code out}; deletes its temporary directory. */
  static void run(EnrollConfig config, PrintStream out) throws Exception {
    SecureRandom random = new SecureRandom();
    Path dir = Files.createTempDirectory("writ-enroll-bench-");
    try {
      Optional<SwtpmProcess> swtpm =
          config.tpm() ? startSwtpm(dir.resolve("swtpm"), out) : Optional.empty();
      try {
        // the swtpm's EK certificate is issued at manufacture: the server's clock runs after it
        measure(config, swtpm, dir, Clock.systemUTC(), random, out);
      } finally {
        swtpm.ifPresent(SwtpmProcess::close);
      }
    } finally {
      deleteTree(dir);
    }
  }

  private static Optional<SwtpmProcess> startSwtpm(Path dir, PrintStream out) {
    try {
      return Optional.of(SwtpmProcess.start(dir, TPM_TIMEOUT));
    } catch (TpmToolException e) {
      out.println(
          "enroll-bench: swtpm: NOT MEASURED (swtpm did not start: " + e.getMessage() + ")");
      return Optional.empty();
    }
  }

  private static void measure(
      EnrollConfig config,
      Optional<SwtpmProcess> swtpm,
      Path dir,
      Clock clock,
      SecureRandom random,
      PrintStream out)
      throws Exception {
    EnrollFleet fleet =
        EnrollFleet.create(clock.instant(), swtpm.map(EnrollBench::softwareAuthority), random);
    try (WritServer server = WritServer.start(0, fleet.root(), dir.resolve("server"), clock)) {
      TrustBundle bundle =
          TrustBundle.parse(
              new TrustDomain(BenchFleet.TRUST_DOMAIN), Files.readAllBytes(server.bundleFile()));
      URI uri = server.uri();
      try (EnrollOpener opener = new EnrollOpener(uri, bundle, clock, random)) {
        Agent agent = new Agent(fleet, opener, uri, bundle, clock, random);
        List<Configuration> configurations = new ArrayList<>();
        configurations.add(
            new Configuration(
                DEGRADED, "d", DEGRADED, Optional.empty(), config.enrollments(), config.warmup()));
        Optional<Tpm2Tools> probe = Optional.empty();
        if (swtpm.isPresent()) {
          SwtpmProcess tpm = swtpm.get();
          Tpm2Tools tools =
              new Tpm2Tools(
                  tpm.tcti(), Files.createDirectories(dir.resolve("tpm-probe")), TPM_TIMEOUT);
          // provisioning, done once per node and not measured: the attestation key TpmDevice uses
          tools.attestationKey(Tpm2Tools.DEFAULT_AK_HANDLE, AttestationKeyType.ECC_P256);
          probe = Optional.of(tools);
          configurations.add(
              new Configuration(
                  "swtpm",
                  "t",
                  ATTESTED_SOFTWARE,
                  Optional.of(
                      TpmDevice.open(tpm.tcti(), dir.resolve("agent-tpm"), tpm.caCertificates())),
                  config.tpmEnrollments(),
                  config.tpmWarmup()));
        }
        header(config, configurations, out);
        rounds(config, agent, configurations, out);
        report(configurations, probe, out);
      }
    }
  }

  /** The root's attestation policy: the swtpm's CA as a software authority, PCR 16 still zero. */
  private static AttestationPolicy softwareAuthority(SwtpmProcess swtpm) {
    return new AttestationPolicy(
        List.of(),
        List.of(Fingerprint.of(swtpm.rootCertificate()).hex()),
        List.of(
            new AttestationPolicy.PcrRequirement(
                AttestationPolicy.PcrBank.SHA256, PCR16.index(), new byte[32])),
        List.of(),
        new AttestationPolicy.SevSnpTcb(0, 0, 0, 0),
        List.of(),
        List.of(),
        List.of());
  }

  private static void header(
      EnrollConfig config, List<Configuration> configurations, PrintStream out) {
    StringBuilder plan = new StringBuilder();
    for (Configuration c : configurations) {
      plan.append(plan.isEmpty() ? "" : " and ").append(c.perRound).append(' ').append(c.name);
    }
    StringBuilder warm = new StringBuilder();
    for (Configuration c : configurations) {
      warm.append(warm.isEmpty() ? "" : " + ").append(c.warmup).append(' ').append(c.name);
    }
    out.printf(
        Locale.ROOT,
        "enroll-bench: in-process WritServer (embedded Raft peer), TLS 1.3 on loopback; an"
            + " enrollment = open + enroll writ signed by initiator and approver (Ed25519) +"
            + " challenge + complete by writ-agent's Enroller (new P-256 key, CSR, TLS"
            + " connection); warmup %s, then %d rounds of %s, budget %d s%n",
        warm,
        config.rounds(),
        plan,
        config.budget().toSeconds());
  }

  private static void rounds(
      EnrollConfig config, Agent agent, List<Configuration> configurations, PrintStream out)
      throws Exception {
    long deadline = System.nanoTime() + config.budget().toNanos();
    for (Configuration c : configurations) {
      for (int i = 0; i < c.warmup; i++) {
        agent.enroll(c);
      }
    }
    for (int r = 0; r < config.rounds(); r++) {
      if (System.nanoTime() > deadline) {
        out.printf(
            Locale.ROOT,
            "enroll-bench: time budget %d s spent; stopping after %d rounds%n",
            config.budget().toSeconds(),
            r);
        break;
      }
      List<Configuration> order = new ArrayList<>(configurations);
      if (r % 2 == 1) {
        order = order.reversed();
      }
      for (Configuration c : order) {
        List<Sample> round = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int i = 0; i < c.perRound; i++) {
          round.add(agent.enroll(c));
        }
        c.rates.add(c.perRound / ((System.nanoTime() - t0) / 1e9));
        c.samples.addAll(round);
      }
    }
  }

  private static void report(
      List<Configuration> configurations, Optional<Tpm2Tools> probe, PrintStream out)
      throws TpmToolException {
    if (configurations.getFirst().rates.isEmpty()) {
      out.println("enroll-bench: no round completed");
      return;
    }
    List<Double> p50 = new ArrayList<>();
    for (Configuration c : configurations) {
      Percentiles rates = new Percentiles(toArray(c.rates, r -> r));
      Percentiles total = new Percentiles(toArray(c.samples, Sample::totalMs));
      out.printf(
          Locale.ROOT,
          "enroll-bench: %-8s: median %.1f enrollments/s (%.1f ms each), min %.1f, max %.1f,"
              + " spread +/-%.1f%% over %d rounds of %d%n",
          c.name,
          rates.median(),
          1000 / rates.median(),
          rates.min(),
          rates.max(),
          (rates.max() - rates.min()) / 2 / rates.median() * 100,
          rates.count(),
          c.perRound);
      Percentiles open = new Percentiles(toArray(c.samples, Sample::openMs));
      Percentiles sign = new Percentiles(toArray(c.samples, Sample::signMs));
      Percentiles enroll = new Percentiles(toArray(c.samples, Sample::enrollMs));
      out.printf(
          Locale.ROOT,
          "enroll-bench: %-8s: latency p50 %.1f ms, p99 %.1f ms, max %.1f ms over %d enrollments;"
              + " steps p50/p99: open %.1f/%.1f ms, sign %.2f/%.2f ms, challenge+complete"
              + " %.1f/%.1f ms%n",
          c.name,
          total.percentile(50),
          total.percentile(99),
          total.max(),
          total.count(),
          open.percentile(50),
          open.percentile(99),
          sign.percentile(50),
          sign.percentile(99),
          enroll.percentile(50),
          enroll.percentile(99));
      p50.add(total.percentile(50));
    }
    if (probe.isPresent() && p50.size() == 2) {
      double tool = toolMs(probe.get());
      double evidence = p50.get(1) - p50.get(0);
      out.printf(
          Locale.ROOT,
          "enroll-bench: swtpm evidence adds %.1f ms an enrollment (p50 difference); one"
              + " tpm2-tools process on this swtpm (tpm2_pcrread) takes %.1f ms (median of %d),"
              + " so the difference is about %.0f such processes%n",
          evidence,
          tool,
          TOOL_PROBES,
          evidence / tool);
    }
  }

  /** The median wall time of one tpm2-tools run against the swtpm, process start included. */
  private static double toolMs(Tpm2Tools tools) throws TpmToolException {
    double[] ms = new double[TOOL_PROBES];
    for (int i = 0; i < TOOL_PROBES; i++) {
      long t0 = System.nanoTime();
      tools.readPcrs(List.of(PCR16));
      ms[i] = (System.nanoTime() - t0) / 1e6;
    }
    return new Percentiles(ms).median();
  }

  private interface ToDouble<T> {
    double of(T t);
  }

  private static <T> double[] toArray(List<T> list, ToDouble<T> f) {
    double[] out = new double[list.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = f.of(list.get(i));
    }
    return out;
  }

  /** One measured enrollment, its steps in milliseconds. */
  private record Sample(double openMs, double signMs, double enrollMs) {
    double totalMs() {
      return openMs + signMs + enrollMs;
    }
  }

  /** A configuration and what was measured of it. Confined to the bench thread. */
  private static final class Configuration {
    final String name;
    final String prefix;
    final String posture;
    final Optional<TpmDevice> tpm;
    final int perRound;
    final int warmup;
    final List<Double> rates = new ArrayList<>();
    final List<Sample> samples = new ArrayList<>();

    Configuration(
        String name,
        String prefix,
        String posture,
        Optional<TpmDevice> tpm,
        int perRound,
        int warmup) {
      this.name = name;
      this.prefix = prefix;
      this.posture = posture;
      this.tpm = tpm;
      this.perRound = perRound;
      this.warmup = warmup;
    }
  }

  /** The operators and the agent of every enrollment; names each node afresh. */
  private static final class Agent {
    private final EnrollFleet fleet;
    private final EnrollOpener opener;
    private final URI server;
    private final TrustBundle bundle;
    private final Clock clock;
    private final SecureRandom random;
    private int next;

    Agent(
        EnrollFleet fleet,
        EnrollOpener opener,
        URI server,
        TrustBundle bundle,
        Clock clock,
        SecureRandom random) {
      this.fleet = fleet;
      this.opener = opener;
      this.server = server;
      this.bundle = bundle;
      this.clock = clock;
      this.random = random;
    }

    /**
     * Opens, signs and enrolls one new node of configuration {@code c}.
     *
     * @throws IOException if any step fails or the node enrolls with another identity or posture
     */
    Sample enroll(Configuration c) throws Exception {
      String name = String.format(Locale.ROOT, "bench-%s-%06d", c.prefix, ++next);
      long t0 = System.nanoTime();
      WritId id = opener.open(name);
      long t1 = System.nanoTime();
      byte[] writ = fleet.signEnroll(id, name, clock.instant());
      long t2 = System.nanoTime();
      Enroller.Enrolled enrolled;
      try {
        enrolled =
            new Enroller(clock, random)
                .enroll(new Enroller.Request(server, bundle, name, writ, c.tpm, new TreeMap<>()));
      } catch (EnrollException e) {
        throw new IOException(c.name + " enrollment of " + name + " failed: " + e.getMessage(), e);
      }
      long t3 = System.nanoTime();
      SpiffeId expected = EnrollFleet.nodeId(name);
      if (!enrolled.id().equals(expected) || !enrolled.posture().equals(c.posture)) {
        throw new IOException(
            c.name
                + " enrollment of "
                + name
                + " gave "
                + enrolled.id()
                + " "
                + enrolled.posture()
                + ", expected "
                + expected
                + " "
                + c.posture);
      }
      return new Sample((t1 - t0) / 1e6, (t2 - t1) / 1e6, (t3 - t2) / 1e6);
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
