package dev.writ.cli;

import dev.writ.agent.AgentRunner;
import dev.writ.agent.TpmDevice;
import dev.writ.core.TrustRoot;
import dev.writ.core.WritDeniedException;
import dev.writ.identity.svid.SvidCredentials;
import dev.writ.log.NoteVerifierKey;
import dev.writ.sandbox.ExecutionLimits;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code writ agent run}: the agent's work loop ({@link AgentRunner}, docs/spec/work.md). */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Receive and do this host's work (docs/spec/work.md): one outbound stream to",
      "--server over mutual TLS 1.3 with the SVID in DIR (the server never connects",
      "to the host). Every work item is checked again here before anything runs:",
      "the server's receipt under the pinned --log-key and its consistency with the",
      "log this host has seen, the content bytes hashed here, and the whole writ in",
      "node scope under the pinned --root (this host's identity and posture, the",
      "target list, the floor), once: the writ id is recorded in DIR/acted-on",
      "before acting. deploy installs the content read-only under DIR/content;",
      "execute runs it in the writ's tier (wasm or process; a tier this host does",
      "not run is refused, never replaced). Each item is answered with a result",
      "signed by the node key, kept in DIR/outbox until the server records it.",
      "Prints one line per event. Runs until stopped (SIGTERM), or until",
      "--exit-after results were recorded.",
      "Exit status: 0 stopped or done, 2 usage error or a local failure (files,",
      "TPM, an SVID that does not load)."
    })
final class AgentRunCommand implements Callable<Integer> {
  private final WritCli.Env env;

  @Option(
      names = "--server",
      required = true,
      paramLabel = "URL",
      description = "The server's TLS listener, https://HOST:PORT.")
  String server;

  @Option(
      names = "--data",
      required = true,
      paramLabel = "DIR",
      description = "The agent's folder from 'writ agent enroll' (svid.pem, bundle.pem, posture).")
  Path data;

  @Option(
      names = "--root",
      required = true,
      paramLabel = "FILE",
      description =
          "The trust root this host pins (root.json from the operators, not from the server).")
  Path root;

  @Option(
      names = "--log-key",
      required = true,
      paramLabel = "VKEY",
      description =
          "The log's verifier key as 'writ server' printed it, or @FILE; from the operators.")
  String logKey;

  @Option(
      names = "--exit-after",
      paramLabel = "N",
      defaultValue = "0",
      description = "Stop after N results were recorded (default: run until stopped).")
  int exitAfter;

  @Mixin AgentCommands.TpmOptions tpm = new AgentCommands.TpmOptions();

  AgentRunCommand(WritCli.Env env) {
    this.env = env;
  }

  @Override
  public Integer call() throws CliException, InterruptedException {
    tpm.check();
    if (exitAfter < 0) {
      throw new CliException("--exit-after is a count, 0 or more");
    }
    ServerTrust trust = ServerTrust.of(server, data.resolve(AgentCommands.BUNDLE_FILE));
    TrustRoot pinned;
    try {
      pinned = TrustRoot.pin(Files2.read(root));
    } catch (WritDeniedException e) {
      throw new CliException(root + " is not a trust root: " + e.getMessage(), e);
    }
    NoteVerifierKey key = AuditCommands.verifierKey(logKey);
    Optional<TpmDevice> device = tpm.device(data);
    SvidCredentials credentials = AgentCommands.loadSvid(data, trust.bundle(), device, env.clock());
    AgentRunner runner;
    try {
      runner =
          AgentRunner.open(
              new AgentRunner.Config(
                  trust.server(),
                  data,
                  credentials,
                  trust.bundle(),
                  pinned,
                  key,
                  ExecutionLimits.defaults(),
                  exitAfter,
                  line -> env.out().println(line),
                  env.clock(),
                  env.random()));
    } catch (IOException e) {
      throw new CliException(e.getMessage(), e);
    }
    Thread hook =
        new Thread(
            () -> {
              try {
                runner.close();
              } catch (IOException e) {
                // stopping: nothing else to do
              }
            },
            "writ-agent-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      int n = runner.run();
      env.out().println("stopped after " + n + " recorded result" + (n == 1 ? "" : "s"));
      return WritCli.OK;
    } finally {
      try {
        runner.close();
      } catch (IOException e) {
        env.err().println("writ: closing the agent: " + e.getMessage());
      }
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // already shutting down
      }
    }
  }
}
