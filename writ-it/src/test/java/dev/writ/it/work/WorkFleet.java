package dev.writ.it.work;

import static org.assertj.core.api.Assertions.assertThat;

import dev.writ.core.SpiffeId;
import dev.writ.core.WorkResult;
import dev.writ.core.WritDeniedException;
import dev.writ.core.WritPayload;
import dev.writ.core.json.JsonValue;
import dev.writ.core.json.JsonValue.JsonArray;
import dev.writ.core.json.JsonValue.JsonObject;
import dev.writ.identity.svid.SvidCredentials;
import dev.writ.identity.svid.SvidPem;
import dev.writ.identity.svid.TrustBundle;
import dev.writ.identity.tpm.SwtpmProcess;
import dev.writ.identity.tpm.Tpm2Tools;
import dev.writ.identity.tpm.TpmPrivateKey;
import dev.writ.it.server.Children;
import dev.writ.it.server.CliProcess;
import dev.writ.it.server.Json;
import dev.writ.it.server.ServerProcess;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One fleet of real processes shared by the work tests: {@code writ server} on a root made with
 * {@code writ root init} (two operators under dual control, the swtpm CA as a software TPM
 * authority, {@code sandbox_floor: process}), and two hosts, {@code web-1} and {@code web-2}, each
 * enrolled by {@code writ agent enroll --tpm} on its own swtpm. The agents' {@code writ agent run}
 * processes are started and stopped by each test as it needs ({@link #startAgent}, {@link
 * #stopAgent}); their data folders (acted-on store, last checkpoint, outbox) persist across tests,
 * as a host's would.
 *
 * <p>Also holds a second root with the same keys and {@code sandbox_floor: wasm}, for an agent that
 * pins a stricter root than the server's and for a server whose floor is above the process tier;
 * and one request opened before {@code web-2} enrolled, whose glob matches {@code web-2} but whose
 * target list does not name it.
 *
 * <p>Not thread-safe: the tests using it run one at a time.
 */
final class WorkFleet implements AutoCloseable {
  static final String TD = "fleet.test";
  static final String PASSWORD = "correct horse";
  static final Duration TPM_TIMEOUT = Duration.ofSeconds(30);

  /** How long an agent may take to answer a work item: a cold JVM, a stream, TPM signatures. */
  static final Duration ANSWER_WAIT = Duration.ofSeconds(90);

  private static final Duration POLL = Duration.ofMillis(200);

  /** A host: its name, SPIFFE ID, TPM, and the agent's data folder. */
  record Node(String name, SpiffeId id, SwtpmProcess tpm, Path data, Path ekCa) {
    String glob() {
      return id.toString();
    }
  }

  /**
   * A request opened by {@code writ deploy} or {@code writ execute}: the unsigned payload it wrote
   * and the exact targets it printed.
   */
  record Opened(String id, Path payload, List<String> targets) {}

  final Path dir;
  final CliProcess writ;
  final Children children;
  final ServerProcess server;
  final URI base;
  final Path bundleFile;
  final TrustBundle bundle;
  final String logKey;
  final Path logKeyFile;
  final Path rootFile;
  final Path strictRootFile;
  final OperatorClient operator;
  final Node web1;
  final Node web2;

  /** Opened for {@code spiffe://fleet.test/node/*} when only web-1 was registered. */
  final Opened openedBeforeWeb2;

  private final Map<NodeName, AgentProcess> running = new EnumMap<>(NodeName.class);
  private final AtomicInteger agentRuns = new AtomicInteger();
  private final AtomicInteger rollouts = new AtomicInteger();

  private enum NodeName {
    WEB1,
    WEB2
  }

  WorkFleet(FleetSetup.Parts b) {
    this.dir = b.dir;
    this.writ = b.writ;
    this.children = b.children;
    this.server = b.server;
    this.base = b.base;
    this.bundleFile = b.bundleFile;
    this.bundle = b.bundle;
    this.logKey = b.logKey;
    this.logKeyFile = b.logKeyFile;
    this.rootFile = b.rootFile;
    this.strictRootFile = b.strictRootFile;
    this.operator = b.operator;
    this.web1 = b.web1;
    this.web2 = b.web2;
    this.openedBeforeWeb2 = b.openedBeforeWeb2;
  }

  static String key(Path dir, String name) {
    return dir.resolve(name + ".key").toString();
  }

  String key(String name) {
    return key(dir, name);
  }

  static CliProcess.Result ok(CliProcess.Result r) {
    assertThat(r.code()).as(r.output()).isZero();
    return r;
  }

  // ---- content and writs ----

  /** {@code writ content put}: stores {@code bytes} on the server; returns the content id. */
  String put(byte[] bytes) throws Exception {
    return put(writ, base, bundleFile, dir, bytes);
  }

  static String put(CliProcess writ, URI base, Path bundleFile, Path dir, byte[] bytes)
      throws Exception {
    Path file = Files.createTempFile(Files.createDirectories(dir.resolve("content")), "c-", ".bin");
    Files.write(file, bytes);
    CliProcess.Result r =
        ok(
            writ.run(
                "content",
                "put",
                file.toString(),
                "--server",
                base.toString(),
                "--bundle",
                bundleFile.toString()));
    return r.out().strip();
  }

  /**
   * {@code writ deploy} or {@code writ execute} of {@code content} on the nodes {@code glob} names,
   * in rollout {@code rollout}: opens the request and writes its unsigned payload.
   */
  Opened open(String cap, String content, String glob, Optional<String> tier, String rollout)
      throws Exception {
    return open(writ, base, bundleFile, dir, cap, content, glob, tier, rollout);
  }

  static Opened open(
      CliProcess writ,
      URI base,
      Path bundleFile,
      Path dir,
      String cap,
      String content,
      String glob,
      Optional<String> tier,
      String rollout)
      throws Exception {
    Path payload = Files.createTempFile(dir, rollout + "-", ".payload");
    List<String> args =
        new ArrayList<>(
            List.of(
                cap,
                "--content",
                content,
                "--targets",
                glob,
                "--rollout",
                rollout,
                "--server",
                base.toString(),
                "--bundle",
                bundleFile.toString(),
                "-o",
                payload.toString()));
    tier.ifPresent(
        t -> {
          args.add("--tier");
          args.add(t);
        });
    CliProcess.Result r = ok(writ.run(args.toArray(String[]::new)));
    String id = WritPayload.parse(Files.readAllBytes(payload)).id().hex();
    return new Opened(id, payload, r.out().lines().map(String::strip).toList());
  }

  /** {@code writ sign} by alice, then {@code writ approve} by bob; returns the writ file. */
  Path signAndApprove(Opened o) throws Exception {
    Path w = dir.resolve(o.id() + ".writ");
    ok(writ.run("sign", o.payload().toString(), "--key", key("alice"), "--out", w.toString()));
    ok(writ.run("approve", w.toString(), "--key", key("bob")));
    return w;
  }

  /** {@code writ submit}; returns what it printed and its exit code. */
  CliProcess.Result submit(Path writFile) throws Exception {
    return writ.run(
        "submit",
        writFile.toString(),
        "--server",
        base.toString(),
        "--bundle",
        bundleFile.toString(),
        "--log-key",
        "@" + logKeyFile);
  }

  /**
   * Opens ({@code writ deploy|execute}), signs, approves and submits ({@code writ submit}); asserts
   * the server allowed it; returns the writ id.
   */
  String authorize(String cap, String content, String glob, Optional<String> tier)
      throws Exception {
    Opened o = open(cap, content, glob, tier, cap + "-" + rollouts.getAndIncrement());
    CliProcess.Result r = submit(signAndApprove(o));
    assertThat(r.code()).as(r.output()).isZero();
    assertThat(r.out()).contains("\"decision\":\"allow\"");
    return o.id();
  }

  // ---- agents ----

  /** Starts {@code writ agent run} for {@code n} against the real server with the fleet's root. */
  AgentProcess startAgent(Node n) throws IOException {
    return startAgent(n, base, rootFile);
  }

  /**
   * Starts {@code writ agent run} for {@code n} against {@code server} (the real one or a relay),
   * pinning {@code root}; stops the node's previous run first.
   */
  AgentProcess startAgent(Node n, URI server, Path root) throws IOException {
    stopAgent(n);
    AgentProcess p =
        AgentProcess.start(
            n.name() + "-run-" + agentRuns.getAndIncrement(),
            List.of(
                "agent",
                "run",
                "--server",
                server.toString(),
                "--data",
                n.data().toString(),
                "--root",
                root.toString(),
                "--log-key",
                logKey,
                "--tpm",
                n.tpm().tcti(),
                "--ek-ca",
                n.ekCa().toString()),
            dir.resolve("logs"),
            Map.of());
    running.put(nameOf(n), p);
    return p;
  }

  /** SIGKILL to the node's agent, if it runs. */
  void stopAgent(Node n) {
    AgentProcess p = running.remove(nameOf(n));
    if (p != null) {
      p.close();
    }
  }

  private NodeName nameOf(Node n) {
    return n.equals(web1) ? NodeName.WEB1 : NodeName.WEB2;
  }

  /**
   * The node's SVID credentials with its key in its TPM, read the way the agent reads them; only
   * while the node's agent is stopped (one user of the TPM at a time).
   */
  SvidCredentials credentials(Node n) throws Exception {
    Path work = Files.createDirectories(dir.resolve("tpm-read-" + System.nanoTime()));
    Tpm2Tools tools = new Tpm2Tools(n.tpm().tcti(), work, TPM_TIMEOUT);
    return SvidPem.load(
        n.data().resolve("svid.pem"),
        bundle,
        Instant.now(),
        leaf -> {
          for (int handle : Tpm2Tools.NODE_KEY_HANDLES) {
            Optional<TpmPrivateKey> k;
            try {
              k = TpmPrivateKey.at(tools, handle);
            } catch (dev.writ.identity.tpm.TpmToolException e) {
              throw new IOException(e.getMessage(), e);
            }
            if (k.isPresent() && k.get().publicKey().equals(leaf)) {
              return Optional.<PrivateKey>of(k.get());
            }
          }
          return Optional.empty();
        });
  }

  // ---- progress and results ----

  /**
   * Waits until {@code node}'s item of writ {@code id} is answered on the server and returns the
   * result document it recorded, read from the result record leaf of {@code GET
   * /v1/work/<id>/results}.
   */
  WorkResult awaitResult(String id, Node node, AgentProcess agent) throws Exception {
    long deadline = System.nanoTime() + ANSWER_WAIT.toNanos();
    while (true) {
      Optional<WorkResult> r = recordedResult(id, node);
      if (r.isPresent()) {
        return r.get();
      }
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError(
            node.name()
                + " recorded no result for "
                + id
                + " within "
                + ANSWER_WAIT
                + "; work: "
                + operator.get("/v1/work/" + id)
                + (agent == null ? "" : agent.tail())
                + "\n"
                + server.tail(20));
      }
      Thread.sleep(POLL.toMillis());
    }
  }

  /** The result {@code node} recorded for writ {@code id}, if any yet. */
  Optional<WorkResult> recordedResult(String id, Node node) throws Exception {
    Reply r = operator.get("/v1/work/" + id + "/results");
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    if (!(r.json().get("results") instanceof JsonArray(List<JsonValue> results))) {
      throw new AssertionError("results is not an array: " + r);
    }
    for (JsonValue v : results) {
      if (!(v instanceof JsonObject(Map<String, JsonValue> item))) {
        throw new AssertionError("a result is not an object: " + r);
      }
      byte[] leaf = Base64.getDecoder().decode(Json.string(item, "leaf"));
      Map<String, JsonValue> record = Json.object(leaf, "a result record");
      assertThat(Json.string(record, "kind")).isEqualTo("result");
      if (!Json.string(record, "node").equals(node.id().toString())) {
        continue;
      }
      byte[] doc = Base64.getDecoder().decode(Json.string(record, "result"));
      try {
        return Optional.of(WorkResult.parse(doc));
      } catch (WritDeniedException e) {
        throw new AssertionError("the recorded result does not parse: " + e.getMessage(), e);
      }
    }
    return Optional.empty();
  }

  /** The item states of {@code GET /v1/work/<id>}, node to state. */
  Map<String, String> itemStates(String id) throws Exception {
    Reply r = operator.get("/v1/work/" + id);
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    Map<String, String> states = new java.util.TreeMap<>();
    if (r.json().get("items") instanceof JsonArray(List<JsonValue> items)) {
      for (JsonValue v : items) {
        if (v instanceof JsonObject(Map<String, JsonValue> item)) {
          states.put(Json.string(item, "node"), Json.string(item, "state"));
        }
      }
    }
    return states;
  }

  /**
   * Whether any file under {@code n}'s data folder is named after {@code contentId}'s digest: what
   * a host that fetched, stored or installed the content would hold, whatever its layout.
   */
  static boolean holdsContent(Node n, String contentId) throws IOException {
    String hex = contentId.substring(contentId.indexOf(':') + 1);
    try (java.util.stream.Stream<Path> files = Files.walk(n.data())) {
      return files.anyMatch(p -> p.getFileName().toString().startsWith(hex));
    }
  }

  @Override
  public void close() {
    for (AgentProcess p : running.values()) {
      p.close();
    }
    running.clear();
    children.close();
    operator.close();
    web1.tpm().close();
    web2.tpm().close();
  }
}
