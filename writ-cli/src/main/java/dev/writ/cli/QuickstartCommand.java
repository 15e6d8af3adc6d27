package dev.writ.cli;

import dev.writ.core.Capability;
import dev.writ.core.ContentId;
import dev.writ.core.Decision;
import dev.writ.core.FleetState;
import dev.writ.core.InMemorySpendLedger;
import dev.writ.core.Posture;
import dev.writ.core.PublicKeyVerifier;
import dev.writ.core.Role;
import dev.writ.core.RootContents;
import dev.writ.core.SignatureAlgorithm;
import dev.writ.core.SpendLedger;
import dev.writ.core.SpiffeId;
import dev.writ.core.SpiffeIdGlob;
import dev.writ.core.TargetSet;
import dev.writ.core.TrustRoot;
import dev.writ.core.VerificationContext;
import dev.writ.core.Verifier;
import dev.writ.core.WritDeniedException;
import dev.writ.core.WritId;
import dev.writ.core.WritPayload;
import dev.writ.log.NoteVerifierKey;
import dev.writ.log.Receipt;
import dev.writ.sign.FileKeystore;
import dev.writ.sign.SigningException;
import dev.writ.sign.SoftwareKey;
import dev.writ.sign.WritSigner;
import java.io.IOException;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "quickstart",
    mixinStandardHelpOptions = true,
    description = {
      "Show the writ loop on this machine, in a temporary folder removed afterwards:",
      "make three operator keys and a trust root, sign a deploy writ with two of them,",
      "verify it as a target node would (allow), then show it refused when tampered with,",
      "expired, and replayed; then run 'writ server', submit a writ twice (allow, then SPENT)",
      "over TLS 1.3, verify both receipts and audit the server's log over TLS."
    })
final class QuickstartCommand implements Callable<Integer> {
  static final String TRUST_DOMAIN = "quickstart.writ";

  private final WritCli.Env env;

  @Option(names = "--keep", description = "Keep the temporary folder and print its path.")
  boolean keep;

  QuickstartCommand(WritCli.Env env) {
    this.env = env;
  }

  @Override
  public Integer call() throws Exception {
    Path dir = Files.createTempDirectory("writ-quickstart-");
    try {
      return show(dir);
    } finally {
      if (keep) {
        env.out().println("\nKept " + dir);
      } else {
        deleteTree(dir);
      }
    }
  }

  private int show(Path dir)
      throws CliException, SigningException, WritDeniedException, SpendLedger.SpendLedgerException {
    PrintStream o = env.out();
    o.println("Writ quickstart: a throw-away fleet in " + dir);
    o.println();
    o.println("1. Operator keys (encrypted key files; the server never holds these)");
    char[] password = HexFormat.of().formatHex(random(16)).toCharArray();
    SoftwareKey root = key(dir, "root", "root key", password);
    SoftwareKey alice = key(dir, "alice", "initiator", password);
    SoftwareKey bob = key(dir, "bob", "approver", password);

    o.println();
    o.println("2. Trust root: who may sign what, and the fleet policy");
    RootContents rc =
        new RootDraft()
            .role(Role.ROOT, pub(root), Optional.of("root"))
            .role(Role.INITIATOR, pub(alice), Optional.of("alice"))
            .role(Role.APPROVER, pub(bob), Optional.of("bob"))
            .role(Role.PAUSER, pub(alice), Optional.of("alice"))
            .role(Role.AUDITOR, pub(bob), Optional.of("bob"))
            .build(
                1,
                env.clock().instant().plus(Duration.ofDays(365)),
                TRUST_DOMAIN,
                RootDraft.defaultPolicy());
    byte[] rootBytes = WritSigner.signRoot(rc.toCanonicalBytes(), List.of(root));
    Files2.write(dir.resolve("root.json"), rootBytes);
    TrustRoot pinned = TrustRoot.pin(rootBytes);
    o.println("   root.json version 1, trust domain " + TRUST_DOMAIN);
    o.println("   deploy is dual-control: an initiator and a different approver must both sign");
    o.println(
        "   sandbox floor "
            + rc.policy().sandboxFloor().wire()
            + ", deploy writs live at most "
            + rc.policy().maxTtl(Capability.DEPLOY).toMinutes()
            + " minutes");

    o.println();
    o.println("3. A deploy writ for the web nodes, signed by alice and approved by bob");
    byte[] content = "echo hello from writ\n".getBytes(StandardCharsets.UTF_8);
    SpiffeId web1 = SpiffeId.parse("spiffe://" + TRUST_DOMAIN + "/node/web-1");
    TargetSet targets =
        TargetSet.of(List.of(web1, SpiffeId.parse("spiffe://" + TRUST_DOMAIN + "/node/web-2")));
    Instant now = env.clock().instant().truncatedTo(ChronoUnit.SECONDS);
    WritPayload payload =
        WritPayload.create(
            WritId.random(env.random()),
            Capability.DEPLOY,
            Optional.of(
                new WritPayload.Targets(
                    SpiffeIdGlob.parse("spiffe://" + TRUST_DOMAIN + "/node/web-*"),
                    targets.hash())),
            Optional.of(ContentId.of(content)),
            Optional.of("quickstart-1"),
            Optional.empty(),
            Optional.empty(),
            now,
            now,
            now.plus(Duration.ofMinutes(10)));
    byte[] writ = WritSigner.signWrit(payload.toCanonicalBytes(), List.of(alice));
    writ = WritSigner.addSignature(writ, bob);
    Files2.write(dir.resolve("deploy.writ.json"), writ);
    o.println("   writ " + payload.id() + ": deploy " + ContentId.of(content) + " to web-*");

    VerificationContext onWeb1 =
        VerificationContext.node(
            now,
            FleetState.normal(),
            new VerificationContext.NodeFacts(
                web1,
                Posture.ATTESTED_SOFTWARE,
                Optional.of(targets),
                Optional.of(ContentId.of(content))));
    InMemorySpendLedger ledger = new InMemorySpendLedger();
    Verifier verifier = new Verifier(pinned, ledger);

    o.println();
    o.println("4. Node web-1 verifies the writ itself, with its own pinned root");
    report(verifier.verify(writ, onWeb1), "the genuine writ");

    o.println();
    o.println("5. The same writ, refused:");
    byte[] tampered = tamper(writ);
    report(
        new Verifier(pinned, new InMemorySpendLedger()).verify(tampered, onWeb1),
        "tampered (payload edited after signing)");
    VerificationContext anHourLater =
        new VerificationContext(now.plus(Duration.ofHours(1)), onWeb1.state(), onWeb1.node());
    report(
        new Verifier(pinned, new InMemorySpendLedger()).verify(writ, anHourLater), "an hour later");
    report(verifier.verify(writ, onWeb1), "replayed on web-1");

    o.println();
    o.println("6. The server: one spend per writ, durable, audited in a transparency log");
    byte[] fresh = WritSigner.signWrit(reissue(payload).toCanonicalBytes(), List.of(alice));
    fresh = WritSigner.addSignature(fresh, bob);
    try (QuickstartServer server = QuickstartServer.start(dir, dir.resolve("root.json"))) {
      ServerTrust trust = ServerTrust.of("--server", server.url(), server.bundle());
      o.println("   writ server on " + server.url() + " (one embedded Raft peer, TLS 1.3 only)");
      o.println(
          "   clients trust it by its bundle "
              + dir.relativize(server.bundle())
              + " and its id "
              + trust.serverId());
      o.println("   its log key: " + server.logKey());
      NoteVerifierKey logKey = AuditCommands.verifierKey(server.logKey());
      try (HttpClient http = trust.client(env.clock(), env.random())) {
        serverReport(ServerClient.submit(trust, http, logKey, fresh), "submitted");
        serverReport(ServerClient.submit(trust, http, logKey, fresh), "submitted again");
        serverReport(ServerClient.submit(trust, http, logKey, tamper(fresh)), "tampered");
      }
      o.println(
          "   anyone can replay the log; 'writ audit verify --log "
              + server.url()
              + " --bundle "
              + dir.relativize(server.bundle())
              + "':");
      int audit =
          WritCli.run(
              env,
              "audit",
              "verify",
              "--log",
              server.url(),
              "--bundle",
              server.bundle().toString(),
              "--key",
              server.logKey());
      if (audit != WritCli.OK) {
        throw new CliException("the server's log did not audit clean");
      }
    }

    o.println();
    o.println("Every check runs again on every host; a denial names its reason, and every");
    o.println("decision the server makes is a leaf of a log anyone can audit.");
    o.println("Next: 'writ --help', 'writ server --help', docs/spec/writ.md and docs/spec/api.md.");
    return WritCli.OK;
  }

  /** The same deploy with a new id: the first one is spent in this quickstart's memory only. */
  private WritPayload reissue(WritPayload p) throws WritDeniedException {
    return WritPayload.create(
        WritId.random(env.random()),
        p.cap(),
        p.targets(),
        p.content(),
        p.rollout(),
        p.tier(),
        p.ticket(),
        p.iat(),
        p.nbf(),
        p.exp());
  }

  private void serverReport(ServerClient.Answer a, String what) throws CliException {
    if (a.undecided()) {
      throw new CliException("the server did not decide: " + a.line());
    }
    String verdict =
        a.allowed()
            ? "ALLOW  " + what + " (id " + a.field("id").orElse("?") + " spent)"
            : "DENY   " + what + ": " + a.field("reason").orElse("?");
    Receipt r = a.receipt().orElseThrow();
    env.out()
        .println(
            "   "
                + verdict
                + "; receipt verified: leaf "
                + r.index()
                + " of a signed tree of "
                + r.checkpoint().size());
  }

  private void report(Decision d, String what) {
    String line =
        switch (d) {
          case Decision.Allow a -> "ALLOW  " + what + " (id " + a.writ().id() + " now spent)";
          case Decision.Deny x ->
              "DENY   " + what + ": " + x.reason() + " (" + x.reason().summary() + ")";
        };
    env.out().println("   " + line);
  }

  /** Changes the payload's rollout name, keeping the signatures: any verifier must refuse it. */
  private static byte[] tamper(byte[] writ) {
    String text = new String(writ, StandardCharsets.US_ASCII);
    String b64Payload =
        text.substring(text.indexOf("\"payload\":\"") + 11, text.indexOf("\",\"payloadType\""));
    String json =
        new String(java.util.Base64.getDecoder().decode(b64Payload), StandardCharsets.UTF_8);
    String edited = json.replace("quickstart-1", "quickstart-9");
    return text.replace(
            b64Payload,
            java.util.Base64.getEncoder().encodeToString(edited.getBytes(StandardCharsets.UTF_8)))
        .getBytes(StandardCharsets.US_ASCII);
  }

  private SoftwareKey key(Path dir, String name, String role, char[] password)
      throws SigningException {
    SoftwareKey k = SoftwareKey.generate(SignatureAlgorithm.ED25519, env.random());
    Path file = dir.resolve(name + ".key");
    new FileKeystore(env.random()).write(file, k, password);
    env.out()
        .println(
            "   "
                + name
                + " ("
                + role
                + "): ed25519 key "
                + k.keyId().shortForm()
                + " in "
                + file.getFileName());
    return k;
  }

  private static PublicKeyVerifier pub(SoftwareKey k) throws WritDeniedException {
    return PublicKeyVerifier.decode(k.algorithm(), k.publicKeySpki());
  }

  private byte[] random(int n) {
    byte[] b = new byte[n];
    env.random().nextBytes(b);
    return b;
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
