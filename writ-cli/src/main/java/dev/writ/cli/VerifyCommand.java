package dev.writ.cli;

import dev.writ.core.Decision;
import dev.writ.core.json.CanonicalJson;
import dev.writ.core.json.JsonValue;
import dev.writ.core.json.JsonValue.JsonObject;
import dev.writ.core.json.JsonValue.JsonString;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    description = {
      "Verify a writ offline against a pinned root and a context file.",
      "Prints one JSON line {\"decision\": \"allow\"|\"deny\", \"reason\": CODE|null, ...}.",
      "Exit status: 0 allow, 1 deny, 2 usage or input error.",
      "The context (docs/spec/writ.md, \"Vectors\") gives now, the acting node, delivered",
      "targets, content hash and fleet state; without \"node\" the writ is checked in",
      "authority (server) scope."
    })
final class VerifyCommand implements Callable<Integer> {
  private final WritCli.Env env;

  @Option(names = "--root", required = true, paramLabel = "ROOT", description = "Pinned root.json.")
  Path root;

  @Option(
      names = "--rotate",
      paramLabel = "ROOT",
      description = "Newer root to accept by rotation first (repeatable, in order).")
  List<Path> rotations = new ArrayList<>();

  @Option(
      names = "--writ",
      required = true,
      paramLabel = "WRIT",
      description = "The writ envelope.")
  Path writ;

  @Option(
      names = "--context",
      required = true,
      paramLabel = "CONTEXT",
      description = "Context JSON.")
  Path context;

  VerifyCommand(WritCli.Env env) {
    this.env = env;
  }

  @Override
  public Integer call() throws CliException {
    byte[] rootBytes = Files2.read(root);
    List<byte[]> next = new ArrayList<>();
    for (Path p : rotations) {
      next.add(Files2.read(p));
    }
    byte[] envelope = Files2.read(writ);
    ContextFile ctx = ContextFile.parse(Files2.read(context));
    Decision d = OfflineVerification.run(rootBytes, next, envelope, ctx);
    env.out().println(line(d));
    return switch (d) {
      case Decision.Allow a -> WritCli.OK;
      case Decision.Deny x -> WritCli.DENIED;
    };
  }

  static String line(Decision d) {
    Map<String, JsonValue> m = new LinkedHashMap<>();
    switch (d) {
      case Decision.Allow a -> {
        m.put("decision", new JsonString("allow"));
        m.put("reason", JsonValue.JsonNull.INSTANCE);
        m.put("id", new JsonString(a.writ().id().hex()));
        m.put("cap", new JsonString(a.writ().payload().cap().wire()));
      }
      case Decision.Deny x -> {
        m.put("decision", new JsonString("deny"));
        m.put("reason", new JsonString(x.reason().name()));
        x.id().ifPresent(id -> m.put("id", new JsonString(id.hex())));
        m.put("detail", new JsonString(x.detail()));
      }
    }
    return new String(CanonicalJson.write(new JsonObject(m)), StandardCharsets.UTF_8);
  }
}
