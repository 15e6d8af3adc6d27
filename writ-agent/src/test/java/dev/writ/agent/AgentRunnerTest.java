package dev.writ.agent;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.writ.core.Capability;
import dev.writ.core.ContentId;
import dev.writ.core.Reason;
import dev.writ.core.SpiffeId;
import dev.writ.core.TestFleet;
import dev.writ.core.WorkResult;
import dev.writ.core.WritId;
import dev.writ.core.WritPayload;
import dev.writ.core.json.JsonLimits;
import dev.writ.core.json.JsonReader;
import dev.writ.core.json.JsonValue.JsonObject;
import dev.writ.core.json.JsonValue.JsonString;
import dev.writ.identity.svid.Csr;
import dev.writ.identity.svid.NodeKey;
import dev.writ.identity.svid.ResultSignature;
import dev.writ.identity.svid.SpiffeCa;
import dev.writ.identity.svid.SvidCredentials;
import dev.writ.identity.svid.TrustDomain;
import dev.writ.log.LogKeySigner;
import dev.writ.sandbox.ExecutionLimits;
import dev.writ.sandbox.SampleContent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's loop ({@link AgentRunner}) against a stand-in server on loopback (mutual TLS, a real
 * CA): real writs signed under a real root (TestFleet), real receipts and consistency proofs from a
 * real signed log (TestLog), hello.wasm run in the wasm tier, results signed by the node's key.
 * Every test is bounded: the loop stops after a set number of recorded results, or is closed.
 */
class AgentRunnerTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Clock CLOCK = Clock.fixed(TestFleet.NOW, ZoneOffset.UTC);
  private static final Duration BOUND = Duration.ofSeconds(60);
  private static final byte[] WASM = SampleContent.helloWasm();
  private static final List<SpiffeId> TARGETS = List.copyOf(TestFleet.targets().ids());
  private static final JsonReader READER =
      new JsonReader(new JsonLimits(1 << 16, 4, 1 << 16, 16), JsonReader.Mode.INTEGERS_ONLY);

  /** A work item the test authorized: the writ, its envelope, its leaf, the delivered targets. */
  @SuppressWarnings("ArrayRecordComponent") // test data, never written
  record Work(WritPayload payload, byte[] envelope, int index, List<SpiffeId> targets) {
    String sha256() {
      return TestLog.sha256Hex(envelope);
    }
  }

  /** A posted result, its signature checked by the test. */
  @SuppressWarnings("ArrayRecordComponent") // test data, never written
  record Result(WorkResult doc, byte[] bytes, byte[] signature) {}

  @TempDir Path dir;

  private final TestFleet fleet = TestFleet.standard();
  private final LogKeySigner logKey = LogKeySigner.generate(TestLog.ORIGIN, RANDOM);
  private final TestLog log = new TestLog(logKey);
  private SpiffeCa ca;
  private StubWorkServer server;
  private SvidCredentials credentials;
  private final Lines lines = new Lines();

  @BeforeEach
  void start() throws Exception {
    ca =
        SpiffeCa.loadOrCreate(
            dir.resolve("ca"), new TrustDomain(TestFleet.TRUST_DOMAIN), CLOCK, RANDOM);
    server = StubWorkServer.start(ca, log, RANDOM).serve(WASM);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  /** An enrolled host's folder and the loop's configuration, for node {@code name}. */
  private AgentRunner agent(String name, Path data, int exitAfter) throws Exception {
    Files.createDirectories(data);
    Files.writeString(data.resolve(AgentRunner.POSTURE_FILE), "attested\n");
    if (credentials == null || !credentials.svid().id().equals(TestFleet.nodeId(name))) {
      NodeKey key = NodeKey.generate(RANDOM);
      credentials =
          SvidCredentials.of(
              ca.issue(Csr.parse(key.csr(name)), TestFleet.nodeId(name), Duration.ofHours(1)),
              key.privateKey());
    }
    return AgentRunner.open(
        new AgentRunner.Config(
            java.net.URI.create(server.url()),
            data,
            credentials,
            ca.bundle(),
            fleet.root(),
            logKey.verifierKey(),
            ExecutionLimits.defaults(),
            exitAfter,
            lines::add,
            CLOCK,
            RANDOM));
  }

  /** Runs {@code agent} to its end (its exit-after count), at most {@link #BOUND}. */
  private static int runToEnd(AgentRunner agent) throws Exception {
    try (agent) {
      return agent.start().get(BOUND.toSeconds(), TimeUnit.SECONDS);
    }
  }

  private Work authorized(WritPayload payload, List<SpiffeId> targets) {
    byte[] envelope = TestFleet.sign(payload, TestFleet.ALICE);
    return new Work(payload, envelope, log.add(payload.id(), envelope, "allow"), targets);
  }

  private Work execute() {
    return authorized(fleet.writ(Capability.EXECUTE).content(ContentId.of(WASM)).build(), TARGETS);
  }

  private Work deploy() {
    return authorized(fleet.writ(Capability.DEPLOY).content(ContentId.of(WASM)).build(), TARGETS);
  }

  /** The result in a posted body, after its signature verified under the node's SVID. */
  private Result result(byte[] body) throws Exception {
    JsonObject o = (JsonObject) READER.read(body);
    assertThat(o.members().keySet()).containsExactlyInAnyOrder("result", "signature");
    byte[] doc = Base64.getDecoder().decode(((JsonString) o.members().get("result")).value());
    byte[] sig = Base64.getDecoder().decode(((JsonString) o.members().get("signature")).value());
    assertThat(ResultSignature.verify(credentials.svid(), doc, sig))
        .as("the result is signed by the node's SVID key")
        .isTrue();
    return new Result(WorkResult.parse(doc), doc, sig);
  }

  private List<Result> results() throws Exception {
    List<Result> out = new ArrayList<>();
    for (StubWorkServer.Posted p : server.posted()) {
      out.add(result(p.body()));
    }
    return out;
  }

  private static long count(List<String> lines, String prefix) {
    return lines.stream().filter(l -> l.startsWith(prefix)).count();
  }

  private static List<Path> outbox(Path data) throws Exception {
    try (Stream<Path> files = Files.list(data.resolve("outbox"))) {
      return files.toList();
    }
  }

  @Test
  void run_deployThenExecute_actedOnceEach_andSignedDoneResultsPosted() throws Exception {
    // enrollment's receipt (a log of one leaf) seeds what this agent knows of the log
    Work first = execute();
    Path data = dir.resolve("web-1");
    Files.createDirectories(data);
    Files.writeString(data.resolve("receipt.json"), log.receipt(first.index(), 1));
    Work deploy = deploy();
    Work execute = execute();
    server.streamThenHold(server.ping(log.log.size()), server.work(deploy), server.work(execute));

    assertThat(runToEnd(agent("web-1", data, 2))).isEqualTo(2);

    List<Result> results = results();
    assertThat(results).hasSize(2);
    WorkResult deployed = results.get(0).doc();
    assertThat(deployed.decision()).isEqualTo("done");
    assertThat(deployed.id()).contains(deploy.payload().id());
    assertThat(deployed.cap()).contains(Capability.DEPLOY);
    assertThat(deployed.node()).isEqualTo(TestFleet.nodeId("web-1"));
    assertThat(deployed.envelopeSha256()).isEqualTo(deploy.sha256());
    assertThat(deployed.time()).isEqualTo(TestFleet.NOW);
    assertThat(deployed.exec()).isEmpty();
    WorkResult ran = results.get(1).doc();
    assertThat(ran.decision()).isEqualTo("done");
    assertThat(ran.id()).contains(execute.payload().id());
    assertThat(ran.envelopeSha256()).isEqualTo(execute.sha256());
    WorkResult.Execution exec = ran.exec().orElseThrow();
    assertThat(exec.exit()).isZero();
    assertThat(exec.outcome()).isEqualTo("EXITED");
    assertThat(exec.stdoutSha256())
        .isEqualTo(TestLog.sha256Hex(SampleContent.HELLO_OUTPUT.getBytes(UTF_8)));
    // deploy installed the bytes read-only at their content-addressed path
    String hex = ContentId.of(WASM).hex();
    Path installed = data.resolve("content/sha256").resolve(hex.substring(0, 2)).resolve(hex);
    assertThat(installed).hasBinaryContent(WASM);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(installed)))
        .isEqualTo("r--r--r--");
    // one line per event, "acting on" for each, once
    List<String> seen = lines.all();
    assertThat(seen)
        .contains("acting on " + deploy.payload().id().hex() + " (deploy)")
        .contains("acting on " + execute.payload().id().hex() + " (execute, wasm)");
    assertThat(count(seen, "acting on ")).isEqualTo(2);
    assertThat(seen)
        .anyMatch(l -> l.startsWith("result " + execute.payload().id().hex() + " done recorded"));
    // the log grew from the seeded checkpoint: a consistency proof was fetched and checked,
    // and the newest checkpoint is kept
    assertThat(server.consistencyQueries()).contains("old=1&new=" + log.log.size());
    assertThat(Files.readString(data.resolve("checkpoint.note")))
        .isEqualTo(log.note(log.log.size()));
    // acted on, recorded, and presented its own SVID at every handshake
    assertThat(outbox(data)).isEmpty();
    try (ActedOnStore store = ActedOnStore.open(data.resolve("acted-on"), CLOCK)) {
      assertThat(store.contains(deploy.payload().id())).isTrue();
      assertThat(store.contains(execute.payload().id())).isTrue();
    }
    assertThat(server.clients()).isNotEmpty().allMatch(c -> c.equals(credentials.svid().leaf()));
  }

  @Test
  void run_itemForAnotherTarget_refusedNotInTargetSet_andNothingActedOn() throws Exception {
    Work item = execute(); // signed for web-1 and web-2
    server.streamThenHold(server.ping(log.log.size()), server.work(item));
    Path data = dir.resolve("web-3");

    assertThat(runToEnd(agent("web-3", data, 1))).isEqualTo(1);

    WorkResult r = results().getFirst().doc();
    assertThat(r.decision()).isEqualTo("refused");
    assertThat(r.reason()).contains(Reason.NOT_IN_TARGET_SET);
    assertThat(r.id()).contains(item.payload().id());
    assertThat(r.node()).isEqualTo(TestFleet.nodeId("web-3"));
    assertThat(r.envelopeSha256()).isEqualTo(item.sha256());
    assertThat(r.exec()).isEmpty();
    assertThat(count(lines.all(), "acting on ")).isZero();
    assertThat(lines.all())
        .anyMatch(l -> l.startsWith("refused " + item.payload().id().hex() + " NOT_IN_TARGET_SET"));
    try (ActedOnStore store = ActedOnStore.open(data.resolve("acted-on"), CLOCK)) {
      assertThat(store.contains(item.payload().id())).isFalse();
    }
  }

  @Test
  void run_resultNotTaken_staysInTheOutbox_andIsPostedUnchangedAtTheNextStart() throws Exception {
    Work item = execute();
    server.answerResults(503).streamThenHold(server.ping(log.log.size()), server.work(item));
    Path data = dir.resolve("web-1");

    AgentRunner first = agent("web-1", data, 0);
    CompletableFuture<Integer> running = first.start();
    lines.await(l -> l.startsWith("result " + item.sha256() + " kept for later"));
    first.close();
    assertThat(running.get(BOUND.toSeconds(), TimeUnit.SECONDS)).isZero();

    Path saved = data.resolve("outbox").resolve(item.sha256() + ".json");
    assertThat(outbox(data)).containsExactly(saved);
    byte[] body = Files.readAllBytes(saved);
    assertThat(server.posted()).hasSize(1);
    assertThat(server.posted().getFirst().body()).isEqualTo(body);
    assertThat(result(body).doc().decision()).isEqualTo("done");

    // the next start posts it before opening a stream (an idle one here), acting on nothing
    lines.clear();
    assertThat(runToEnd(agent("web-1", data, 1))).isEqualTo(1);
    assertThat(server.posted()).hasSize(2);
    assertThat(server.posted().get(1).body()).isEqualTo(body);
    assertThat(server.posted().get(1).status()).isEqualTo(200);
    assertThat(outbox(data)).isEmpty();
    assertThat(count(lines.all(), "acting on ")).isZero();
  }

  @Test
  void run_itemRedeliveredWhileItsResultIsInTheOutbox_answeredFromTheOutbox() throws Exception {
    Work item = execute();
    server
        .answerResults(503)
        .streamThenHold(server.ping(log.log.size()), server.work(item), server.work(item));

    assertThat(runToEnd(agent("web-1", dir.resolve("web-1"), 1))).isEqualTo(1);

    assertThat(server.posted()).extracting(StubWorkServer.Posted::status).containsExactly(503, 200);
    assertThat(server.posted().get(1).body()).isEqualTo(server.posted().get(0).body());
    assertThat(count(lines.all(), "acting on ")).isEqualTo(1);
  }

  @Test
  void run_answeredAlreadyConflict_isTreatedAsDelivered() throws Exception {
    Work item = execute();
    server.answerResults(409).streamThenHold(server.ping(log.log.size()), server.work(item));
    Path data = dir.resolve("web-1");

    assertThat(runToEnd(agent("web-1", data, 1))).isEqualTo(1);

    assertThat(server.posted()).hasSize(1);
    assertThat(outbox(data)).isEmpty();
    assertThat(lines.all())
        .anyMatch(
            l -> l.equals("result " + item.payload().id().hex() + " done was recorded already"));
  }

  @Test
  void run_itemRedeliveredAfterItsResultWasRecorded_refusedSpentAndNotActedOnAgain()
      throws Exception {
    Work item = execute();
    server.streamThenHold(server.ping(log.log.size()), server.work(item), server.work(item));

    assertThat(runToEnd(agent("web-1", dir.resolve("web-1"), 2))).isEqualTo(2);

    List<Result> results = results();
    assertThat(results.get(0).doc().decision()).isEqualTo("done");
    assertThat(results.get(1).doc().reason()).contains(Reason.SPENT);
    assertThat(results.get(1).doc().id()).contains(item.payload().id());
    assertThat(count(lines.all(), "acting on ")).isEqualTo(1);
  }

  @Test
  void run_malformedOrOversizeEvent_endsTheStream_andTheAgentReconnects() throws Exception {
    Work item = execute();
    String oversize = "event: work\ndata: " + "x".repeat(EventStream.MAX_LINE_BYTES + 1) + "\n\n";
    server
        .streamThenEnd(server.ping(log.log.size()), "event: work\ndata: {\"cap\":\n\n")
        .streamThenEnd(oversize)
        .streamThenHold(server.ping(log.log.size()), server.work(item));

    assertThat(runToEnd(agent("web-1", dir.resolve("web-1"), 1))).isEqualTo(1);

    assertThat(server.streamsOpened()).isEqualTo(3);
    assertThat(lines.all())
        .anyMatch(l -> l.startsWith("stream ended: not JSON"))
        .anyMatch(l -> l.startsWith("stream ended: a stream line is over"));
    assertThat(results()).singleElement().satisfies(r -> assertThat(r.doc().reason()).isEmpty());
  }

  @Test
  void run_contentUnreachable_itemLeftUnanswered_andActedOnAtTheNextDelivery() throws Exception {
    Work item = execute();
    server
        .answerContent(503)
        .streamThenEnd(server.ping(log.log.size()), server.work(item))
        .streamThenHold(server.ping(log.log.size()), server.work(item));

    assertThat(runToEnd(agent("web-1", dir.resolve("web-1"), 1))).isEqualTo(1);

    // nothing was decided on the first delivery: no refusal posted, not recorded as acted on
    assertThat(results()).singleElement().satisfies(r -> assertThat(r.doc().reason()).isEmpty());
    assertThat(lines.all()).anyMatch(l -> l.startsWith("stream ended: the server answered 503"));
    assertThat(count(lines.all(), "acting on ")).isEqualTo(1);
  }

  @Test
  void run_pingFromAForkedLog_endsTheStream_andNothingFromItIsTrusted() throws Exception {
    // another log of the same size under the same key: a split view, not the tree kept
    TestLog fork = new TestLog(logKey);
    Work item = execute();
    Path data = dir.resolve("web-1");
    Files.createDirectories(data);
    Files.writeString(data.resolve("checkpoint.note"), log.note(log.log.size()));
    fork.add(WritId.random(RANDOM), new byte[] {1}, "allow");
    assertThat(fork.log.size()).isEqualTo(log.log.size());
    String forked =
        "event: ping\ndata: {\"checkpoint\":\""
            + fork.note(fork.log.size()).replace("\n", "\\n")
            + "\"}\n\n";
    server
        .streamThenEnd(forked, server.work(item))
        .streamThenHold(server.ping(log.log.size()), server.work(item));

    assertThat(runToEnd(agent("web-1", data, 1))).isEqualTo(1);

    assertThat(lines.all())
        .anyMatch(l -> l.startsWith("stream ended: the server's checkpoint is refused"));
    assertThat(results()).singleElement().satisfies(r -> assertThat(r.doc().reason()).isEmpty());
    assertThat(Files.readString(data.resolve("checkpoint.note")))
        .isEqualTo(log.note(log.log.size()));
  }

  @Test
  void close_whileIdle_stopsTheLoopPromptly_andReleasesTheStores() throws Exception {
    Path data = dir.resolve("web-1");
    AgentRunner agent = agent("web-1", data, 0);
    CompletableFuture<Integer> running = agent.start();
    lines.await(l -> l.startsWith("agent " + TestFleet.nodeId("web-1")));

    agent.close();

    assertThat(running.get(BOUND.toSeconds(), TimeUnit.SECONDS)).isZero();
    agent.close(); // again: nothing happens
    // the acted-on store is free for the next start
    try (ActedOnStore store = ActedOnStore.open(data.resolve("acted-on"), CLOCK)) {
      assertThat(store.size()).isZero();
    }
  }

  /** The loop's output lines; waits are bounded by {@link #BOUND}. Thread-safe. */
  private static final class Lines {
    private final List<String> lines = new ArrayList<>();

    synchronized void add(String line) {
      lines.add(line);
      notifyAll();
    }

    synchronized List<String> all() {
      return List.copyOf(lines);
    }

    synchronized void clear() {
      lines.clear();
    }

    synchronized void await(Predicate<String> wanted) throws InterruptedException {
      long deadline = System.nanoTime() + BOUND.toNanos();
      while (lines.stream().noneMatch(wanted)) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError("no such line in " + BOUND + ": " + lines);
        }
        TimeUnit.NANOSECONDS.timedWait(this, left);
      }
    }
  }
}
