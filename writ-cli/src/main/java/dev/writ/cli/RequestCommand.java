package dev.writ.cli;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.writ.core.Capability;
import dev.writ.core.ContentId;
import dev.writ.core.SpiffeId;
import dev.writ.core.TargetSet;
import dev.writ.core.Tier;
import dev.writ.core.WritDeniedException;
import dev.writ.core.WritId;
import dev.writ.core.WritPayload;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "request",
    mixinStandardHelpOptions = true,
    description = {
      "Turn a YAML request into an unsigned, canonical writ payload.",
      "",
      "Fields: cap (discover|replicate|deploy|execute|quarantine|enroll|pause|resume),",
      "targets.glob, targets.ids (list of SPIFFE IDs; set_hash is computed) or",
      "targets.set_hash, content (sha256:<hex> or CIDv1), rollout, tier (execute),",
      "ticket, ttl (e.g. 90s, 10m, 1h), nbf (Unix seconds; default now), id (default random).",
      "The payload is checked with the verifier's own parse rules before it is written."
    })
final class RequestCommand implements Callable<Integer> {
  private static final Set<String> FIELDS =
      Set.of("cap", "targets", "content", "rollout", "tier", "ticket", "ttl", "nbf", "id");
  private static final Pattern TTL = Pattern.compile("([1-9][0-9]{0,6})([smh])");

  private final WritCli.Env env;

  @Parameters(
      index = "0",
      paramLabel = "REQUEST.yaml",
      description = "The request to turn into a payload.")
  Path request;

  @Option(
      names = {"-o", "--out"},
      paramLabel = "FILE",
      description = "Write the payload here (default: standard output).")
  Path out;

  RequestCommand(WritCli.Env env) {
    this.env = env;
  }

  @Override
  public Integer call() throws CliException {
    WritPayload payload = fromYaml(Files2.read(request), env);
    byte[] bytes = payload.toCanonicalBytes();
    if (out == null) {
      env.out().println(new String(bytes, StandardCharsets.UTF_8));
    } else {
      Files2.write(out, bytes);
      env.err()
          .println("wrote " + out + " (" + payload.cap().wire() + ", id " + payload.id() + ")");
    }
    return WritCli.OK;
  }

  static WritPayload fromYaml(byte[] yaml, WritCli.Env env) throws CliException {
    JsonNode root;
    try {
      root = new ObjectMapper(new YAMLFactory()).readTree(yaml);
    } catch (JacksonException e) {
      throw new CliException("request is not valid YAML: " + e.getOriginalMessage(), e);
    } catch (java.io.IOException e) {
      throw new CliException("cannot read request: " + e.getMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new CliException("request must be a YAML mapping");
    }
    for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!FIELDS.contains(f)) {
        throw new CliException("request has unknown field \"" + f + "\"");
      }
    }
    try {
      String capText = text(root, "cap");
      Capability cap =
          Capability.fromWire(capText)
              .orElseThrow(() -> new CliException("unknown capability \"" + capText + "\""));
      Optional<WritPayload.Targets> targets = Optional.empty();
      if (root.has("targets")) {
        targets = Optional.of(targets(root.get("targets")));
      }
      Optional<ContentId> content =
          root.has("content")
              ? Optional.of(ContentId.parse(text(root, "content")))
              : Optional.empty();
      Optional<Tier> tier = Optional.empty();
      if (root.has("tier")) {
        String t = text(root, "tier");
        tier =
            Optional.of(
                Tier.fromWire(t).orElseThrow(() -> new CliException("unknown tier \"" + t + "\"")));
      }
      Instant nbf =
          root.has("nbf")
              ? Instant.ofEpochSecond(root.get("nbf").asLong())
              : env.clock().instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
      Duration ttl = ttl(root.has("ttl") ? text(root, "ttl") : "10m");
      WritId id = root.has("id") ? WritId.parse(text(root, "id")) : WritId.random(env.random());
      return WritPayload.create(
          id,
          cap,
          targets,
          content,
          optional(root, "rollout"),
          tier,
          optional(root, "ticket"),
          nbf,
          nbf,
          nbf.plus(ttl));
    } catch (WritDeniedException e) {
      throw new CliException("request: " + e.detail(), e);
    }
  }

  private static WritPayload.Targets targets(JsonNode t) throws CliException, WritDeniedException {
    if (!t.isObject()) {
      throw new CliException("targets must be a mapping with glob and ids (or set_hash)");
    }
    dev.writ.core.SpiffeIdGlob glob = dev.writ.core.SpiffeIdGlob.parse(text(t, "glob"));
    if (t.has("ids") == t.has("set_hash")) {
      throw new CliException("targets needs exactly one of ids or set_hash");
    }
    if (t.has("set_hash")) {
      return new WritPayload.Targets(glob, TargetSet.SetHash.parse(text(t, "set_hash")));
    }
    List<SpiffeId> ids = new ArrayList<>();
    for (JsonNode n : t.get("ids")) {
      SpiffeId id = SpiffeId.parse(n.asText());
      if (!glob.matches(id)) {
        throw new CliException("target " + id + " does not match the glob " + glob);
      }
      ids.add(id);
    }
    if (ids.isEmpty()) {
      throw new CliException("targets.ids is empty");
    }
    return new WritPayload.Targets(glob, TargetSet.of(ids).hash());
  }

  static Duration ttl(String s) throws CliException {
    Matcher m = TTL.matcher(s);
    if (!m.matches()) {
      throw new CliException("ttl must look like 90s, 10m or 1h, not \"" + s + "\"");
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      default -> Duration.ofHours(n);
    };
  }

  private static String text(JsonNode n, String field) throws CliException {
    JsonNode v = n.get(field);
    if (v == null || !v.isValueNode() || v.isNull()) {
      throw new CliException("request needs " + field);
    }
    return v.asText();
  }

  private static Optional<String> optional(JsonNode n, String field) throws CliException {
    return n.has(field) ? Optional.of(text(n, field)) : Optional.empty();
  }
}
