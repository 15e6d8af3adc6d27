package dev.writ.cli;

import dev.writ.core.SpiffeId;
import dev.writ.core.WorkResult;
import dev.writ.core.WritDeniedException;
import dev.writ.core.WritId;
import dev.writ.core.json.CanonicalJson;
import dev.writ.core.json.JsonValue;
import dev.writ.core.json.JsonValue.JsonArray;
import dev.writ.core.json.JsonValue.JsonBool;
import dev.writ.core.json.JsonValue.JsonInteger;
import dev.writ.core.json.JsonValue.JsonObject;
import dev.writ.log.NoteVerifierKey;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "result",
    mixinStandardHelpOptions = true,
    description = {"Read the audited results of a writ (docs/spec/work.md sections 7 and 8)."},
    subcommands = {ResultCommands.Show.class})
final class ResultCommands implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** A writ has at most 64 targets, so at most 64 results (work.md section 2). */
  static final int MAX_RESULTS = WorkCommands.MAX_TARGETS;

  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description = {
        "Show the results of writ ID, each verified: GET /v1/work/ID/results over TLS 1.3",
        "(the server authenticated by --bundle and its SPIFFE ID); for every result, its",
        "receipt under the pinned log key (the result record is in the signed log at its",
        "index), its certificate as an SVID of --bundle at the record's time whose SPIFFE ID",
        "is the record's node, the node's signature over the document under that certificate,",
        "and the document: a strict result of that node for writ ID. Nothing is printed",
        "unless every result passes. One line per node (and a line of what execution did), or",
        "with --json one JSON line per result: the signed document with index, logged time",
        "and \"receipt_verified\":true, \"signature_verified\":true.",
        "Exit status: 0 every result verified (whatever it reports), 2 usage error, unknown",
        "writ, unreachable server, failed TLS check, or any result that fails a check."
      })
  static final class Show implements Callable<Integer> {
    private final WritCli.Env env;

    @Parameters(index = "0", paramLabel = "ID", description = "The writ id (32 hex digits).")
    String id;

    @Option(
        names = "--server",
        required = true,
        paramLabel = "URL",
        description = "The server's TLS listener, https://HOST:PORT.")
    String server;

    @Option(
        names = "--bundle",
        required = true,
        paramLabel = "FILE",
        description =
            "The trust bundle (the CA certificates, PEM), from the operator: it authenticates the"
                + " server and the nodes' certificates.")
    Path bundle;

    @Option(
        names = "--log-key",
        required = true,
        paramLabel = "VKEY",
        description =
            "The log's verifier key as 'writ server' printed it (name+keyid+base64), or @FILE."
                + " Take it from the operator, not from the server you are checking.")
    String logKey;

    @Option(names = "--json", description = "One JSON line per result instead of text.")
    boolean json;

    Show(WritCli.Env env) {
      this.env = env;
    }

    @Override
    public Integer call() throws CliException {
      WritId writ;
      try {
        writ = WritId.parse(id);
      } catch (WritDeniedException e) {
        throw new CliException("ID must be a writ id, 32 lowercase hex digits: " + e.detail(), e);
      }
      ServerTrust trust = ServerTrust.of(server, bundle);
      NoteVerifierKey key = AuditCommands.verifierKey(logKey);
      TlsPost.Answer answer;
      try (HttpClient http = trust.client(env.clock(), env.random())) {
        answer = TlsGet.get(http, trust.server().resolve("/v1/work/" + writ.hex() + "/results"));
      }
      if (answer.status() == 404) {
        throw new CliException(
            "the server holds no work "
                + writ
                + " ("
                + answer.string("reason").orElse("HTTP 404")
                + ")");
      }
      if (answer.status() != 200) {
        throw new CliException(
            "GET /v1/work/"
                + writ.hex()
                + "/results answered HTTP "
                + answer.status()
                + answer.string("reason").map(r -> " " + r).orElse(""));
      }
      List<ResultCheck.Verified> verified = verifyAll(answer.body(), writ, key, trust);
      if (verified.isEmpty()) {
        env.err().println("no results of writ " + writ + " yet");
        return WritCli.OK;
      }
      for (ResultCheck.Verified v : verified) {
        if (json) {
          env.out().println(jsonLine(v));
        } else {
          text(v);
        }
      }
      env.err()
          .println(
              verified.size()
                  + " result(s) of writ "
                  + writ
                  + ", each verified: receipt under the log key "
                  + key.name()
                  + ", certificate under the bundle, node signature");
      return WritCli.OK;
    }

    /** Every result passes, or nothing is shown. */
    private static List<ResultCheck.Verified> verifyAll(
        Map<String, JsonValue> body, WritId writ, NoteVerifierKey key, ServerTrust trust)
        throws CliException {
      if (!body.keySet().equals(Set.of("results"))
          || !(body.get("results") instanceof JsonArray(List<JsonValue> entries))) {
        throw new CliException("the server's answer is not {\"results\":[...]}");
      }
      if (entries.size() > MAX_RESULTS) {
        throw new CliException(
            "the server lists " + entries.size() + " results; a writ has at most " + MAX_RESULTS);
      }
      List<ResultCheck.Verified> verified = new ArrayList<>(entries.size());
      Set<SpiffeId> nodes = new HashSet<>();
      for (int n = 0; n < entries.size(); n++) {
        ResultCheck.Verified v = ResultCheck.verify(entries.get(n), n, writ, key, trust.bundle());
        if (!nodes.add(v.result().node())) {
          throw new CliException(
              "the server lists two results of " + v.result().node() + " for writ " + writ);
        }
        verified.add(v);
      }
      return verified;
    }

    private void text(ResultCheck.Verified v) {
      WorkResult r = v.result();
      String head =
          String.format(
              Locale.ROOT,
              "%s  %-8s%s  leaf %d  receipt verified (checkpoint size %d), signature verified",
              r.node(),
              r.decision(),
              r.reason().map(x -> " " + x.name()).orElse(""),
              v.receipt().index(),
              v.receipt().checkpoint().size());
      env.out().println(head);
      r.exec()
          .ifPresent(
              e ->
                  env.out()
                      .println(
                          String.format(
                              Locale.ROOT,
                              "    exit %d  outcome %s  stdout %d bytes sha256:%s  stderr %d bytes"
                                  + " sha256:%s  wall %d ms%s",
                              e.exit(),
                              e.outcome(),
                              e.stdoutBytes(),
                              e.stdoutSha256(),
                              e.stderrBytes(),
                              e.stderrSha256(),
                              e.wallMillis(),
                              e.fuel().map(f -> "  fuel " + f).orElse(""))));
    }

    private static String jsonLine(ResultCheck.Verified v) {
      Map<String, JsonValue> m = new LinkedHashMap<>(v.documentMembers());
      m.put("index", new JsonInteger(v.receipt().index()));
      m.put("logged", new JsonInteger(v.receipt().record().time()));
      m.put("receipt_verified", new JsonBool(true));
      m.put("signature_verified", new JsonBool(true));
      return new String(CanonicalJson.write(new JsonObject(m)), StandardCharsets.UTF_8);
    }
  }
}
