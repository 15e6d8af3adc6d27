package dev.writ.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.writ.agent.AgentRunner;
import dev.writ.agent.Enroller;
import dev.writ.agent.TpmDevice;
import dev.writ.core.Capability;
import dev.writ.core.ContentId;
import dev.writ.core.SpiffeId;
import dev.writ.core.TargetSet;
import dev.writ.core.TestFleet;
import dev.writ.core.Tier;
import dev.writ.core.WorkResult;
import dev.writ.core.WritId;
import dev.writ.core.WritPayload;
import dev.writ.core.json.CanonicalJson;
import dev.writ.core.json.JsonLimits;
import dev.writ.core.json.JsonReader;
import dev.writ.core.json.JsonValue;
import dev.writ.core.json.JsonValue.JsonArray;
import dev.writ.core.json.JsonValue.JsonObject;
import dev.writ.core.json.JsonValue.JsonString;
import dev.writ.identity.svid.SvidPem;
import dev.writ.identity.svid.TrustBundle;
import dev.writ.identity.tpm.SwtpmProcess;
import dev.writ.log.NoteVerifierKey;
import dev.writ.sandbox.ExecutionLimits;
import dev.writ.sandbox.SampleContent;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's loop ({@link AgentRunner}) against a real server: a host enrolled with a swtpm (its
 * key in the TPM), a deploy and an execute of hello.wasm delivered over its stream, checked, acted
 * on once and answered with results signed in the TPM and recorded as result leaves.
 */
class AgentLoopTest {
  private static final JsonReader READER =
      new JsonReader(new JsonLimits(1 << 20, 8, 1 << 20, 256), JsonReader.Mode.INTEGERS_ONLY);
  private static final Duration TPM_TIMEOUT = Duration.ofSeconds(30);
  private static final String GLOB = "spiffe://" + TestFleet.TRUST_DOMAIN + "/node/web-*";

  @TempDir Path dir;

  private final AtomicReference<Instant> now = new AtomicReference<>(Instant.now());
  private final Clock clock = SwtpmFleet.clock(now);
  private SwtpmProcess swtpm;
  private WritServer server;
  private TestFleet fleet;
  private TrustBundle bundle;
  private final List<String> lines = Collections.synchronizedList(new ArrayList<>());

  @BeforeEach
  void start() throws Exception {
    swtpm = SwtpmProcess.start(dir.resolve("swtpm"), TPM_TIMEOUT);
    now.set(Instant.now());
    fleet = SwtpmFleet.fleet(swtpm, now.get());
    server = WritServer.start(0, fleet.root(), dir.resolve("server"), clock);
    bundle = SwtpmFleet.bundle(server);
  }

  @AfterEach
  void stop() throws IOException {
    if (server != null) {
      server.close();
    }
    if (swtpm != null) {
      swtpm.close();
    }
  }

  private HttpClient http() throws IOException {
    return TlsClients.anonymous(server, clock);
  }

  private JsonObject send(HttpRequest.Builder request, int status) throws Exception {
    HttpResponse<String> r = http().send(request.build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    return (JsonObject) READER.read(r.body().getBytes(UTF_8));
  }

  private static String string(JsonObject o, String name) {
    return ((JsonString) o.members().get(name)).value();
  }

  /** Enrolls web-1 with the swtpm and writes the agent's folder as 'writ agent enroll' does. */
  private AgentRunner.Config enrolledAgent(Path data) throws Exception {
    JsonObject opened =
        send(
            HttpRequest.newBuilder(server.uri().resolve("/v1/enroll/open"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"node\":\"web-1\"}")),
            200);
    SpiffeId node = TestFleet.nodeId("web-1");
    byte[] writ =
        TestFleet.sign(
            fleet
                .writ(Capability.ENROLL)
                .id(new WritId(string(opened, "id")))
                .glob(node.toString())
                .setHash(TargetSet.of(List.of(node)).hash())
                .window(now.get().minusSeconds(1), now.get().plus(Duration.ofMinutes(30)))
                .build(),
            TestFleet.ALICE,
            TestFleet.BOB);
    TpmDevice tpm = TpmDevice.open(swtpm.tcti(), data.resolve("tpm"), swtpm.caCertificates());
    Enroller.Enrolled e =
        new Enroller(clock, new SecureRandom())
            .enroll(
                new Enroller.Request(
                    server.uri(), bundle, "web-1", writ, Optional.of(tpm), new TreeMap<>()));
    assertThat(e.posture()).isEqualTo("attested-software");
    Files.writeString(data.resolve("receipt.json"), e.receipt());
    Files.writeString(data.resolve(AgentRunner.POSTURE_FILE), e.posture() + "\n");
    SvidPem.write(data.resolve("svid.pem"), e.credentials());
    return new AgentRunner.Config(
        server.uri(),
        data,
        e.credentials(),
        bundle,
        fleet.root(),
        NoteVerifierKey.parse(server.logKey()),
        ExecutionLimits.defaults(),
        2,
        lines::add,
        clock,
        new SecureRandom());
  }

  /** Opens, signs (ALICE) and submits a work writ for web-*; returns its id. */
  private String authorize(Capability cap, ContentId content) throws Exception {
    Map<String, JsonValue> body = new LinkedHashMap<>();
    body.put("cap", new JsonString(cap.wire()));
    body.put("content", new JsonString(content.toString()));
    body.put("glob", new JsonString(GLOB));
    body.put("rollout", new JsonString("rollout-1"));
    if (cap == Capability.EXECUTE) {
      body.put("tier", new JsonString("wasm"));
    }
    JsonObject opened =
        send(
            HttpRequest.newBuilder(server.uri().resolve(WorkRoutes.OPEN))
                .POST(
                    HttpRequest.BodyPublishers.ofByteArray(
                        CanonicalJson.write(new JsonObject(body)))),
            200);
    TestFleet.WritBuilder w =
        fleet
            .writ(cap)
            .id(new WritId(string(opened, "id")))
            .glob(GLOB)
            .setHash(TargetSet.of(List.of(TestFleet.nodeId("web-1"))).hash())
            .content(content)
            .window(now.get().minusSeconds(1), now.get().plus(Duration.ofMinutes(10)));
    if (cap == Capability.EXECUTE) {
      w.tier(Tier.WASM);
    }
    WritPayload payload = w.build();
    send(
        HttpRequest.newBuilder(server.uri().resolve("/v1/writs"))
            .POST(HttpRequest.BodyPublishers.ofByteArray(TestFleet.sign(payload, TestFleet.ALICE))),
        200);
    return payload.id().hex();
  }

  private WorkResult recordedResult(String id) throws Exception {
    JsonObject results =
        send(
            HttpRequest.newBuilder(server.uri().resolve("/v1/work/" + id + "/results")).GET(), 200);
    List<JsonValue> list = ((JsonArray) results.members().get("results")).elements();
    assertThat(list).hasSize(1);
    JsonObject leaf =
        (JsonObject)
            READER.read(Base64.getDecoder().decode(string((JsonObject) list.get(0), "leaf")));
    assertThat(string(leaf, "kind")).isEqualTo("result");
    return WorkResult.parse(Base64.getDecoder().decode(string(leaf, "result")));
  }

  @Test
  void deployThenExecute_actedOnceAndAnsweredWithRecordedResults() throws Exception {
    Path data = Files.createDirectories(dir.resolve("agent"));
    AgentRunner.Config config = enrolledAgent(data);
    byte[] wasm = SampleContent.helloWasm();
    ContentId content = ContentId.of(wasm);
    send(
        HttpRequest.newBuilder(server.uri().resolve("/v1/content/" + content))
            .PUT(HttpRequest.BodyPublishers.ofByteArray(wasm)),
        201);
    String deploy = authorize(Capability.DEPLOY, content);
    String execute = authorize(Capability.EXECUTE, content);

    int recorded;
    try (AgentRunner agent = AgentRunner.open(config)) {
      CompletableFuture<Integer> run =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return agent.run();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                  return -1;
                }
              });
      recorded = run.get(120, TimeUnit.SECONDS);
    }

    assertThat(recorded).as(String.join("\n", lines)).isEqualTo(2);
    WorkResult deployed = recordedResult(deploy);
    assertThat(deployed.decision()).isEqualTo("done");
    assertThat(deployed.node()).isEqualTo(TestFleet.nodeId("web-1"));
    WorkResult ran = recordedResult(execute);
    assertThat(ran.decision()).as(String.join("\n", lines)).isEqualTo("done");
    WorkResult.Execution x = ran.exec().orElseThrow();
    assertThat(x.outcome()).isEqualTo("EXITED");
    assertThat(x.exit()).isZero();
    assertThat(x.stdoutSha256())
        .isEqualTo(ContentId.of(SampleContent.HELLO_OUTPUT.getBytes(UTF_8)).hex());
    assertThat(lines).anyMatch(l -> l.startsWith("acting on " + execute));
    assertThat(lines).anyMatch(l -> l.startsWith("installed " + content));
    try (var left = Files.list(data.resolve("outbox"))) {
      assertThat(left).isEmpty();
    }
    JsonObject work =
        send(HttpRequest.newBuilder(server.uri().resolve("/v1/work/" + execute)).GET(), 200);
    assertThat(
            string(
                (JsonObject) ((JsonArray) work.members().get("items")).elements().get(0), "state"))
        .isEqualTo("done");
  }

  @Test
  void contentSwappedOnTheServersDisk_isRefusedWithContentMismatch() throws Exception {
    Path data = Files.createDirectories(dir.resolve("agent"));
    AgentRunner.Config config = enrolledAgent(data);
    byte[] wasm = SampleContent.helloWasm();
    ContentId content = ContentId.of(wasm);
    send(
        HttpRequest.newBuilder(server.uri().resolve("/v1/content/" + content))
            .PUT(HttpRequest.BodyPublishers.ofByteArray(wasm)),
        201);
    String execute = authorize(Capability.EXECUTE, content);
    // after the authorization, the bytes on the server's disk change under the same id
    try (var files = Files.walk(dir.resolve("server").resolve(WritServer.CONTENT_DIR))) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        if (f.getFileName().toString().contains(content.hex())) {
          f.toFile().setWritable(true);
          Files.write(f, "swapped".getBytes(UTF_8));
        }
      }
    }
    AgentRunner.Config once =
        new AgentRunner.Config(
            config.server(),
            config.data(),
            config.credentials(),
            config.bundle(),
            config.root(),
            config.logKey(),
            config.limits(),
            1,
            config.log(),
            config.clock(),
            config.random());

    try (AgentRunner agent = AgentRunner.open(once)) {
      assertThat(
              CompletableFuture.supplyAsync(
                      () -> {
                        try {
                          return agent.run();
                        } catch (InterruptedException e) {
                          Thread.currentThread().interrupt();
                          return -1;
                        }
                      })
                  .get(120, TimeUnit.SECONDS))
          .isEqualTo(1);
    }

    WorkResult r = recordedResult(execute);
    assertThat(r.decision()).isEqualTo("refused");
    assertThat(r.reason().orElseThrow().name()).isEqualTo("CONTENT_MISMATCH");
    assertThat(lines).noneMatch(l -> l.startsWith("acting on"));
  }
}
