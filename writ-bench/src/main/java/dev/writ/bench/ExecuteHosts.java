package dev.writ.bench;

import dev.writ.agent.AgentRunner;
import dev.writ.agent.EnrollException;
import dev.writ.agent.Enroller;
import dev.writ.agent.TpmDevice;
import dev.writ.core.SpiffeId;
import dev.writ.core.WritId;
import dev.writ.identity.svid.SvidCredentials;
import dev.writ.identity.svid.SvidPem;
import dev.writ.identity.svid.TrustBundle;
import dev.writ.identity.tpm.SwtpmProcess;
import dev.writ.identity.tpm.TpmToolException;
import dev.writ.log.NoteVerifierKey;
import dev.writ.sandbox.ExecutionLimits;
import dev.writ.sandbox.Sandboxes;
import dev.writ.sandbox.UidRange;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * The bench's hosts: for each, a swtpm process (all issued by one local CA, which the root lists),
 * an enrollment exactly as {@code writ agent enroll} does it (the node key created in the TPM), the
 * agent's folder as enrollment writes it, and a running {@link AgentRunner} on its own thread whose
 * log lines go to the {@link ExecuteTimelines}.
 *
 * <p>Not thread-safe: built, used and closed by the bench thread (the runners run on their own).
 */
final class ExecuteHosts implements AutoCloseable {
  private static final Duration TPM_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration STOP = Duration.ofSeconds(10);
  private static final String ATTESTED_SOFTWARE = "attested-software";

  /** One enrolled host: its name, identity and TPM-resident credentials. */
  record Host(String name, SpiffeId id, SvidCredentials credentials) {}

  private final List<SwtpmProcess> swtpms = new ArrayList<>();
  private final List<Host> hosts = new ArrayList<>();
  private final List<AgentRunner> runners = new ArrayList<>();
  private final List<Thread> threads = new ArrayList<>();

  /** Starts {@code count} swtpms in {@code dir}, issued by the CA in {@code caDir}. */
  static ExecuteHosts startTpms(Path dir, Path caDir, int count) throws TpmToolException {
    ExecuteHosts h = new ExecuteHosts();
    try {
      for (int i = 0; i < count; i++) {
        h.swtpms.add(SwtpmProcess.start(dir.resolve("swtpm-" + i), caDir, TPM_TIMEOUT));
      }
    } catch (TpmToolException | RuntimeException e) {
      h.close();
      throw e;
    }
    return h;
  }

  /** The first swtpm: its CA is the one every swtpm here shares. */
  SwtpmProcess anyTpm() {
    return swtpms.getFirst();
  }

  /**
   * Enrolls host {@code index} as node {@code name} with its swtpm and writes its agent folder
   * under {@code data}.
   *
   * @throws IOException if the enrollment fails or ends with another posture than attested-software
   */
  Host enroll(
      int index,
      String name,
      ExecuteFleet fleet,
      EnrollOpener opener,
      URI server,
      TrustBundle bundle,
      Path data,
      Clock clock,
      SecureRandom random)
      throws Exception {
    SwtpmProcess swtpm = swtpms.get(index);
    WritId id = opener.open(name);
    byte[] writ = fleet.signEnroll(id, name, clock.instant());
    Files.createDirectories(data);
    TpmDevice tpm = TpmDevice.open(swtpm.tcti(), data.resolve("tpm"), swtpm.caCertificates());
    Enroller.Enrolled e;
    try {
      e =
          new Enroller(clock, random)
              .enroll(
                  new Enroller.Request(
                      server, bundle, name, writ, java.util.Optional.of(tpm), new TreeMap<>()));
    } catch (EnrollException ex) {
      throw new IOException("enrollment of " + name + " failed: " + ex.getMessage(), ex);
    }
    if (!e.posture().equals(ATTESTED_SOFTWARE)) {
      throw new IOException(name + " enrolled " + e.posture() + ", not " + ATTESTED_SOFTWARE);
    }
    Files.writeString(data.resolve("receipt.json"), e.receipt());
    Files.writeString(data.resolve(AgentRunner.POSTURE_FILE), e.posture() + "\n");
    Files.writeString(data.resolve("bundle.pem"), e.bundlePem());
    SvidPem.write(data.resolve("svid.pem"), e.credentials());
    Host host = new Host(name, e.id(), e.credentials());
    hosts.add(host);
    return host;
  }

  /** Starts {@code host}'s agent loop, run until {@link #close}, its folder {@code data}. */
  void run(
      Host host,
      Path data,
      URI server,
      TrustBundle bundle,
      ExecuteFleet fleet,
      NoteVerifierKey logKey,
      ExecuteTimelines timelines,
      Clock clock,
      SecureRandom random)
      throws IOException {
    AgentRunner runner =
        AgentRunner.open(
            new AgentRunner.Config(
                server,
                data,
                host.credentials(),
                bundle,
                fleet.root(),
                logKey,
                ExecutionLimits.defaults(),
                0,
                line -> timelines.line(host.id(), System.nanoTime(), line),
                clock,
                random),
            // each in-process agent its own process-tier uids: a run's cleanup kills its uid's all
            Sandboxes.forHost(
                new UidRange(
                    UidRange.DEFAULT.first() + runners.size() * UidRange.DEFAULT.count(),
                    UidRange.DEFAULT.count())));
    runners.add(runner);
    Thread t =
        Thread.ofPlatform()
            .name("writ-bench-agent-" + host.name())
            .daemon(true)
            .start(
                () -> {
                  try {
                    runner.run();
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                });
    threads.add(t);
  }

  /** The enrolled hosts, in enrollment order. */
  List<Host> hosts() {
    return List.copyOf(hosts);
  }

  /** Stops the agents, then the swtpms. */
  @Override
  public void close() {
    for (AgentRunner r : runners) {
      try {
        r.close();
      } catch (IOException e) {
        System.err.println("execute-bench: closing an agent: " + e.getMessage());
      }
    }
    for (Thread t : threads) {
      try {
        t.join(STOP);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    for (SwtpmProcess s : swtpms) {
      s.close();
    }
  }
}
