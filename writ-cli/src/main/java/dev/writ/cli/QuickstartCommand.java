package dev.writ.cli;

import dev.writ.core.AttestationPolicy;
import dev.writ.core.ContentId;
import dev.writ.core.Policy;
import dev.writ.core.PublicKeyVerifier;
import dev.writ.core.Role;
import dev.writ.core.RootContents;
import dev.writ.core.SignatureAlgorithm;
import dev.writ.core.WritDeniedException;
import dev.writ.core.WritPayload;
import dev.writ.identity.Fingerprint;
import dev.writ.identity.tpm.SwtpmProcess;
import dev.writ.identity.tpm.TpmToolException;
import dev.writ.sandbox.SampleContent;
import dev.writ.sign.FileKeystore;
import dev.writ.sign.SigningException;
import dev.writ.sign.SoftwareKey;
import dev.writ.sign.WritSigner;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code writ quickstart}: the whole loop on one machine (issue 6 of the README): an embedded
 * server in its own process, one host with a software TPM, two operators, a WASM program deployed
 * and executed, the signed result and its receipt, then a replay and a tampered content id refused.
 * Every step runs the same {@code writ} command an operator would type.
 */
@Command(
    name = "quickstart",
    mixinStandardHelpOptions = true,
    description = {
      "Show the whole Writ loop on this machine, in a temporary folder removed afterwards:",
      "operator keys and a trust root; 'writ server' (one embedded Raft peer, TLS 1.3); a host",
      "with a software TPM (swtpm) enrolled by two operators; its agent; a small WASM program",
      "uploaded, deployed and executed by writs two operators signed, each re-verified on the",
      "host; the node-signed result with its audit receipt; then a replayed writ and a tampered",
      "content id refused. Needs swtpm and tpm2-tools (scripts/test installs them)."
    })
final class QuickstartCommand implements Callable<Integer> {
  static final String TRUST_DOMAIN = "quickstart.writ";

  private static final Duration TPM_TIMEOUT = Duration.ofSeconds(30);
  private static final String HOST = "web-1";
  private static final String GLOB = "spiffe://" + TRUST_DOMAIN + "/node/web-*";

  /** The agent answers the deploy and the execute, then stops. */
  private static final int RESULTS = 2;

  private final WritCli.Env env;

  @Option(names = "--keep", description = "Keep the temporary folder and print its path.")
  boolean keep;

  QuickstartCommand(WritCli.Env env) {
    this.env = env;
  }

  @Override
  public Integer call() throws Exception {
    QuickstartServer.jar(); // fail before anything is made if the server cannot run
    Path dir = Files.createTempDirectory("writ-quickstart-");
    // interrupted (Ctrl-C) runs no finally block: the hook removes the folder then
    Thread cleanup =
        new Thread(
            () -> {
              try {
                if (!keep) {
                  deleteTree(dir);
                }
              } catch (IOException e) {
                // exiting: nothing else to do
              }
            },
            "writ-quickstart-cleanup");
    Runtime.getRuntime().addShutdownHook(cleanup);
    try {
      return show(dir);
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(cleanup);
      } catch (IllegalStateException e) {
        // already exiting: the hook runs
      }
      if (keep) {
        env.out().println("\nKept " + dir);
      } else {
        deleteTree(dir);
      }
    }
  }

  private int show(Path dir) throws Exception {
    long start = System.nanoTime();
    PrintStream o = env.out();
    o.println("Writ quickstart: a throw-away fleet in " + dir);
    o.println();
    o.println("1. Operator keys (encrypted key files; the server never holds these)");
    String password = HexFormat.of().formatHex(random(16));
    SoftwareKey root = key(dir, "root", "root key", password);
    SoftwareKey alice = key(dir, "alice", "initiator", password);
    SoftwareKey bob = key(dir, "bob", "approver", password);
    Map<String, String> vars = new HashMap<>(env.vars());
    vars.put(Secrets.PASSWORD_ENV, password);
    WritCli.Env ops =
        new WritCli.Env(indent(o), indent(env.err()), vars, env.clock(), env.random());

    o.println();
    o.println("2. The host's software TPM (swtpm): its key will be made inside it");
    try (SwtpmProcess tpm = SwtpmProcess.start(dir.resolve("tpm"), TPM_TIMEOUT)) {
      Path ekCa = ekCa(dir, tpm);
      o.println("   swtpm on " + tpm.tcti() + "; its EK CA in " + dir.relativize(ekCa));

      o.println();
      o.println("3. Trust root: who may sign what, and the fleet policy");
      Path rootFile = root(dir, root, alice, bob, tpm);

      o.println();
      o.println("4. The server: one spend per writ, durable, audited in a transparency log");
      try (QuickstartServer server = QuickstartServer.start(dir, rootFile)) {
        o.println("   writ server on " + server.url() + " (one embedded Raft peer, TLS 1.3 only)");
        o.println("   its log key: " + server.logKey());
        Steps steps = new Steps(ops, dir, server, dir.resolve("alice.key"), dir.resolve("bob.key"));
        return loop(o, steps, dir, rootFile, tpm.tcti(), ekCa, start);
      }
    }
  }

  private int loop(
      PrintStream o, Steps s, Path dir, Path rootFile, String tcti, Path ekCa, long start)
      throws Exception {
    o.println();
    o.println("5. Enroll host " + HOST + ": alice opens, bob approves, the TPM quote is checked");
    Path enroll = s.dir.resolve("enroll.payload.json");
    s.ok(
        "enroll",
        "open",
        "--server",
        s.url(),
        "--bundle",
        s.bundle(),
        "--host",
        HOST,
        "-o",
        enroll.toString());
    Path enrollWrit = s.signed(enroll, "enroll");
    Path agentData = dir.resolve("agent");
    s.ok(
        "agent",
        "enroll",
        "--server",
        s.url(),
        "--bundle",
        s.bundle(),
        "--writ",
        enrollWrit.toString(),
        "--name",
        HOST,
        "--data",
        agentData.toString(),
        "--tpm",
        tcti,
        "--ek-ca",
        ekCa.toString());

    o.println();
    o.println(
        "6. The agent on "
            + HOST
            + " starts: one outbound stream, its own pinned root and"
            + " log key");
    AgentThread agent =
        AgentThread.start(
            new WritCli.Env(
                prefix(o, "   agent | "),
                prefix(env.err(), "   agent | "),
                s.env.vars(),
                env.clock(),
                env.random()),
            "agent",
            "run",
            "--data",
            agentData.toString(),
            "--server",
            s.url(),
            "--root",
            rootFile.toString(),
            "--log-key",
            s.logKey(),
            "--tpm",
            tcti,
            "--ek-ca",
            ekCa.toString(),
            "--exit-after",
            Integer.toString(RESULTS));

    o.println();
    o.println("7. Upload a small WASM program; its id is its SHA-256");
    byte[] wasm = SampleContent.helloWasm();
    Path wasmFile = Files.write(dir.resolve("hello.wasm"), wasm);
    ContentId content = ContentId.of(wasm);
    s.ok("content", "put", wasmFile.toString(), "--server", s.url(), "--bundle", s.bundle());

    o.println();
    o.println(
        "8. Deploy it to web-*: alice asks, bob approves, the server records one item per"
            + " host");
    Path deployWrit = s.work("deploy", content, Optional.empty(), "quickstart-deploy");
    s.submit(deployWrit, WritCli.OK);
    s.ok(
        "rollout",
        "status",
        "quickstart-deploy",
        "--watch",
        "--timeout",
        "60s",
        "--server",
        s.url(),
        "--bundle",
        s.bundle());

    o.println();
    o.println("9. Execute it in the wasm tier; the host signs what happened");
    Path executeWrit = s.work("execute", content, Optional.of("wasm"), "quickstart-run");
    s.submit(executeWrit, WritCli.OK);
    s.ok(
        "rollout",
        "status",
        "quickstart-run",
        "--watch",
        "--timeout",
        "60s",
        "--server",
        s.url(),
        "--bundle",
        s.bundle());
    String id = WritPayload.parse(payloadOf(Files.readAllBytes(executeWrit))).id().hex();
    s.ok(
        "result", "show", id, "--server", s.url(), "--bundle", s.bundle(), "--log-key", s.logKey());
    o.println(
        "   the program printed \""
            + SampleContent.HELLO_OUTPUT.strip()
            + "\": its output hash above is sha256:"
            + ContentId.of(SampleContent.HELLO_OUTPUT.getBytes(StandardCharsets.UTF_8)).hex());
    agent.await(Duration.ofSeconds(60));

    o.println();
    o.println("10. Refused, each with a verified receipt of the audited denial:");
    o.println("   the execute writ again (a replay):");
    s.submit(executeWrit, WritCli.DENIED);
    o.println("   a writ whose content id was edited after signing:");
    Path edited = s.dir.resolve("edited.writ.json");
    Files.write(edited, editContent(Files.readAllBytes(executeWrit)));
    s.submit(edited, WritCli.DENIED);
    o.println("   a signed writ naming other content than the request it answers:");
    Path swapped = s.swappedContent(content);
    s.submit(swapped, WritCli.DENIED);

    o.println();
    o.println(
        String.format(java.util.Locale.ROOT, "Done in %.1f s.", (System.nanoTime() - start) / 1e9));
    o.println("Nothing acted without a writ two operators signed; the host checked every writ");
    o.println("again with its own root; every decision and every result is a leaf of a log");
    o.println("anyone can audit ('writ audit verify'). Next: 'writ --help', docs/spec/work.md.");
    return WritCli.OK;
  }

  /** The operator's steps, each a {@code writ} command run in this process. */
  private static final class Steps {
    private final WritCli.Env env;
    private final Path dir;
    private final QuickstartServer server;
    private final Path alice;
    private final Path bob;

    Steps(WritCli.Env env, Path dir, QuickstartServer server, Path alice, Path bob) {
      this.env = env;
      this.dir = dir;
      this.server = server;
      this.alice = alice;
      this.bob = bob;
    }

    String url() {
      return server.url();
    }

    String bundle() {
      return server.bundle().toString();
    }

    String logKey() {
      return server.logKey();
    }

    void ok(String... args) throws CliException {
      env.out().println("$ writ " + String.join(" ", shown(args)));
      int code = WritCli.run(env, args);
      if (code != WritCli.OK) {
        throw new CliException("'writ " + args[0] + " " + args[1] + "' failed (exit " + code + ")");
      }
    }

    /**
     * {@code writ submit} of {@code writ}, expecting exit {@code expected}; prints the decision,
     * the reason and the verified receipt's position instead of the whole JSON answer.
     */
    void submit(Path writ, int expected) throws CliException {
      String[] args = {
        "submit", writ.toString(), "--server", url(), "--bundle", bundle(), "--log-key", logKey()
      };
      env.out().println("$ writ " + String.join(" ", shown(args)));
      ByteArrayOutputStream captured = new ByteArrayOutputStream();
      WritCli.Env capture =
          new WritCli.Env(
              new PrintStream(captured, true, StandardCharsets.UTF_8),
              env.err(),
              env.vars(),
              env.clock(),
              env.random());
      int code = WritCli.run(capture, args);
      String answer = captured.toString(StandardCharsets.UTF_8).strip();
      if (code != expected) {
        env.out().println(answer);
        throw new CliException("'writ submit' exited " + code + ", expected " + expected);
      }
      env.out().println(summary(answer));
    }

    private static String summary(String answer) {
      String decision = field(answer, "decision");
      String reason = field(answer, "reason");
      String index = answer.replaceAll("(?s).*\"index\":(\\d+).*", "$1");
      String size = answer.replaceAll("(?s).*\"checkpoint\":\"[^\\\\]*\\\\n(\\d+)\\\\n.*", "$1");
      return decision.toUpperCase(java.util.Locale.ROOT)
          + (reason.isEmpty() ? "" : " " + reason)
          + "; receipt verified: leaf "
          + index
          + " of a signed tree of "
          + size;
    }

    private static String field(String json, String name) {
      int at = json.indexOf("\"" + name + "\":\"");
      if (at < 0) {
        return "";
      }
      int from = at + name.length() + 4;
      return json.substring(from, json.indexOf('"', from));
    }

    /** Signs {@code payload} as alice and approves it as bob; returns the writ file. */
    Path signed(Path payload, String name) throws CliException {
      Path signed = dir.resolve(name + ".signed.json");
      Path approved = dir.resolve(name + ".writ.json");
      ok("sign", payload.toString(), "-k", alice.toString(), "-o", signed.toString());
      ok("approve", signed.toString(), "-k", bob.toString(), "-o", approved.toString());
      return approved;
    }

    /** Opens a deploy or execute request, then signs and approves its payload. */
    Path work(String cap, ContentId content, Optional<String> tier, String rollout)
        throws CliException {
      Path payload = dir.resolve(rollout + ".payload.json");
      List<String> args =
          new ArrayList<>(
              List.of(
                  cap,
                  "--content",
                  content.toString(),
                  "--targets",
                  GLOB,
                  "--rollout",
                  rollout,
                  "--server",
                  url(),
                  "--bundle",
                  bundle(),
                  "-o",
                  payload.toString()));
      tier.ifPresent(
          t -> {
            args.add("--tier");
            args.add(t);
          });
      ok(args.toArray(String[]::new));
      return signed(payload, rollout);
    }

    /**
     * Opens an execute of {@code content}, then has alice and bob sign a payload that names other
     * bytes: the server refuses it against the open request (CONTENT_MISMATCH).
     */
    Path swappedContent(ContentId content) throws Exception {
      Path payload = dir.resolve("swapped.payload.json");
      env.out()
          .println("$ writ execute ... (then the payload's content is changed before signing)");
      int code =
          quietly(
              env,
              "execute",
              "--content",
              content.toString(),
              "--targets",
              GLOB,
              "--rollout",
              "quickstart-swapped",
              "--tier",
              "wasm",
              "--server",
              url(),
              "--bundle",
              bundle(),
              "-o",
              payload.toString());
      if (code != WritCli.OK) {
        throw new CliException("could not open the swapped-content request (exit " + code + ")");
      }
      String other = ContentId.of("not the program".getBytes(StandardCharsets.UTF_8)).toString();
      String text = Files.readString(payload, StandardCharsets.UTF_8);
      Files.writeString(payload, text.replace(content.toString(), other), StandardCharsets.UTF_8);
      Path signed = dir.resolve("swapped.signed.json");
      Path approved = dir.resolve("swapped.writ.json");
      if (quietly(env, "sign", payload.toString(), "-k", alice.toString(), "-o", signed.toString())
              != WritCli.OK
          || quietly(
                  env,
                  "approve",
                  signed.toString(),
                  "-k",
                  bob.toString(),
                  "-o",
                  approved.toString())
              != WritCli.OK) {
        throw new CliException("could not sign the swapped-content writ");
      }
      return approved;
    }

    /** Runs a command whose output is shown only if it fails. */
    private static int quietly(WritCli.Env env, String... args) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      PrintStream sink = new PrintStream(out, true, StandardCharsets.UTF_8);
      int code =
          WritCli.run(new WritCli.Env(sink, sink, env.vars(), env.clock(), env.random()), args);
      if (code != WritCli.OK) {
        env.err().print(out.toString(StandardCharsets.UTF_8));
      }
      return code;
    }

    /** The arguments as shown: long values (the log key) shortened, temp paths relative. */
    private List<String> shown(String[] args) {
      List<String> out = new ArrayList<>();
      for (String a : args) {
        String s = a.startsWith(dir.toString()) ? dir.relativize(Path.of(a)).toString() : a;
        out.add(s.length() > 48 ? s.substring(0, 24) + "…" : s);
      }
      return out;
    }
  }

  /** The agent ({@code writ agent run}) in a thread of this process, with its own output. */
  private static final class AgentThread {
    private final Thread thread;
    private final AtomicInteger exit;

    private AgentThread(Thread thread, AtomicInteger exit) {
      this.thread = thread;
      this.exit = exit;
    }

    static AgentThread start(WritCli.Env env, String... args) {
      AtomicInteger exit = new AtomicInteger(-1);
      Thread t =
          Thread.ofPlatform()
              .daemon()
              .name("writ-quickstart-agent")
              .start(() -> exit.set(WritCli.run(env, args)));
      return new AgentThread(t, exit);
    }

    void await(Duration timeout) throws CliException, InterruptedException {
      if (!thread.join(timeout)) {
        throw new CliException("the agent did not finish its " + RESULTS + " items in " + timeout);
      }
      if (exit.get() != WritCli.OK) {
        throw new CliException("the agent stopped with exit " + exit.get());
      }
    }
  }

  private Path root(
      Path dir, SoftwareKey root, SoftwareKey alice, SoftwareKey bob, SwtpmProcess tpm)
      throws Exception {
    AttestationPolicy attestation =
        new AttestationPolicy(
            List.of(),
            List.of(Fingerprint.of(tpm.rootCertificate()).hex()),
            List.of(),
            List.of(),
            new AttestationPolicy.SevSnpTcb(0, 0, 0, 0),
            List.of(),
            List.of(),
            List.of());
    Policy policy = RootDraft.defaultPolicy().withAttestation(Optional.of(attestation));
    RootContents rc =
        new RootDraft()
            .role(Role.ROOT, pub(root), Optional.of("root"))
            .role(Role.INITIATOR, pub(alice), Optional.of("alice"))
            .role(Role.APPROVER, pub(bob), Optional.of("bob"))
            .role(Role.PAUSER, pub(alice), Optional.of("alice"))
            .role(Role.AUDITOR, pub(bob), Optional.of("bob"))
            .build(1, env.clock().instant().plus(Duration.ofDays(365)), TRUST_DOMAIN, policy);
    byte[] rootBytes = WritSigner.signRoot(rc.toCanonicalBytes(), List.of(root));
    Path file = Files.write(dir.resolve("root.json"), rootBytes);
    PrintStream o = env.out();
    o.println("   root.json version 1, trust domain " + TRUST_DOMAIN);
    o.println("   deploy, execute and enroll are dual-control: an initiator and a different");
    o.println(
        "   approver must both sign; sandbox floor "
            + policy.sandboxFloor().wire()
            + "; this swtpm's CA is a software TPM authority (hosts enroll attested-software)");
    return file;
  }

  private static Path ekCa(Path dir, SwtpmProcess tpm)
      throws IOException, TpmToolException, CertificateEncodingException {
    StringBuilder pem = new StringBuilder();
    Base64.Encoder b64 = Base64.getMimeEncoder(64, new byte[] {'\n'});
    for (X509Certificate c : tpm.caCertificates()) {
      pem.append("-----BEGIN CERTIFICATE-----\n")
          .append(b64.encodeToString(c.getEncoded()))
          .append("\n-----END CERTIFICATE-----\n");
    }
    return Files.writeString(dir.resolve("ek-ca.pem"), pem);
  }

  /** The payload bytes of an envelope. */
  private static byte[] payloadOf(byte[] envelope) throws WritDeniedException {
    return dev.writ.core.Envelope.parse(envelope).payload();
  }

  /** Edits the content id inside a signed writ's payload, keeping the signatures. */
  private static byte[] editContent(byte[] writ) throws WritDeniedException {
    String text = new String(writ, StandardCharsets.US_ASCII);
    String b64Payload = Base64.getEncoder().encodeToString(payloadOf(writ));
    String json = new String(payloadOf(writ), StandardCharsets.UTF_8);
    int at = json.indexOf("\"content\":\"sha256:") + 18;
    String edited =
        json.substring(0, at) + (json.charAt(at) == '0' ? '1' : '0') + json.substring(at + 1);
    return text.replace(
            b64Payload, Base64.getEncoder().encodeToString(edited.getBytes(StandardCharsets.UTF_8)))
        .getBytes(StandardCharsets.US_ASCII);
  }

  private SoftwareKey key(Path dir, String name, String role, String password)
      throws SigningException {
    SoftwareKey k = SoftwareKey.generate(SignatureAlgorithm.ED25519, env.random());
    Path file = dir.resolve(name + ".key");
    new FileKeystore(env.random()).write(file, k, password.toCharArray());
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

  private static PrintStream indent(PrintStream to) {
    return prefix(to, "   ");
  }

  /** A stream that writes {@code prefix} before every line it passes to {@code to}. */
  private static PrintStream prefix(PrintStream to, String prefix) {
    return new PrintStream(new LinePrefixer(to, prefix), true, StandardCharsets.UTF_8);
  }

  /** Buffers a line and writes it whole, prefixed, so threads' lines do not interleave. */
  private static final class LinePrefixer extends OutputStream {
    private final PrintStream to;
    private final String prefix;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    LinePrefixer(PrintStream to, String prefix) {
      this.to = to;
      this.prefix = prefix;
    }

    @Override
    public synchronized void write(int b) {
      if (b == '\n') {
        to.println(prefix + line.toString(StandardCharsets.UTF_8));
        line.reset();
      } else {
        line.write(b);
      }
    }

    @Override
    public synchronized void flush() {
      to.flush();
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
