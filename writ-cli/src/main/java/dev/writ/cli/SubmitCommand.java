package dev.writ.cli;

import dev.writ.core.Limits;
import dev.writ.log.NoteVerifierKey;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "submit",
    mixinStandardHelpOptions = true,
    description = {
      "Submit a writ to the server (POST /v1/writs over TLS 1.3, the server authenticated by",
      "the trust bundle and its SPIFFE ID) and verify the receipt of its decision:",
      "the checkpoint signature by the log key, the RFC 9162 inclusion proof, and that the",
      "committed decision record is this envelope's and this answer's (docs/spec/api.md).",
      "Prints the answer as one JSON line with \"receipt_verified\":true added.",
      "Exit status: 0 allowed, 1 denied, 2 usage error, unreachable server, a server that",
      "fails the TLS check or a receipt that does not verify, 3 not decided (rate limited,",
      "overloaded, ledger unavailable: retry later)."
    })
final class SubmitCommand implements Callable<Integer> {
  static final int NOT_DECIDED = 3;

  private final WritCli.Env env;

  @Parameters(index = "0", paramLabel = "WRIT", description = "The writ envelope to submit.")
  Path writ;

  @Option(
      names = "--server",
      paramLabel = "URL",
      description =
          "The server's TLS listener, https://HOST:PORT (default: ${DEFAULT-VALUE}); http:// is"
              + " refused.",
      defaultValue = "https://127.0.0.1:7300")
  String server;

  @Option(
      names = "--bundle",
      paramLabel = "FILE",
      description =
          "The trust bundle (the server's CA certificates, PEM; 'writ server' prints its path as"
              + " 'bundle FILE'), from the operator, not from the server you are checking.")
  Path bundle;

  @Option(
      names = "--log-key",
      required = true,
      paramLabel = "VKEY",
      description =
          "The log's verifier key as 'writ server' printed it (name+keyid+base64), or @FILE."
              + " Take it from the operator, not from the server you are checking.")
  String logKey;

  SubmitCommand(WritCli.Env env) {
    this.env = env;
  }

  @Override
  public Integer call() throws CliException {
    ServerTrust trust = ServerTrust.of("--server", server, bundle);
    NoteVerifierKey key = AuditCommands.verifierKey(logKey);
    byte[] envelope = Files2.read(writ);
    if (envelope.length > Limits.MAX_ENVELOPE_BYTES) {
      throw new CliException(
          writ
              + " is "
              + envelope.length
              + " bytes; an envelope is at most "
              + Limits.MAX_ENVELOPE_BYTES);
    }
    ServerClient.Answer answer;
    try (HttpClient http = trust.client(env.clock(), env.random())) {
      answer = ServerClient.submit(trust, http, key, envelope);
    }
    env.out().println(answer.line());
    if (answer.undecided()) {
      return NOT_DECIDED;
    }
    return answer.allowed() ? WritCli.OK : WritCli.DENIED;
  }
}
