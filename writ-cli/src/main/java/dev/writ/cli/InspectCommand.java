package dev.writ.cli;

import dev.writ.core.Envelope;
import dev.writ.core.RootContents;
import dev.writ.core.WritDeniedException;
import dev.writ.core.WritPayload;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "inspect",
    mixinStandardHelpOptions = true,
    description = {
      "Show a writ (or a bare payload) for people: what it permits, for whom, when, and who signed.",
      "This checks form only; 'writ verify' checks signatures and policy."
    })
final class InspectCommand implements Callable<Integer> {
  private final WritCli.Env env;

  @Parameters(index = "0", paramLabel = "WRIT", description = "A writ envelope or payload JSON.")
  Path writ;

  @Option(
      names = "--root",
      paramLabel = "ROOT",
      description = "Name signers' roles from this root.")
  Path root;

  InspectCommand(WritCli.Env env) {
    this.env = env;
  }

  @Override
  public Integer call() throws CliException {
    byte[] bytes = Files2.read(writ);
    Envelope envelope = null;
    byte[] payloadBytes = bytes;
    try {
      envelope = Envelope.parse(bytes);
      payloadBytes = envelope.payload();
    } catch (WritDeniedException e) {
      // not an envelope: try it as a bare payload below
    }
    WritPayload p;
    try {
      p = WritPayload.parse(payloadBytes);
    } catch (WritDeniedException e) {
      throw new CliException("not a readable writ: " + e.reason() + ": " + e.detail(), e);
    }
    RootContents rc = null;
    if (root != null) {
      try {
        rc = RootContents.parse(Envelope.parse(Files2.read(root)).payload());
      } catch (WritDeniedException e) {
        throw new CliException("not a readable root: " + e.getMessage(), e);
      }
    }
    var o = env.out();
    o.println("writ " + p.id());
    o.println("  capability   " + p.cap().wire());
    p.targets()
        .ifPresent(
            t -> {
              o.println("  targets      " + t.glob());
              o.println("  target set   " + t.setHash());
            });
    p.content().ifPresent(c -> o.println("  content      " + c));
    p.tier().ifPresent(t -> o.println("  tier         " + t.wire()));
    p.rollout().ifPresent(r -> o.println("  rollout      " + r));
    o.println("  ticket       " + p.ticket().orElse("(none)"));
    o.println("  issued       " + p.iat());
    o.println(
        "  valid        "
            + p.nbf()
            + " .. "
            + p.exp()
            + " ("
            + human(Duration.between(p.nbf(), p.exp()))
            + ")");
    if (envelope == null) {
      o.println("  signatures   none (unsigned payload)");
      return WritCli.OK;
    }
    o.println("  signatures   " + envelope.signatures().size());
    for (Envelope.Signature s : envelope.signatures()) {
      String who = "";
      if (rc != null) {
        RootContents.TrustedKey k = rc.keys().get(s.keyId());
        if (k == null) {
          who = "  NOT IN ROOT";
        } else {
          who =
              "  "
                  + k.verifier().algorithm().wire()
                  + k.label().map(l -> " \"" + l + "\"").orElse("")
                  + " roles="
                  + rc.rolesOf(s.keyId()).stream().map(r -> r.wire()).toList()
                  + k.hybridOf().map(h -> " hybrid-of=" + h.shortForm()).orElse("");
        }
      }
      o.println("    - " + s.keyId().shortForm() + who);
    }
    return WritCli.OK;
  }

  private static String human(Duration d) {
    long s = d.toSeconds();
    if (s % 3600 == 0) {
      return s / 3600 + "h";
    }
    if (s % 60 == 0) {
      return s / 60 + "m";
    }
    return s + "s";
  }
}
