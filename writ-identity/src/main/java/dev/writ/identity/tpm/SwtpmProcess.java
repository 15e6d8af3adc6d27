package dev.writ.identity.tpm;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A software TPM for development fleets and tests, never for trust: manufactures a TPM 2.0 state
 * with {@code swtpm_setup} (an RSA 2048 EK persisted at 0x81010001 whose certificate, in NV index
 * 0x01c00002, is signed by a local CA whose keys lie unprotected in a directory), then runs {@code
 * swtpm socket --tpm2} on two free loopback ports. A policy may list its CA only as a software
 * authority (posture {@code attested-software}).
 *
 * <p>Each instance has its own state directory; several may share one CA directory (swtpm_localca
 * locks it), which is how a test fleet gets one authority for many nodes. Nothing global is used:
 * not /var/lib/swtpm-localca, not the user's swtpm configuration. {@link #close()} stops the
 * process. Thread-safe.
 */
public final class SwtpmProcess implements AutoCloseable {
  private static final String STATE_FILE = "tpm2-00.permall";
  private static final int PORT_ATTEMPTS = 8;
  private static final Duration POLL = Duration.ofMillis(50);

  private final Process process;
  private final int port;
  private final X509Certificate issuer;
  private final X509Certificate root;

  private SwtpmProcess(Process process, int port, X509Certificate issuer, X509Certificate root) {
    this.process = process;
    this.port = port;
    this.issuer = issuer;
    this.root = root;
  }

  /**
   * Manufactures (if {@code dir} holds no TPM yet) and starts a TPM with its own CA in {@code
   * dir/ca}.
   */
  public static SwtpmProcess start(Path dir, Duration timeout) throws TpmToolException {
    return start(dir, dir.resolve("ca"), timeout);
  }

  /**
   * Manufactures a TPM in {@code dir} (unless one is already there: a restart keeps its identity)
   * with its EK certificate issued by the local CA in {@code caDir} (created on first use), and
   * starts it.
   *
   * @param timeout the limit for manufacturing and, separately, for the TPM to accept connections
   */
  public static SwtpmProcess start(Path dir, Path caDir, Duration timeout) throws TpmToolException {
    Path state = dir.resolve("state");
    try {
      Files.createDirectories(state);
      Files.createDirectories(caDir);
      if (!Files.exists(state.resolve(STATE_FILE))) {
        manufacture(dir, state, caDir, timeout);
      }
    } catch (IOException e) {
      throw new TpmToolException("cannot prepare swtpm in " + dir + ": " + e.getMessage(), e);
    }
    X509Certificate issuer = pem(caDir.resolve("issuercert.pem"));
    X509Certificate root = pem(caDir.resolve("swtpm-localca-rootca-cert.pem"));
    TpmToolException last = null;
    for (int attempt = 0; attempt < PORT_ATTEMPTS; attempt++) {
      int port = freePortPair();
      try {
        Process p = launch(dir, state, port);
        awaitListening(p, port, dir, timeout);
        return new SwtpmProcess(p, port, issuer, root);
      } catch (PortTakenException e) {
        last = e.failure;
      }
    }
    throw last == null ? new TpmToolException("swtpm could not start") : last;
  }

  /** The TCTI tpm2-tools use to reach this TPM ({@code swtpm:host=127.0.0.1,port=N}). */
  public String tcti() {
    return "swtpm:host=127.0.0.1,port=" + port;
  }

  /** The TPM command port; the control port is the next one. */
  public int port() {
    return port;
  }

  /** The local CA's root certificate: what a policy lists as the software authority. */
  public X509Certificate rootCertificate() {
    return root;
  }

  /** The CA certificates that follow the EK certificate in its chain: issuer, then root. */
  public List<X509Certificate> caCertificates() {
    return List.of(issuer, root);
  }

  /** Stops the TPM (SIGTERM, then SIGKILL after five seconds). Idempotent. */
  @Override
  public synchronized void close() {
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private static void manufacture(Path dir, Path state, Path caDir, Duration timeout)
      throws IOException, TpmToolException {
    Path ca = caDir.toAbsolutePath();
    Path localca = dir.resolve("swtpm-localca.conf").toAbsolutePath();
    Path options = dir.resolve("swtpm-localca.options").toAbsolutePath();
    Path setup = dir.resolve("swtpm_setup.conf").toAbsolutePath();
    Files.writeString(
        localca,
        "statedir = "
            + ca
            + "\nsigningkey = "
            + ca.resolve("signkey.pem")
            + "\nissuercert = "
            + ca.resolve("issuercert.pem")
            + "\ncertserial = "
            + ca.resolve("certserial")
            + "\n");
    Files.writeString(
        options, "--platform-manufacturer Writ\n--platform-version 1.0\n--platform-model swtpm\n");
    Files.writeString(
        setup,
        "create_certs_tool = swtpm_localca\ncreate_certs_tool_config = "
            + localca
            + "\ncreate_certs_tool_options = "
            + options
            + "\nactive_pcr_banks = sha256\n");
    new ToolRunner(dir, timeout)
        .run(
            List.of(
                "swtpm_setup",
                "--tpm2",
                "--tpmstate",
                state.toAbsolutePath().toString(),
                "--config",
                setup.toString(),
                "--create-ek-cert",
                "--lock-nvram",
                "--pcr-banks",
                "sha256"));
  }

  private static Process launch(Path dir, Path state, int port) throws TpmToolException {
    try {
      return new ProcessBuilder(
              "swtpm",
              "socket",
              "--tpm2",
              "--tpmstate",
              "dir=" + state.toAbsolutePath(),
              "--server",
              "type=tcp,port=" + port + ",bindaddr=127.0.0.1",
              "--ctrl",
              "type=tcp,port=" + (port + 1) + ",bindaddr=127.0.0.1",
              "--flags",
              "not-need-init,startup-clear")
          .directory(dir.toFile())
          .redirectErrorStream(true)
          .redirectOutput(dir.resolve("swtpm.log").toFile())
          .start();
    } catch (IOException e) {
      throw new TpmToolException("swtpm cannot be started: " + e.getMessage(), e);
    }
  }

  /** Thrown inside this class when swtpm exited because a port was taken meanwhile. */
  private static final class PortTakenException extends Exception {
    private static final long serialVersionUID = 1L;
    private final transient TpmToolException failure;

    PortTakenException(TpmToolException failure) {
      super(failure.getMessage());
      this.failure = failure;
    }
  }

  private static void awaitListening(Process p, int port, Path dir, Duration timeout)
      throws TpmToolException, PortTakenException {
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      while (System.nanoTime() < deadline) {
        if (!p.isAlive()) {
          String log = tail(dir.resolve("swtpm.log"));
          TpmToolException failure =
              new TpmToolException("swtpm exited (" + p.exitValue() + "): " + log);
          if (log.contains("in use")) {
            throw new PortTakenException(failure);
          }
          throw failure;
        }
        if (accepts(port) && accepts(port + 1) && p.isAlive()) {
          return;
        }
        Thread.sleep(POLL);
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new TpmToolException("interrupted while waiting for swtpm", e);
    }
    p.destroyForcibly();
    throw new TpmToolException("swtpm did not listen on port " + port + " within " + timeout);
  }

  private static boolean accepts(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
      return true;
    } catch (IOException notYet) {
      return false;
    }
  }

  /** A port p such that p and p + 1 were both free on loopback a moment ago. */
  private static int freePortPair() throws TpmToolException {
    for (int i = 0; i < 64; i++) {
      int p;
      try (ServerSocket a = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        p = a.getLocalPort();
      } catch (IOException e) {
        throw new TpmToolException("cannot probe loopback ports: " + e.getMessage(), e);
      }
      if (p < 65535 && free(p + 1)) {
        return p;
      }
    }
    throw new TpmToolException("found no two adjacent free loopback ports");
  }

  private static boolean free(int port) {
    try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort() == port;
    } catch (IOException taken) {
      return false;
    }
  }

  private static X509Certificate pem(Path file) throws TpmToolException {
    try (InputStream in = Files.newInputStream(file)) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    } catch (IOException | CertificateException | ClassCastException e) {
      throw new TpmToolException("cannot read the swtpm CA certificate " + file, e);
    }
  }

  private static String tail(Path log) {
    try {
      List<String> lines =
          Files.readAllLines(log, StandardCharsets.UTF_8).stream()
              .map(String::strip)
              .filter(l -> !l.isEmpty())
              .toList();
      return lines.isEmpty() ? "no message" : lines.getLast();
    } catch (IOException e) {
      return "its log " + log + " is unreadable: " + e.getMessage();
    }
  }
}
