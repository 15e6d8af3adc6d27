package dev.writ.cli;

import dev.writ.core.Capability;
import dev.writ.core.ContentId;
import dev.writ.core.SpiffeId;
import dev.writ.core.SpiffeIdGlob;
import dev.writ.core.TargetSet;
import dev.writ.core.Tier;
import dev.writ.core.WritDeniedException;
import dev.writ.core.WritId;
import dev.writ.core.WritPayload;
import dev.writ.core.json.JsonValue;
import dev.writ.core.json.JsonValue.JsonArray;
import dev.writ.core.json.JsonValue.JsonInteger;
import dev.writ.core.json.JsonValue.JsonObject;
import dev.writ.core.json.JsonValue.JsonString;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code writ deploy} and {@code writ execute}: open a work request ({@code POST /v1/work/open},
 * docs/spec/work.md section 2), check the answer against what was asked, print the exact target
 * list for the signers and write the unsigned payload. The payload then goes through {@code writ
 * sign}, {@code writ approve} and {@code writ submit}. Stateless apart from picocli's fields.
 */
final class WorkCommands {
  /** Targets of one request: {@code WorkRequest.MAX_TARGETS} (work.md section 2). */
  static final int MAX_TARGETS = 64;

  /** The largest {@code ttl} of an open request, in seconds (work.md section 2). */
  static final long MAX_TTL_SECONDS = 86_400;

  private static final Set<String> ANSWER =
      Set.of("cap", "content", "expires", "glob", "id", "set_hash", "targets");

  private WorkCommands() {}

  /** What the initiator asks for. */
  record Asked(
      Capability cap,
      ContentId content,
      SpiffeIdGlob glob,
      Optional<String> rollout,
      Optional<Tier> tier,
      long ttlSeconds) {
    /** The canonical open body: {@code {"cap","content","glob","rollout"?,"tier"?,"ttl"}}. */
    JsonObject body() {
      Map<String, JsonValue> m = new LinkedHashMap<>();
      m.put("cap", new JsonString(cap.wire()));
      m.put("content", new JsonString(content.toString()));
      m.put("glob", new JsonString(glob.toString()));
      rollout.ifPresent(r -> m.put("rollout", new JsonString(r)));
      tier.ifPresent(t -> m.put("tier", new JsonString(t.wire())));
      m.put("ttl", new JsonInteger(ttlSeconds));
      return new JsonObject(m);
    }
  }

  /** What the server opened, checked against what was asked. */
  record Opened(WritId id, List<SpiffeId> targets, TargetSet.SetHash setHash, Instant expires) {}

  /**
   * Checks the open answer of work.md section 2 against {@code asked}: exactly the members of the
   * answer; {@code cap}, {@code content}, {@code glob}, {@code rollout} and {@code tier} repeat the
   * request; {@code targets} is 1 to {@value #MAX_TARGETS} distinct SPIFFE IDs in {@code TargetSet}
   * order, each matching the glob; {@code set_hash} is their hash; {@code expires} is after {@code
   * now}. An initiator never signs a set it has not seen.
   */
  static Opened check(Map<String, JsonValue> body, Asked asked, Instant now) throws CliException {
    Set<String> expected = new HashSet<>(ANSWER);
    asked.rollout().ifPresent(r -> expected.add("rollout"));
    asked.tier().ifPresent(t -> expected.add("tier"));
    if (!body.keySet().equals(expected)) {
      throw new CliException(
          "the server's open answer has members "
              + body.keySet()
              + "; work.md section 2 gives "
              + expected);
    }
    repeats(body, "cap", asked.cap().wire());
    repeats(body, "content", asked.content().toString());
    repeats(body, "glob", asked.glob().toString());
    if (asked.rollout().isPresent()) {
      repeats(body, "rollout", asked.rollout().get());
    }
    if (asked.tier().isPresent()) {
      repeats(body, "tier", asked.tier().get().wire());
    }
    try {
      WritId id = WritId.parse(TlsPost.required(body, "id"));
      List<SpiffeId> targets = targets(body, asked.glob());
      TargetSet.SetHash setHash = TargetSet.SetHash.parse(TlsPost.required(body, "set_hash"));
      if (!setHash.equals(TargetSet.of(targets).hash())) {
        throw new CliException(
            "the server's set_hash " + setHash + " is not the hash of the targets it listed");
      }
      if (!(body.get("expires") instanceof JsonInteger(long seconds))) {
        throw new CliException("the server's answer has no integer expires");
      }
      Instant expires = Instant.ofEpochSecond(seconds);
      if (!expires.isAfter(now)) {
        throw new CliException("the request the server opened expired at " + expires);
      }
      return new Opened(id, targets, setHash, expires);
    } catch (WritDeniedException e) {
      throw new CliException("the server's answer is not an open request: " + e.detail(), e);
    }
  }

  private static void repeats(Map<String, JsonValue> body, String name, String asked)
      throws CliException {
    String answered = TlsPost.required(body, name);
    if (!answered.equals(asked)) {
      throw new CliException(
          "the server opened a request with " + name + " " + answered + ", not " + asked);
    }
  }

  private static List<SpiffeId> targets(Map<String, JsonValue> body, SpiffeIdGlob glob)
      throws CliException, WritDeniedException {
    if (!(body.get("targets") instanceof JsonArray(List<JsonValue> elements))) {
      throw new CliException("the server's targets is not an array");
    }
    if (elements.isEmpty() || elements.size() > MAX_TARGETS) {
      throw new CliException(
          "the server listed " + elements.size() + " targets, not 1 to " + MAX_TARGETS);
    }
    List<SpiffeId> targets = new ArrayList<>(elements.size());
    for (JsonValue v : elements) {
      if (!(v instanceof JsonString(String s))) {
        throw new CliException("a target in the server's answer is not a string");
      }
      SpiffeId id = SpiffeId.parse(s);
      if (!glob.matches(id)) {
        throw new CliException(
            "the server listed " + id + ", which the glob " + glob + " does not match");
      }
      targets.add(id);
    }
    if (!List.copyOf(TargetSet.of(targets).ids()).equals(targets)) {
      throw new CliException("the server's targets are not distinct and sorted as TargetSet sorts");
    }
    return targets;
  }

  /** The options and the flow both commands share; subclasses give the capability and tier. */
  abstract static class Open implements Callable<Integer> {
    private final WritCli.Env env;

    @Option(
        names = "--content",
        required = true,
        paramLabel = "ID",
        description = "The content's id, sha256:<hex> or CIDv1 (see 'writ content id').")
    String content;

    @Option(
        names = "--targets",
        required = true,
        paramLabel = "GLOB",
        description =
            "A SPIFFE ID glob, e.g. spiffe://fleet.example/node/web-*; the server resolves it to"
                + " the exact list of registered nodes, which you then sign.")
    String targets;

    @Option(
        names = "--rollout",
        paramLabel = "R",
        description = "A rollout name ([A-Za-z0-9][A-Za-z0-9._-]{0,127}) to follow the work by.")
    String rollout;

    @Option(
        names = "--ttl",
        paramLabel = "TTL",
        defaultValue = "10m",
        description =
            "How long the writ is valid, e.g. 90s, 10m, 1h, at most 24h (default:"
                + " ${DEFAULT-VALUE}); never past the request's expiry.")
    String ttl;

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
        names = {"-o", "--out"},
        required = true,
        paramLabel = "FILE",
        description = "Where to write the unsigned payload.")
    Path out;

    Open(WritCli.Env env) {
      this.env = env;
    }

    abstract Capability cap();

    abstract Optional<Tier> tier() throws CliException;

    @Override
    public Integer call() throws CliException {
      Asked asked = asked();
      ServerTrust trust = ServerTrust.of(server, bundle);
      TlsPost.Answer answer;
      try (HttpClient http = trust.client(env.clock(), env.random())) {
        answer = TlsPost.post(http, trust.server().resolve("/v1/work/open"), asked.body());
      }
      if (answer.status() != 200) {
        return refused(answer);
      }
      Instant now = env.clock().instant().truncatedTo(ChronoUnit.SECONDS);
      Opened opened = check(answer.body(), asked, now);
      Instant exp = now.plusSeconds(asked.ttlSeconds());
      if (opened.expires().isBefore(exp)) {
        exp = opened.expires();
      }
      byte[] bytes = payload(asked, opened, now, exp);
      Files2.write(out, bytes);
      for (SpiffeId t : opened.targets()) {
        env.out().println(t);
      }
      env.err()
          .println(
              "opened "
                  + asked.cap().wire()
                  + " of "
                  + asked.content()
                  + asked.tier().map(t -> " in tier " + t.wire()).orElse("")
                  + " on the "
                  + opened.targets().size()
                  + " target(s) above (glob "
                  + asked.glob()
                  + ", set_hash "
                  + opened.setHash()
                  + ", id "
                  + opened.id()
                  + ", open until "
                  + opened.expires()
                  + ")");
      env.err()
          .println(
              "wrote "
                  + out
                  + " ("
                  + asked.cap().wire()
                  + ", id "
                  + opened.id()
                  + ", exp "
                  + exp
                  + "): the signers sign exactly this list");
      env.err()
          .println(
              "next: writ sign "
                  + out
                  + " --key INITIATOR.key -o WRIT; writ approve WRIT --key APPROVER.key;"
                  + " writ submit WRIT --server URL --bundle FILE --log-key VKEY");
      return WritCli.OK;
    }

    private Asked asked() throws CliException {
      Duration lifetime = RequestCommand.ttl(ttl);
      if (lifetime.toSeconds() > MAX_TTL_SECONDS) {
        throw new CliException("--ttl is at most 24h (86400 seconds), not " + ttl);
      }
      try {
        ContentId id = ContentId.parse(content);
        SpiffeIdGlob glob = SpiffeIdGlob.parse(targets);
        Optional<String> r = Optional.ofNullable(rollout);
        // the payload rules (rollout pattern, tier presence) before anything is sent
        WritPayload.create(
            WritId.random(env.random()),
            cap(),
            Optional.of(new WritPayload.Targets(glob, TargetSet.of(List.of()).hash())),
            Optional.of(id),
            r,
            tier(),
            Optional.empty(),
            Instant.EPOCH,
            Instant.EPOCH,
            Instant.EPOCH.plus(lifetime));
        return new Asked(cap(), id, glob, r, tier(), lifetime.toSeconds());
      } catch (WritDeniedException e) {
        throw new CliException(cap().wire() + ": " + e.detail(), e);
      }
    }

    private int refused(TlsPost.Answer answer) throws CliException {
      if (TlsPost.undecided(answer.status())) {
        String reason = answer.string("reason").orElse("HTTP " + answer.status());
        env.err().println("writ: the server did not decide (" + reason + "); retry later");
        return SubmitCommand.NOT_DECIDED;
      }
      Optional<String> reason = answer.string("reason");
      if (reason.isEmpty() || answer.status() < 400 || answer.status() >= 500) {
        throw new CliException(
            "unexpected answer to " + cap().wire() + " open: HTTP " + answer.status());
      }
      String detail = answer.string("detail").map(d -> ": " + d).orElse("");
      env.err()
          .println(
              "writ: the server refused to open the "
                  + cap().wire()
                  + " request: "
                  + reason.get()
                  + detail);
      return WritCli.DENIED;
    }

    /** The unsigned payload of work.md section 2, through the verifier's own parse rules. */
    private static byte[] payload(Asked asked, Opened opened, Instant now, Instant exp)
        throws CliException {
      try {
        WritPayload payload =
            WritPayload.create(
                opened.id(),
                asked.cap(),
                Optional.of(new WritPayload.Targets(asked.glob(), opened.setHash())),
                Optional.of(asked.content()),
                asked.rollout(),
                asked.tier(),
                Optional.empty(),
                now,
                now,
                exp);
        byte[] bytes = payload.toCanonicalBytes();
        WritPayload.parse(bytes);
        return bytes;
      } catch (WritDeniedException e) {
        throw new CliException(
            "cannot write the " + asked.cap().wire() + " payload: " + e.detail(), e);
      }
    }
  }

  @Command(
      name = "deploy",
      mixinStandardHelpOptions = true,
      description = {
        "Open a deploy request and write its unsigned writ (docs/spec/work.md section 2).",
        "POSTs /v1/work/open over TLS 1.3 (the server authenticated by --bundle and its SPIFFE",
        "ID); the server resolves --targets to the exact list of registered nodes. The answer",
        "is checked (it repeats cap, content, glob and rollout; its targets match the glob and",
        "hash to its set_hash), the list is printed on standard output, one SPIFFE ID a line,",
        "and the payload is written: cap deploy, the writ id the server drew, content, rollout,",
        "targets {glob, set_hash}, iat = nbf = now, exp = the earlier of now + --ttl and the",
        "request's expiry.",
        "Next: writ sign FILE --key INITIATOR.key -o WRIT",
        "      writ approve WRIT --key APPROVER.key",
        "      writ submit WRIT --server URL --bundle FILE --log-key VKEY",
        "Exit status: 0 opened, 1 refused by the server (its reason printed), 2 usage error,",
        "unreachable server, failed TLS check or an answer that does not hold, 3 not decided",
        "(overloaded: retry later)."
      })
  static final class Deploy extends Open {
    Deploy(WritCli.Env env) {
      super(env);
    }

    @Override
    Capability cap() {
      return Capability.DEPLOY;
    }

    @Override
    Optional<Tier> tier() {
      return Optional.empty();
    }
  }

  @Command(
      name = "execute",
      mixinStandardHelpOptions = true,
      description = {
        "Open an execute request and write its unsigned writ (docs/spec/work.md section 2).",
        "As 'writ deploy', with --tier: the sandbox tier the content runs in on each host",
        "(docs/spec/sandbox.md); a tier below the root's sandbox floor is refused before",
        "anyone signs (TIER_BELOW_FLOOR).",
        "Exit status: 0 opened, 1 refused by the server (its reason printed), 2 usage error,",
        "unreachable server, failed TLS check or an answer that does not hold, 3 not decided",
        "(overloaded: retry later)."
      })
  static final class Execute extends Open {
    @Option(
        names = "--tier",
        required = true,
        paramLabel = "T",
        description = "The sandbox tier: process, seccomp, gvisor, wasm or microvm.")
    String tier;

    Execute(WritCli.Env env) {
      super(env);
    }

    @Override
    Capability cap() {
      return Capability.EXECUTE;
    }

    @Override
    Optional<Tier> tier() throws CliException {
      return Optional.of(
          Tier.fromWire(tier)
              .orElseThrow(
                  () ->
                      new CliException(
                          "--tier must be one of process, seccomp, gvisor, wasm, microvm, not \""
                              + tier
                              + "\"")));
    }
  }
}
