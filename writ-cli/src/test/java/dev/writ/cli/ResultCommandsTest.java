package dev.writ.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.writ.core.Capability;
import dev.writ.core.Reason;
import dev.writ.core.SpiffeId;
import dev.writ.core.WorkResult;
import dev.writ.core.WritId;
import dev.writ.core.json.CanonicalJson;
import dev.writ.core.json.JsonValue;
import dev.writ.core.json.JsonValue.JsonInteger;
import dev.writ.core.json.JsonValue.JsonObject;
import dev.writ.core.json.JsonValue.JsonString;
import dev.writ.identity.svid.Csr;
import dev.writ.identity.svid.NodeKey;
import dev.writ.identity.svid.ResultSignature;
import dev.writ.identity.svid.SpiffeCa;
import dev.writ.identity.svid.SvidCredentials;
import dev.writ.identity.svid.X509Svid;
import dev.writ.log.AppendOnlyLog;
import dev.writ.log.Checkpoint;
import dev.writ.log.LogKeySigner;
import dev.writ.log.Receipt;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code writ result show} against a TLS stand-in for {@code GET /v1/work/<id>/results}
 * (docs/spec/work.md section 8) serving receipts of a real {@link AppendOnlyLog} signed by a log
 * key, and results signed by node keys whose certificates a real {@link SpiffeCa} issued: verified
 * results are printed; a tampered leaf, a leaf that is not its receipt's, a signature that does not
 * verify, a certificate of another CA or another node, a document of another writ, another log key,
 * a duplicate node and a 404 each exit 2 with nothing printed as verified.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ResultCommandsTest {
  private static final SpiffeId WEB1 = new SpiffeId("fleet.test", "/node/web-1");
  private static final SpiffeId WEB2 = new SpiffeId("fleet.test", "/node/web-2");
  private static final String ID = "0123456789abcdef0123456789abcdef";
  private static final String ENVELOPE_SHA = "ab".repeat(32);
  private static final String ORIGIN = "fleet.test/log";

  private final SecureRandom random = new SecureRandom();
  private final Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
  private final LogKeySigner signer = LogKeySigner.generate(ORIGIN, random);

  @TempDir java.nio.file.Path dir;

  private CliHarness cli;
  private FakeEnrollServer server;
  private SpiffeCa ca;

  @BeforeEach
  void start() throws Exception {
    cli = new CliHarness(dir, now);
    server = cli.server();
    ca = cli.ca(0);
  }

  @AfterEach
  void stop() {
    cli.close();
  }

  /** What a node signed, with the certificate the server verified it with. */
  private static final class Signed {
    private final byte[] doc;
    private final byte[] sig;
    private final byte[] cert;

    Signed(byte[] doc, byte[] sig, byte[] cert) {
      this.doc = doc.clone();
      this.sig = sig.clone();
      this.cert = cert.clone();
    }

    byte[] doc() {
      return doc.clone();
    }

    byte[] sig() {
      return sig.clone();
    }

    byte[] cert() {
      return cert.clone();
    }
  }

  private Signed signed(SpiffeCa issuer, SpiffeId certId, WorkResult result) throws Exception {
    NodeKey key = NodeKey.generate(random);
    X509Svid svid =
        issuer.issue(
            Csr.parse(key.csr(certId.path().substring(certId.path().lastIndexOf('/') + 1))),
            certId,
            Duration.ofHours(1));
    byte[] doc = result.toCanonicalBytes();
    byte[] sig = ResultSignature.sign(SvidCredentials.of(svid, key.privateKey()), doc);
    return new Signed(doc, sig, svid.leaf().getEncoded());
  }

  private WorkResult done(SpiffeId node) throws Exception {
    return new WorkResult(
        Optional.of(WritId.parse(ID)),
        ENVELOPE_SHA,
        Optional.of(Capability.EXECUTE),
        node,
        Optional.empty(),
        now,
        Optional.of(
            new WorkResult.Execution(
                0, "EXITED", "cd".repeat(32), 12, "ef".repeat(32), 0, 15, Optional.of(4321L))));
  }

  private WorkResult refused(SpiffeId node, String writ) throws Exception {
    return new WorkResult(
        Optional.of(WritId.parse(writ)),
        ENVELOPE_SHA,
        Optional.of(Capability.EXECUTE),
        node,
        Optional.of(Reason.SPENT),
        now,
        Optional.empty());
  }

  /** The result record of log.md section 13 at {@code index}. */
  private byte[] record(long index, SpiffeId node, Signed s) {
    Map<String, JsonValue> m = new LinkedHashMap<>();
    m.put("v", new JsonInteger(1));
    m.put("kind", new JsonString("result"));
    m.put("index", new JsonInteger(index));
    m.put("time", new JsonInteger(now.getEpochSecond()));
    m.put("node", new JsonString(node.toString()));
    m.put("result", b64(s.doc()));
    m.put("signature", b64(s.sig()));
    m.put("cert", b64(s.cert()));
    return CanonicalJson.write(new JsonObject(m));
  }

  private static JsonString b64(byte[] b) {
    return new JsonString(Base64.getEncoder().encodeToString(b));
  }

  /** A log of three filler leaves, then {@code records} (built for indexes 3, 4, ...). */
  private record Served(AppendOnlyLog log, List<byte[]> leaves) {}

  private Served log(List<byte[]> records) {
    AppendOnlyLog log = new AppendOnlyLog();
    for (int i = 0; i < 3; i++) {
      log.append(("{\"filler\":" + i + "}").getBytes(StandardCharsets.UTF_8));
    }
    records.forEach(log::append);
    return new Served(log, records);
  }

  private String receipt(AppendOnlyLog log, long index) {
    long size = log.size();
    byte[] note = signer.sign(Checkpoint.of(ORIGIN, size, log.root(size), List.of()).format());
    return new String(
        Receipt.encode(note, log.inclusionProof(index, size), index, log.entry(index)),
        StandardCharsets.UTF_8);
  }

  /** The answer listing every record of {@code served}, as a correct server sends it. */
  private String answer(Served served) {
    List<String> entries = new ArrayList<>();
    for (int i = 0; i < served.leaves().size(); i++) {
      long index = 3L + i;
      entries.add(entry(index, served.log().entry(index), receipt(served.log(), index)));
    }
    return "{\"results\":[" + String.join(",", entries) + "]}";
  }

  private static String entry(long index, byte[] leaf, String receipt) {
    return "{\"index\":"
        + index
        + ",\"leaf\":\""
        + Base64.getEncoder().encodeToString(leaf)
        + "\",\"receipt\":"
        + receipt
        + "}";
  }

  private String twoResults() throws Exception {
    return answer(
        log(
            List.of(
                record(3, WEB1, signed(ca, WEB1, done(WEB1))),
                record(4, WEB2, signed(ca, WEB2, refused(WEB2, ID))))));
  }

  private int show(String... extra) throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of(
                "result",
                "show",
                ID,
                "--server",
                server.url(),
                "--bundle",
                cli.bundle(server),
                "--log-key",
                signer.verifierKey().toString()));
    args.addAll(List.of(extra));
    return cli.writ(args.toArray(String[]::new));
  }

  private void assertRefused(String answer, String message) throws Exception {
    server.answer("/v1/work/" + ID + "/results", 200, answer);
    assertThat(show()).as(cli.err()).isEqualTo(2);
    assertThat(cli.out()).isEmpty();
    assertThat(cli.err()).contains(message).doesNotContain("verified:");
  }

  @Test
  void show_verifiedResults_printsOneLinePerNodeWithWhatExecutionDid() throws Exception {
    server.answer("/v1/work/" + ID + "/results", 200, twoResults());

    assertThat(show()).as(cli.err()).isZero();

    List<String> lines = cli.out().lines().toList();
    assertThat(lines).hasSize(3);
    assertThat(lines.get(0))
        .startsWith(WEB1 + "  done      leaf 3  receipt verified (checkpoint size 5)")
        .endsWith("signature verified");
    assertThat(lines.get(1))
        .isEqualTo(
            "    exit 0  outcome EXITED  stdout 12 bytes sha256:"
                + "cd".repeat(32)
                + "  stderr 0 bytes sha256:"
                + "ef".repeat(32)
                + "  wall 15 ms  fuel 4321");
    assertThat(lines.get(2)).startsWith(WEB2 + "  refused  SPENT  leaf 4  receipt verified");
    assertThat(cli.err()).contains("2 result(s) of writ " + ID + ", each verified");
    assertThat(server.seen())
        .extracting(FakeEnrollServer.Seen::path)
        .containsExactly("/v1/work/" + ID + "/results");
  }

  @Test
  void show_json_printsTheSignedDocumentWithIndexAndVerifiedFlags() throws Exception {
    server.answer("/v1/work/" + ID + "/results", 200, twoResults());

    assertThat(show("--json")).as(cli.err()).isZero();

    List<String> lines = cli.out().lines().toList();
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0))
        .startsWith("{\"cap\":\"execute\",\"decision\":\"done\",\"envelope_sha256\":\"")
        .contains(
            "\"exec\":{\"exit\":0,",
            "\"index\":3,",
            "\"logged\":" + now.getEpochSecond(),
            "\"node\":\"" + WEB1 + "\"",
            "\"receipt_verified\":true",
            "\"signature_verified\":true");
    assertThat(lines.get(1))
        .contains("\"decision\":\"refused\"", "\"reason\":\"SPENT\"", "\"index\":4");
  }

  @Test
  void show_noResultsYet_exitsZeroAndSaysSo() throws Exception {
    server.answer("/v1/work/" + ID + "/results", 200, "{\"results\":[]}");
    assertThat(show()).isZero();
    assertThat(cli.out()).isEmpty();
    assertThat(cli.err()).contains("no results of writ " + ID + " yet");
  }

  @Test
  void show_tamperedResultLeaf_exitsTwoWithTheReceiptFailure() throws Exception {
    byte[] honest = record(3, WEB1, signed(ca, WEB1, done(WEB1)));
    String answer = answer(log(List.of(honest)));
    byte[] forged = record(3, WEB1, signed(ca, WEB1, refused(WEB1, ID)));
    String tampered =
        answer.replace(
            Base64.getEncoder().encodeToString(honest), Base64.getEncoder().encodeToString(forged));
    assertThat(tampered).isNotEqualTo(answer);

    assertRefused(tampered, "the receipt does not verify: INCLUSION_MISMATCH");
  }

  @Test
  void show_entryLeafNotTheReceiptsLeaf_exitsTwo() throws Exception {
    byte[] a = record(3, WEB1, signed(ca, WEB1, done(WEB1)));
    byte[] b = record(4, WEB2, signed(ca, WEB2, done(WEB2)));
    Served served = log(List.of(a, b));
    String answer = "{\"results\":[" + entry(3, b, receipt(served.log(), 3)) + "]}";

    assertRefused(answer, "its leaf is not the leaf its receipt proves");
    assertRefused(
        "{\"results\":[" + entry(4, a, receipt(served.log(), 3)) + "]}",
        "its index is not its receipt's 3");
  }

  @Test
  void show_signatureThatDoesNotVerify_exitsTwo() throws Exception {
    Signed good = signed(ca, WEB1, done(WEB1));
    Signed otherDoc = signed(ca, WEB1, refused(WEB1, ID));
    Signed mixed = new Signed(good.doc(), otherDoc.sig(), good.cert());

    assertRefused(
        answer(log(List.of(record(3, WEB1, mixed)))),
        "the signature does not verify under the certificate of " + WEB1);
  }

  @Test
  void show_certificateOfAnotherCa_exitsTwo() throws Exception {
    Signed foreign = signed(cli.otherCa(), WEB1, done(WEB1));

    assertRefused(
        answer(log(List.of(record(3, WEB1, foreign)))),
        "its certificate is not an SVID of the bundle");
  }

  @Test
  void show_certificateOfAnotherNode_exitsTwo() throws Exception {
    Signed web2Cert = signed(ca, WEB2, done(WEB1));

    assertRefused(
        answer(log(List.of(record(3, WEB1, web2Cert)))),
        "the record names " + WEB1 + " but its certificate is " + WEB2);
  }

  @Test
  void show_documentOfAnotherNodeOrWrit_exitsTwo() throws Exception {
    assertRefused(
        answer(log(List.of(record(3, WEB1, signed(ca, WEB1, done(WEB2)))))),
        "the document is of " + WEB2);
    String other = "ffffffffffffffffffffffffffffffff";
    assertRefused(
        answer(log(List.of(record(3, WEB1, signed(ca, WEB1, refused(WEB1, other)))))),
        "the document answers writ " + other + ", not " + ID);
  }

  @Test
  void show_anotherLogKey_exitsTwo() throws Exception {
    server.answer("/v1/work/" + ID + "/results", 200, twoResults());
    String otherKey = LogKeySigner.generate(ORIGIN, random).verifierKey().toString();

    int code =
        cli.writ(
            "result",
            "show",
            ID,
            "--server",
            server.url(),
            "--bundle",
            cli.bundle(server),
            "--log-key",
            otherKey);

    assertThat(code).isEqualTo(2);
    assertThat(cli.out()).isEmpty();
    assertThat(cli.err()).contains("the receipt does not verify: NO_KNOWN_SIGNATURE");
  }

  @Test
  void show_twoResultsOfOneNode_exitsTwo() throws Exception {
    assertRefused(
        answer(
            log(
                List.of(
                    record(3, WEB1, signed(ca, WEB1, done(WEB1))),
                    record(4, WEB1, signed(ca, WEB1, refused(WEB1, ID)))))),
        "two results of " + WEB1);
  }

  @Test
  void show_answerNotTheResultsObject_exitsTwo() throws Exception {
    assertRefused("{\"results\":{}}", "is not {\"results\":[...]}");
    assertRefused("{\"results\":[],\"more\":1}", "is not {\"results\":[...]}");
    assertRefused("{\"results\":[{\"index\":3}]}", "is not {index, leaf, receipt}");
  }

  @Test
  void show_unknownWrit_exitsTwoWithWorkUnknown() throws Exception {
    server.answer(
        "/v1/work/" + ID + "/results",
        404,
        "{\"decision\":\"deny\",\"detail\":\"no such work\",\"reason\":\"WORK_UNKNOWN\"}");

    assertThat(show()).isEqualTo(2);
    assertThat(cli.err()).contains("the server holds no work " + ID + " (WORK_UNKNOWN)");
  }

  @Test
  void show_notAWritId_exitsTwoBeforeAnythingIsSent() throws Exception {
    int code =
        cli.writ(
            "result",
            "show",
            "../../v1/x",
            "--server",
            server.url(),
            "--bundle",
            cli.bundle(server),
            "--log-key",
            signer.verifierKey().toString());
    assertThat(code).isEqualTo(2);
    assertThat(server.seen()).isEmpty();
  }
}
