package dev.writ.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.writ.agent.Enroller;
import dev.writ.core.Capability;
import dev.writ.core.ContentId;
import dev.writ.core.Reason;
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
import dev.writ.core.json.JsonValue.JsonInteger;
import dev.writ.core.json.JsonValue.JsonObject;
import dev.writ.core.json.JsonValue.JsonString;
import dev.writ.identity.svid.ResultSignature;
import dev.writ.identity.svid.SvidCredentials;
import dev.writ.identity.svid.TrustBundle;
import dev.writ.identity.tls.SvidKeyManager;
import dev.writ.log.LogVerificationException;
import dev.writ.log.NoteVerifierKey;
import dev.writ.log.Receipt;
import dev.writ.log.Rfc9162;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The work routes of docs/spec/work.md on a real embedded server with two enrolled (degraded)
 * nodes: opening, the authorization that creates the items, the agents' stream over mutual TLS,
 * signed results, consistency proofs and the progress reads, with their refusals.
 */
class WorkRoutesTest {
  private static final JsonReader READER =
      new JsonReader(new JsonLimits(1 << 20, 8, 1 << 20, 256), JsonReader.Mode.INTEGERS_ONLY);
  private static final ContentId CONTENT = ContentId.of("hello".getBytes(UTF_8));
  private static final String GLOB = "spiffe://" + TestFleet.TRUST_DOMAIN + "/node/web-*";

  @TempDir Path dir;

  private final AtomicReference<Instant> now = new AtomicReference<>(Instant.now());
  private final Clock clock = SwtpmFleet.clock(now);
  private TestFleet fleet;
  private WritServer server;
  private TrustBundle bundle;
  private SvidCredentials web1;
  private SvidCredentials web2;

  @BeforeEach
  void start() throws Exception {
    fleet =
        TestFleet.builder()
            .policy(
                TestFleet.policy(
                    Tier.WASM,
                    java.util.EnumSet.of(Capability.ENROLL),
                    java.util.EnumSet.noneOf(Capability.class),
                    false))
            .expires(now.get().plus(Duration.ofDays(30)))
            .build();
    server = WritServer.start(0, fleet.root(), dir.resolve("server"), clock);
    bundle = TlsClients.bundle(server);
    web1 = enroll("web-1");
    web2 = enroll("web-2");
  }

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  private SvidCredentials enroll(String name) throws Exception {
    JsonObject opened = json(post(anonymous(), "/v1/enroll/open", "{\"node\":\"" + name + "\"}"));
    SpiffeId node = TestFleet.nodeId(name);
    WritPayload payload =
        fleet
            .writ(Capability.ENROLL)
            .id(new WritId(string(opened, "id")))
            .glob(node.toString())
            .setHash(TargetSet.of(List.of(node)).hash())
            .window(now.get().minusSeconds(1), now.get().plus(Duration.ofMinutes(30)))
            .build();
    byte[] writ = TestFleet.sign(payload, TestFleet.ALICE, TestFleet.BOB);
    return new Enroller(clock, new SecureRandom())
        .enroll(
            new Enroller.Request(
                server.uri(), bundle, name, writ, Optional.empty(), new TreeMap<>()))
        .credentials();
  }

  private HttpClient anonymous() throws Exception {
    return TlsClients.anonymous(server, clock);
  }

  private HttpClient as(SvidCredentials node) throws Exception {
    return TlsClients.withKeys(server, clock, SvidKeyManager.of(node));
  }

  private HttpResponse<String> post(HttpClient client, String path, String body) throws Exception {
    return client.send(
        HttpRequest.newBuilder(server.uri().resolve(path))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> postBytes(HttpClient client, String path, byte[] body)
      throws Exception {
    return client.send(
        HttpRequest.newBuilder(server.uri().resolve(path))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(HttpClient client, String path) throws Exception {
    return client.send(
        HttpRequest.newBuilder(server.uri().resolve(path)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static JsonObject json(HttpResponse<String> r) throws Exception {
    return (JsonObject) READER.read(r.body().getBytes(UTF_8));
  }

  private static String string(JsonObject o, String name) {
    return ((JsonString) o.members().get(name)).value();
  }

  private static String openBody(String cap, String glob, Optional<String> tier) {
    Map<String, JsonValue> m = new LinkedHashMap<>();
    m.put("cap", new JsonString(cap));
    m.put("content", new JsonString(CONTENT.toString()));
    m.put("glob", new JsonString(glob));
    m.put("rollout", new JsonString("rollout-1"));
    tier.ifPresent(t -> m.put("tier", new JsonString(t)));
    return new String(CanonicalJson.write(new JsonObject(m)), UTF_8);
  }

  /** Opens an execute of {@link #CONTENT} on web-* and returns the answer. */
  private JsonObject openExecute() throws Exception {
    HttpResponse<String> r =
        post(anonymous(), WorkRoutes.OPEN, openBody("execute", GLOB, Optional.of("wasm")));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return json(r);
  }

  private byte[] sign(JsonObject opened) {
    return sign(
        opened,
        TargetSet.of(List.of(TestFleet.nodeId("web-1"), TestFleet.nodeId("web-2"))).hash(),
        CONTENT);
  }

  private byte[] sign(JsonObject opened, TargetSet.SetHash hash, ContentId content) {
    return TestFleet.sign(
        fleet
            .writ(Capability.EXECUTE)
            .id(new WritId(string(opened, "id")))
            .glob(GLOB)
            .setHash(hash)
            .content(content)
            .tier(Tier.WASM)
            .window(now.get().minusSeconds(1), now.get().plus(Duration.ofMinutes(10)))
            .build(),
        TestFleet.ALICE);
  }

  private HttpResponse<String> submit(byte[] writ) throws Exception {
    return postBytes(anonymous(), "/v1/writs", writ);
  }

  @Test
  void open_glob_resolvesTheRegisteredNodesAndAnswersTheirSetHash() throws Exception {
    JsonObject opened = openExecute();

    List<String> targets =
        ((JsonArray) opened.members().get("targets"))
            .elements().stream().map(v -> ((JsonString) v).value()).toList();
    assertThat(targets)
        .containsExactly(
            TestFleet.nodeId("web-1").toString(), TestFleet.nodeId("web-2").toString());
    assertThat(string(opened, "set_hash"))
        .isEqualTo(
            TargetSet.of(List.of(TestFleet.nodeId("web-1"), TestFleet.nodeId("web-2")))
                .hash()
                .toString());
    assertThat(string(opened, "cap")).isEqualTo("execute");
    assertThat(string(opened, "tier")).isEqualTo("wasm");
    assertThat(string(opened, "rollout")).isEqualTo("rollout-1");
  }

  @Test
  void open_refusals_sayWhy() throws Exception {
    HttpClient c = anonymous();
    String noNode = "spiffe://" + TestFleet.TRUST_DOMAIN + "/node/db-*";
    assertRefused(
        post(c, WorkRoutes.OPEN, openBody("execute", noNode, Optional.of("wasm"))),
        404,
        "NO_TARGETS");
    assertRefused(
        post(c, WorkRoutes.OPEN, openBody("deploy", GLOB, Optional.of("wasm"))), 400, "MALFORMED");
    assertRefused(
        post(c, WorkRoutes.OPEN, openBody("execute", GLOB, Optional.empty())), 400, "MALFORMED");
    assertRefused(
        post(c, WorkRoutes.OPEN, openBody("discover", GLOB, Optional.empty())), 400, "MALFORMED");
    assertRefused(
        post(c, WorkRoutes.OPEN, openBody("execute", GLOB, Optional.of("process"))),
        403,
        "TIER_BELOW_FLOOR");
    assertRefused(post(c, WorkRoutes.OPEN, "{\"cap\":\"deploy\"}"), 400, "MALFORMED");
    assertRefused(post(c, WorkRoutes.OPEN, "{ \"cap\":\"deploy\"}"), 400, "MALFORMED");
    assertThat(post(c, WorkRoutes.OPEN, "x".repeat(WorkRoutes.OPEN_MAX_BYTES + 1)).statusCode())
        .isEqualTo(413);
  }

  private static void assertRefused(HttpResponse<String> r, int status, String reason)
      throws Exception {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    assertThat(string(json(r), "reason")).isEqualTo(reason);
  }

  @Test
  void submit_checksTheWritAgainstItsOpenRequestBeforeTheSpend() throws Exception {
    JsonObject opened = openExecute();
    TargetSet.SetHash onlyWeb1 = TargetSet.of(List.of(TestFleet.nodeId("web-1"))).hash();
    TargetSet.SetHash both =
        TargetSet.of(List.of(TestFleet.nodeId("web-1"), TestFleet.nodeId("web-2"))).hash();

    assertRefused(submit(sign(opened, onlyWeb1, CONTENT)), 403, "NOT_IN_TARGET_SET");
    assertRefused(
        submit(sign(opened, both, ContentId.of("other".getBytes(UTF_8)))), 403, "CONTENT_MISMATCH");
    // a writ whose id was never opened
    JsonObject never =
        new JsonObject(Map.of("id", new JsonString(WritId.random(new SecureRandom()).hex())));
    assertRefused(submit(sign(never)), 403, Reason.WORK_NOT_OPEN.name());

    // refused before the spend: the right writ still goes through, once
    byte[] writ = sign(opened);
    HttpResponse<String> allowed = submit(writ);
    assertThat(allowed.statusCode()).as(allowed.body()).isEqualTo(200);
    ReceiptCheck.verified(allowed.body(), server.logKey(), writ);
    assertRefused(submit(writ), 403, "SPENT");
  }

  @Test
  void stream_deliversTheWorkWithAReceipt_andASignedResultIsRecordedOnce() throws Exception {
    JsonObject opened = openExecute();
    byte[] writ = sign(opened);
    assertThat(submit(writ).statusCode()).isEqualTo(200);
    String id = string(opened, "id");

    JsonObject event = firstWorkEvent(web1);
    assertThat(string(event, "id")).isEqualTo(id);
    byte[] envelope = Base64.getDecoder().decode(string(event, "envelope"));
    assertThat(envelope).isEqualTo(writ);
    String receipt = new String(CanonicalJson.write(event.members().get("receipt")), UTF_8);
    Receipt.verify(
        receipt,
        NoteVerifierKey.parse(server.logKey()),
        envelope,
        "allow",
        Optional.empty(),
        Optional.of(id));

    byte[] doc = result(id, web1.svid().id(), writ);
    HttpResponse<String> recorded = postBytes(as(web1), WorkRoutes.RESULTS, resultBody(web1, doc));
    assertThat(recorded.statusCode()).as(recorded.body()).isEqualTo(200);
    long index = ((JsonInteger) json(recorded).members().get("index")).value();

    assertRefused(
        postBytes(as(web1), WorkRoutes.RESULTS, resultBody(web1, doc)), 409, "ALREADY_ANSWERED");
    JsonObject work = json(get(anonymous(), "/v1/work/" + id));
    List<JsonValue> items = ((JsonArray) work.members().get("items")).elements();
    assertThat(items).hasSize(2);
    JsonObject first = (JsonObject) items.get(0);
    assertThat(string(first, "state")).isEqualTo("done");
    assertThat(((JsonInteger) first.members().get("index")).value()).isEqualTo(index);
    assertThat(string((JsonObject) items.get(1), "state")).isEqualTo("pending");
    JsonObject results = json(get(anonymous(), "/v1/work/" + id + "/results"));
    List<JsonValue> list = ((JsonArray) results.members().get("results")).elements();
    assertThat(list).hasSize(1);
    JsonObject rollout = json(get(anonymous(), "/v1/rollouts/rollout-1"));
    assertThat(((JsonArray) rollout.members().get("work")).elements()).hasSize(1);
    // answered: the next stream of web-1 has nothing for it, web-2's still does
    assertThat(string(firstWorkEvent(web2), "id")).isEqualTo(id);
  }

  @Test
  void results_refusals_recordNothing() throws Exception {
    JsonObject opened = openExecute();
    byte[] writ = sign(opened);
    assertThat(submit(writ).statusCode()).isEqualTo(200);
    String id = string(opened, "id");
    long size = server.auditLog().size();

    byte[] web1Doc = result(id, web1.svid().id(), writ);
    // presented by web-2: the document names another node
    assertRefused(
        postBytes(as(web2), WorkRoutes.RESULTS, resultBody(web1, web1Doc)),
        403,
        "IDENTITY_MISMATCH");
    // web-1's document signed by web-2's key
    assertRefused(
        postBytes(as(web1), WorkRoutes.RESULTS, resultBody(web2, web1Doc)), 403, "BAD_SIGNATURE");
    // no client certificate
    assertRefused(
        postBytes(anonymous(), WorkRoutes.RESULTS, resultBody(web1, web1Doc)),
        401,
        WorkRoutes.SVID_REQUIRED);
    // about another envelope
    byte[] other = result(id, web1.svid().id(), "other".getBytes(UTF_8));
    assertRefused(
        postBytes(as(web1), WorkRoutes.RESULTS, resultBody(web1, other)), 403, "RECEIPT_MISMATCH");
    // about unknown work
    byte[] unknown = result(WritId.random(new SecureRandom()).hex(), web1.svid().id(), writ);
    assertRefused(
        postBytes(as(web1), WorkRoutes.RESULTS, resultBody(web1, unknown)), 404, "WORK_UNKNOWN");
    assertRefused(postBytes(as(web1), WorkRoutes.RESULTS, "{}".getBytes(UTF_8)), 400, "MALFORMED");
    assertThat(server.auditLog().size()).isEqualTo(size);
    assertRefused(get(anonymous(), "/v1/agent/work"), 401, WorkRoutes.SVID_REQUIRED);
  }

  @Test
  void consistency_proofsVerify_andBadQueriesAreRefused() throws Exception {
    JsonObject opened = openExecute();
    assertThat(submit(sign(opened)).statusCode()).isEqualTo(200);
    long size = server.auditLog().size();
    assertThat(size).isGreaterThanOrEqualTo(3);

    JsonObject proof = json(get(anonymous(), "/v1/log/consistency?old=1&new=" + size));

    List<byte[]> hashes = new ArrayList<>();
    for (JsonValue v : ((JsonArray) proof.members().get("proof")).elements()) {
      hashes.add(Base64.getDecoder().decode(((JsonString) v).value()));
    }
    assertThat(((JsonInteger) proof.members().get("old")).value()).isEqualTo(1);
    assertThat(((JsonInteger) proof.members().get("new")).value()).isEqualTo(size);
    Rfc9162.verifyConsistency(
        1, size, hashes, server.auditLog().root(1), server.auditLog().root(size));
    hashes.set(0, new byte[32]);
    assertThatThrownBy(
            () ->
                Rfc9162.verifyConsistency(
                    1, size, hashes, server.auditLog().root(1), server.auditLog().root(size)))
        .isInstanceOf(LogVerificationException.class);
    for (String bad :
        List.of(
            "old=0&new=1",
            "old=2&new=1",
            "old=1&new=999",
            "old=1",
            "old=a&new=1",
            "old=1&new=1&x=1")) {
      assertRefused(get(anonymous(), "/v1/log/consistency?" + bad), 400, "MALFORMED");
    }
  }

  /** Opens the node's stream and returns the first work event's data. */
  private JsonObject firstWorkEvent(SvidCredentials node) throws Exception {
    HttpResponse<Stream<String>> r =
        as(node)
            .send(
                HttpRequest.newBuilder(server.uri().resolve(WorkRoutes.STREAM))
                    .timeout(Duration.ofSeconds(60))
                    .GET()
                    .build(),
                HttpResponse.BodyHandlers.ofLines());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("content-type"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
    try (Stream<String> lines = r.body()) {
      Iterator<String> it = lines.iterator();
      String event = null;
      for (int i = 0; i < 20 && it.hasNext(); i++) {
        String line = it.next();
        if (line.startsWith("event: ")) {
          event = line.substring(7);
        } else if (line.startsWith("data: ") && "work".equals(event)) {
          return (JsonObject) READER.read(line.substring(6).getBytes(UTF_8));
        } else if (line.startsWith("data: ")) {
          assertThat(event).isEqualTo("ping");
          assertThat(
                  string((JsonObject) READER.read(line.substring(6).getBytes(UTF_8)), "checkpoint"))
              .contains("\n\n\u2014 ");
        }
      }
    }
    throw new AssertionError("no work event in the first 20 lines");
  }

  private static byte[] result(String id, SpiffeId node, byte[] envelope) {
    return new WorkResult(
            Optional.of(new WritId(id)),
            HexFormat.of().formatHex(ContentId.of(envelope).digest()),
            Optional.of(Capability.EXECUTE),
            node,
            Optional.empty(),
            Instant.ofEpochSecond(Instant.now().getEpochSecond()),
            Optional.empty())
        .toCanonicalBytes();
  }

  private static byte[] resultBody(SvidCredentials signer, byte[] doc) throws Exception {
    Map<String, JsonValue> m = new LinkedHashMap<>();
    m.put("result", new JsonString(Base64.getEncoder().encodeToString(doc)));
    m.put(
        "signature",
        new JsonString(Base64.getEncoder().encodeToString(ResultSignature.sign(signer, doc))));
    return CanonicalJson.write(new JsonObject(m));
  }
}
