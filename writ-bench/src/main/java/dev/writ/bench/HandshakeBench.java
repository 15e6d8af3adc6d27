package dev.writ.bench;

import dev.writ.core.SpiffeId;
import dev.writ.identity.svid.SpiffeCa;
import dev.writ.identity.svid.SvidCredentials;
import dev.writ.identity.svid.SvidException;
import dev.writ.identity.svid.TrustDomain;
import dev.writ.identity.svid.X509Svid;
import dev.writ.identity.tls.MtlsContexts;
import dev.writ.identity.tls.PeerCheck;
import dev.writ.identity.tls.PeerRefusedException;
import dev.writ.identity.tls.RefusalListener;
import dev.writ.identity.tls.SvidClientTrustManager;
import dev.writ.identity.tls.SvidKeyManager;
import dev.writ.identity.tls.SvidServerTrustManager;
import dev.writ.identity.tpm.SwtpmProcess;
import dev.writ.identity.tpm.Tpm2Tools;
import dev.writ.identity.tpm.TpmPrivateKey;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * {@code scripts/bench handshake}: full mutual TLS 1.3 handshakes per second over loopback, with
 * the per-handshake {@link PeerCheck} on (a registry and revocation lookup, as the server will run)
 * and off, in the same JVM. Rounds alternate the two configurations (and their order), after warmup
 * rounds; each round times a fixed number of sequential handshakes (connect, handshake, one byte,
 * close). Client and server run in this JVM, so a handshake's figure includes both sides.
 *
 * <p>Then, unless {@code --tpm-rounds 0}, the same handshakes with the peer check on and the
 * client's SVID key resident in a real swtpm ({@link TpmPrivateKey}): every handshake's
 * CertificateVerify is one TPM2_Sign through a tpm2-tools process.
 *
 * <p>Usage: {@code HandshakeBench [--rounds N] [--handshakes M] [--warmup W] [--max-seconds S]
 * [--tpm-rounds R] [--tpm-handshakes H]}. Bounded: stops after N rounds or S seconds, whichever
 * comes first.
 */
public final class HandshakeBench {
  private static final TrustDomain TD = new TrustDomain("bench.writ.local");
  private static final SpiffeId SERVER = new SpiffeId(TD.name(), "/writ/server");
  private static final SpiffeId NODE = new SpiffeId(TD.name(), "/node/bench-1");
  private static final int SYNTHETIC_NODES = 10_000;
  private static final int REVOKED_SERIALS = 1_000;
  private static final int TIMEOUT_MS = 10_000;

  private HandshakeBench() {}

  public static void main(String[] args) throws Exception {
    int rounds = 10;
    int handshakes = 200;
    int warmup = 3;
    int maxSeconds = 300;
    int tpmRounds = 5;
    int tpmHandshakes = 50;
    for (int i = 0; i < args.length; i += 2) {
      if (i + 1 >= args.length) {
        usage("option " + args[i] + " needs a value");
      }
      int v = Integer.parseInt(args[i + 1]);
      switch (args[i]) {
        case "--rounds" -> rounds = v;
        case "--handshakes" -> handshakes = v;
        case "--warmup" -> warmup = v;
        case "--max-seconds" -> maxSeconds = v;
        case "--tpm-rounds" -> tpmRounds = v;
        case "--tpm-handshakes" -> tpmHandshakes = v;
        default -> usage("unknown option " + args[i]);
      }
    }
    if (rounds < 1
        || handshakes < 1
        || warmup < 0
        || maxSeconds < 1
        || tpmRounds < 0
        || tpmHandshakes < 1) {
      usage(
          "--rounds, --handshakes, --tpm-handshakes and --max-seconds are at least 1, --warmup"
              + " and --tpm-rounds at least 0");
    }
    Duration budget = Duration.ofSeconds(maxSeconds);
    run(rounds, handshakes, warmup, budget, System.out);
    if (tpmRounds > 0) {
      runTpm(tpmRounds, tpmHandshakes, budget, System.out);
    }
  }

  static void run(int rounds, int handshakes, int warmup, Duration budget, PrintStream out)
      throws Exception {
    SecureRandom random = new SecureRandom();
    Path dir = Files.createTempDirectory("writ-handshake-bench-");
    try {
      SpiffeCa ca = SpiffeCa.loadOrCreate(dir, TD, Clock.systemUTC(), random);
      SvidCredentials serverCreds = credentials(ca, SERVER, List.of("localhost"));
      SvidCredentials nodeCreds = credentials(ca, NODE, List.of());
      BenchPeerCheck registry =
          new BenchPeerCheck(TD.name(), SYNTHETIC_NODES, REVOKED_SERIALS, random);
      registry.enroll(nodeCreds.svid());
      out.printf(
          Locale.ROOT,
          "handshake-bench: TLS 1.3, P-256 SVIDs, need client auth, %d handshakes a round, %d"
              + " warmup + %d rounds, registry %d nodes, %d revoked serials%n",
          handshakes,
          warmup,
          rounds,
          SYNTHETIC_NODES + 1,
          REVOKED_SERIALS);
      out.printf(
          Locale.ROOT,
          "handshake-bench: peer check alone: %.0f ns a call%n",
          checkNanos(registry, nodeCreds.svid()));
      SSLContext client = client(ca, nodeCreds, random);
      try (HandshakeServer on = server(ca, serverCreds, registry, random, "on");
          HandshakeServer off = server(ca, serverCreds, peer -> {}, random, "off")) {
        double[][] rates = rounds(client, on, off, rounds, handshakes, warmup, budget, out);
        report(rates, handshakes, out);
      }
    } finally {
      deleteTree(dir);
    }
  }

  /**
   * Handshakes whose client key is in a fresh swtpm, against a server with the peer check on; one
   * unrecorded round first.
   */
  static void runTpm(int rounds, int handshakes, Duration budget, PrintStream out)
      throws Exception {
    SecureRandom random = new SecureRandom();
    Path dir = Files.createTempDirectory("writ-handshake-bench-tpm-");
    try (SwtpmProcess tpm = SwtpmProcess.start(dir.resolve("tpm"), Duration.ofSeconds(60))) {
      Tpm2Tools tools =
          new Tpm2Tools(
              tpm.tcti(), Files.createDirectories(dir.resolve("work")), Duration.ofSeconds(30));
      TpmPrivateKey key = TpmPrivateKey.create(tools, Tpm2Tools.NODE_KEY_HANDLES.getFirst());
      SpiffeCa ca = SpiffeCa.loadOrCreate(dir.resolve("ca"), TD, Clock.systemUTC(), random);
      SvidCredentials serverCreds = credentials(ca, SERVER, List.of("localhost"));
      X509Svid nodeSvid =
          ca.issueServer(key.publicKey(), NODE, List.of(), List.of(), Duration.ofHours(1));
      SvidCredentials nodeCreds = SvidCredentials.of(nodeSvid, key);
      BenchPeerCheck registry =
          new BenchPeerCheck(TD.name(), SYNTHETIC_NODES, REVOKED_SERIALS, random);
      registry.enroll(nodeSvid);
      SSLContext client = client(ca, nodeCreds, random);
      out.printf(
          Locale.ROOT,
          "handshake-bench: client key in swtpm (TPM2_Sign by tpm2-tools per handshake), peer"
              + " check on, 1 warmup + %d rounds of %d%n",
          rounds,
          handshakes);
      try (HandshakeServer on = server(ca, serverCreds, registry, random, "tpm")) {
        long deadline = System.nanoTime() + budget.toNanos();
        rate(client, on, handshakes);
        double[] rates = new double[rounds];
        int done = 0;
        while (done < rounds && System.nanoTime() < deadline) {
          rates[done++] = rate(client, on, handshakes);
        }
        if (done == 0) {
          out.println("handshake-bench: no TPM round completed");
          return;
        }
        line("client key in TPM", Arrays.copyOf(rates, done), handshakes, out);
      }
    } finally {
      deleteTree(dir);
    }
  }

  /** rates[0] with the check, rates[1] without, one entry per completed round. */
  private static double[][] rounds(
      SSLContext client,
      HandshakeServer on,
      HandshakeServer off,
      int rounds,
      int handshakes,
      int warmup,
      Duration budget,
      PrintStream out)
      throws IOException {
    long deadline = System.nanoTime() + budget.toNanos();
    double[] withCheck = new double[rounds];
    double[] without = new double[rounds];
    int done = 0;
    for (int r = -warmup; r < rounds; r++) {
      if (System.nanoTime() > deadline) {
        out.printf(Locale.ROOT, "handshake-bench: time budget %s spent; stopping%n", budget);
        break;
      }
      boolean onFirst = Math.floorMod(r, 2) == 0;
      double a = rate(client, onFirst ? on : off, handshakes);
      double b = rate(client, onFirst ? off : on, handshakes);
      if (r >= 0) {
        withCheck[r] = onFirst ? a : b;
        without[r] = onFirst ? b : a;
        done++;
      }
    }
    return new double[][] {Arrays.copyOf(withCheck, done), Arrays.copyOf(without, done)};
  }

  private static double rate(SSLContext client, HandshakeServer server, int handshakes)
      throws IOException {
    long t0 = System.nanoTime();
    for (int i = 0; i < handshakes; i++) {
      try (SSLSocket s = MtlsContexts.clientSocket(client)) {
        s.connect(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port()), TIMEOUT_MS);
        s.setSoTimeout(TIMEOUT_MS);
        s.startHandshake();
        if (s.getInputStream().read() != 1) {
          throw new IOException("the server closed without its byte", server.failure());
        }
      } catch (IOException e) {
        IOException serverSide = server.failure();
        if (serverSide != null) {
          e.addSuppressed(serverSide);
        }
        throw e;
      }
    }
    return handshakes / ((System.nanoTime() - t0) / 1e9);
  }

  private static void report(double[][] rates, int handshakes, PrintStream out) {
    if (rates[0].length == 0) {
      out.println("handshake-bench: no round completed");
      return;
    }
    double on = line("peer-check on ", rates[0], handshakes, out);
    double off = line("peer-check off", rates[1], handshakes, out);
    out.printf(
        Locale.ROOT,
        "handshake-bench: relative cost of the peer check: %+.1f%% time a handshake (%+.1f us,"
            + " medians); a difference within the spread between rounds is noise%n",
        (off / on - 1) * 100,
        (1 / on - 1 / off) * 1e6);
  }

  /** Prints one configuration's line and returns its median. */
  private static double line(String name, double[] rates, int handshakes, PrintStream out) {
    double[] sorted = rates.clone();
    Arrays.sort(sorted);
    double median = sorted[sorted.length / 2];
    double spread = (sorted[sorted.length - 1] - sorted[0]) / 2 / median * 100;
    out.printf(
        Locale.ROOT,
        "handshake-bench: %s: median %.0f handshakes/s (%.2f ms each), min %.0f, max %.0f,"
            + " spread +/-%.1f%% over %d rounds of %d%n",
        name,
        median,
        1000 / median,
        sorted[0],
        sorted[sorted.length - 1],
        spread,
        sorted.length,
        handshakes);
    return median;
  }

  private static double checkNanos(PeerCheck check, X509Svid svid) throws PeerRefusedException {
    int calls = 200_000;
    for (int i = 0; i < calls; i++) {
      check.check(svid);
    }
    long t0 = System.nanoTime();
    for (int i = 0; i < calls; i++) {
      check.check(svid);
    }
    return (System.nanoTime() - t0) / (double) calls;
  }

  private static SSLContext client(SpiffeCa ca, SvidCredentials creds, SecureRandom random)
      throws GeneralSecurityException {
    return MtlsContexts.client(
        SvidKeyManager.of(creds),
        new SvidClientTrustManager(ca::bundle, Clock.systemUTC(), SERVER, RefusalListener.NONE),
        random);
  }

  private static HandshakeServer server(
      SpiffeCa ca, SvidCredentials creds, PeerCheck check, SecureRandom random, String name)
      throws GeneralSecurityException, IOException {
    SSLContext context =
        MtlsContexts.server(
            SvidKeyManager.of(creds),
            new SvidServerTrustManager(ca::bundle, Clock.systemUTC(), check, RefusalListener.NONE),
            random);
    return new HandshakeServer(context, name);
  }

  /** A P-256 key and an SVID for it; {@code issueServer} takes the key directly (no CSR). */
  private static SvidCredentials credentials(SpiffeCa ca, SpiffeId id, List<String> dns)
      throws GeneralSecurityException, SvidException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair kp = g.generateKeyPair();
    List<InetAddress> ips = dns.isEmpty() ? List.of() : List.of(InetAddress.getLoopbackAddress());
    X509Svid svid = ca.issueServer(kp.getPublic(), id, dns, ips, Duration.ofHours(1));
    return SvidCredentials.of(svid, kp.getPrivate());
  }

  private static void usage(String problem) {
    System.err.println("HandshakeBench: " + problem);
    System.err.println(
        "usage: HandshakeBench [--rounds N] [--handshakes M] [--warmup W] [--max-seconds S]"
            + " [--tpm-rounds R] [--tpm-handshakes H]");
    System.exit(64);
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
