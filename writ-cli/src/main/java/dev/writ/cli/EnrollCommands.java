package dev.writ.cli;

import dev.writ.core.Capability;
import dev.writ.core.SpiffeId;
import dev.writ.core.SpiffeIdGlob;
import dev.writ.core.TargetSet;
import dev.writ.core.WritDeniedException;
import dev.writ.core.WritId;
import dev.writ.core.WritPayload;
import dev.writ.core.json.JsonValue;
import dev.writ.core.json.JsonValue.JsonInteger;
import dev.writ.core.json.JsonValue.JsonObject;
import dev.writ.core.json.JsonValue.JsonString;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "enroll",
    mixinStandardHelpOptions = true,
    description = {
      "Enroll a host (docs/spec/enrollment.md): 'open' asks the server for an",
      "enrollment and writes the unsigned enroll writ; sign it with 'writ sign'",
      "(initiator) and 'writ approve' (a second operator), then give it with the",
      "bundle to the host's 'writ agent enroll'."
    },
    subcommands = {EnrollCommands.Open.class})
final class EnrollCommands implements Runnable {
  /** A node's name (enrollment.md section 2). */
  static final Pattern NODE_NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  static void checkName(String name, String option) throws CliException {
    if (!NODE_NAME.matcher(name).matches()) {
      throw new CliException(
          option
              + " must be a node name: 1 to 63 of a-z 0-9 . _ - starting with a letter or digit,"
              + " not \""
              + name
              + "\"");
    }
  }

  /** What {@code POST /v1/enroll/open} answered, checked against what was asked. */
  record Opened(WritId id, SpiffeId node, TargetSet.SetHash setHash, Instant expires) {}

  @Command(
      name = "open",
      mixinStandardHelpOptions = true,
      description = {
        "Open an enrollment for a host and write its unsigned enroll writ.",
        "POSTs /v1/enroll/open over TLS 1.3, trusting only --bundle and only the",
        "server's SPIFFE ID spiffe://<trust domain>/writ/server, then writes the",
        "payload of enrollment.md 3.1: cap enroll, the writ id the server drew,",
        "targets {glob: the node's SPIFFE ID, set_hash}, iat = nbf = now, and",
        "exp = the earlier of now + --ttl and the enrollment's expiry.",
        "Next: writ sign FILE --key INITIATOR.key -o WRIT",
        "      writ approve WRIT --key APPROVER.key",
        "      on the host: writ agent enroll --writ WRIT --bundle BUNDLE ...",
        "Exit status: 0 opened, 1 refused by the server, 2 usage error or",
        "unreachable server, 3 not decided (rate limited, overloaded, ledger",
        "unavailable: retry later)."
      })
  static final class Open implements Callable<Integer> {
    private final WritCli.Env env;

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
            "The trust bundle (the server's CA certificates, PEM), from the operator, not from"
                + " the server you are checking.")
    Path bundle;

    @Option(
        names = "--host",
        required = true,
        paramLabel = "NAME",
        description = "The host's node name: its SPIFFE ID is spiffe://<trust domain>/node/NAME.")
    String host;

    @Option(
        names = "--ttl",
        paramLabel = "TTL",
        defaultValue = "10m",
        description =
            "How long the writ is valid, e.g. 90s, 10m, 1h (default: ${DEFAULT-VALUE}); never past"
                + " the enrollment's expiry.")
    String ttl;

    @Option(
        names = {"-o", "--out"},
        required = true,
        paramLabel = "FILE",
        description = "Where to write the unsigned payload.")
    Path out;

    Open(WritCli.Env env) {
      this.env = env;
    }

    @Override
    public Integer call() throws CliException {
      checkName(host, "--host");
      Duration lifetime = RequestCommand.ttl(ttl);
      ServerTrust trust = ServerTrust.of(server, bundle);
      SpiffeId node = trust.nodeId(host);
      TlsPost.Answer answer;
      try (HttpClient http = trust.client(env.clock(), env.random())) {
        answer =
            TlsPost.post(
                http,
                trust.server().resolve("/v1/enroll/open"),
                new JsonObject(Map.of("node", new JsonString(host))));
      }
      if (answer.status() != 200) {
        return refused(answer);
      }
      Instant now = env.clock().instant().truncatedTo(ChronoUnit.SECONDS);
      Opened opened = check(answer.body(), node, now);
      Instant exp = now.plus(lifetime);
      if (opened.expires().isBefore(exp)) {
        exp = opened.expires();
      }
      byte[] bytes = payload(opened, now, exp);
      Files2.write(out, bytes);
      env.err()
          .println(
              "opened the enrollment of "
                  + node
                  + " (id "
                  + opened.id()
                  + ", open until "
                  + opened.expires()
                  + ")");
      env.err().println("wrote " + out + " (enroll, id " + opened.id() + ", exp " + exp + ")");
      env.err()
          .println(
              "next: writ sign "
                  + out
                  + " --key INITIATOR.key -o WRIT; writ approve WRIT --key APPROVER.key");
      return WritCli.OK;
    }

    private int refused(TlsPost.Answer answer) {
      String reason = answer.string("reason").orElse("HTTP " + answer.status());
      String detail = answer.string("detail").map(d -> ": " + d).orElse("");
      if (TlsPost.undecided(answer.status())) {
        env.err().println("writ: the server did not decide (" + reason + "); retry later");
        return SubmitCommand.NOT_DECIDED;
      }
      env.err().println("writ: the server refused to open the enrollment: " + reason + detail);
      return WritCli.DENIED;
    }

    /** The unsigned payload, through the verifier's own parse rules before it is written. */
    private static byte[] payload(Opened opened, Instant now, Instant exp) throws CliException {
      try {
        WritPayload payload =
            WritPayload.create(
                opened.id(),
                Capability.ENROLL,
                Optional.of(
                    new WritPayload.Targets(
                        SpiffeIdGlob.parse(opened.node().toString()), opened.setHash())),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                now,
                now,
                exp);
        byte[] bytes = payload.toCanonicalBytes();
        WritPayload.parse(bytes);
        return bytes;
      } catch (WritDeniedException e) {
        throw new CliException("cannot write the enroll payload: " + e.detail(), e);
      }
    }
  }

  /**
   * Checks the open answer (enrollment.md section 3.1) against the node asked for: its node is that
   * node, its set_hash the hash of exactly that node, its expiry after {@code now}. An initiator
   * never signs targets it did not ask for.
   */
  static Opened check(Map<String, JsonValue> body, SpiffeId node, Instant now) throws CliException {
    try {
      WritId id = WritId.parse(TlsPost.required(body, "id"));
      String answeredNode = TlsPost.required(body, "node");
      if (!answeredNode.equals(node.toString())) {
        throw new CliException(
            "the server opened an enrollment for " + answeredNode + ", not for " + node);
      }
      TargetSet.SetHash setHash = TargetSet.SetHash.parse(TlsPost.required(body, "set_hash"));
      if (!setHash.equals(TargetSet.of(List.of(node)).hash())) {
        throw new CliException("the server's set_hash is not the hash of {" + node + "}");
      }
      if (!(body.get("expires") instanceof JsonInteger(long seconds))) {
        throw new CliException("the server's answer has no expires");
      }
      Instant expires = Instant.ofEpochSecond(seconds);
      if (!expires.isAfter(now)) {
        throw new CliException("the enrollment the server opened expired at " + expires);
      }
      return new Opened(id, node, setHash, expires);
    } catch (WritDeniedException e) {
      throw new CliException("the server's answer is not an open enrollment: " + e.detail(), e);
    }
  }
}
