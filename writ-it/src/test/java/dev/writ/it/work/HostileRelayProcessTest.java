package dev.writ.it.work;

import static org.assertj.core.api.Assertions.assertThat;

import dev.writ.core.ContentId;
import dev.writ.core.Reason;
import dev.writ.core.WorkResult;
import dev.writ.identity.svid.ResultSignature;
import dev.writ.identity.svid.SvidPem;
import dev.writ.identity.svid.SvidValidator;
import dev.writ.identity.svid.TrustDomain;
import dev.writ.identity.svid.X509Svid;
import dev.writ.it.server.CliProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An agent behind a compromised server ({@link HostileRelay}: the real server's CA key in the wrong
 * hands, the real server's bytes replayed and altered). The agent trusts the relay's TLS
 * certificate, as it must, and still acts on nothing the relay cannot prove: a writ for another
 * host and a receipt with a forged proof are refused, and the refusals are signed results.
 */
@ExtendWith(SharedFleet.class)
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class HostileRelayProcessTest {
  private static final Duration CAPTURE_WAIT = Duration.ofSeconds(30);

  private static WorkFleet fleet;

  @BeforeAll
  static void fleet(WorkFleet f) {
    fleet = f;
  }

  @AfterEach
  void stopAgents() {
    fleet.stopAgent(fleet.web1);
    fleet.stopAgent(fleet.web2);
  }

  private HostileRelay relay() throws Exception {
    return HostileRelay.start(
        fleet.dir.resolve("server/ca"), new TrustDomain(WorkFleet.TD), fleet.operator);
  }

  /** web-2's SVID as the file the agent keeps shows it (certificates only; the key is in TPM). */
  private static X509Svid web2Svid() throws Exception {
    return SvidValidator.validate(
        SvidPem.certificates(Files.readAllBytes(fleet.web2.data().resolve("svid.pem"))),
        fleet.bundle,
        Instant.now());
  }

  /** The real server's work event for {@code id}, read from its stream as {@code node}. */
  private static String capture(WorkFleet.Node node, String id) throws Exception {
    try (NodeClient client = new NodeClient(fleet.base, fleet.bundle, fleet.credentials(node))) {
      return client.captureWork(id, CAPTURE_WAIT);
    }
  }

  @Test
  void writForAnotherHost_relayedToThisOne_refusedWithNotInTargetSet_thenRunByItsTarget()
      throws Exception {
    fleet.stopAgent(fleet.web1);
    fleet.stopAgent(fleet.web2);
    // opened when only web-1 was registered: the glob matches web-2, the target list does not
    WorkFleet.Opened o = fleet.openedBeforeWeb2;
    CliProcess.Result submit = fleet.submit(fleet.signAndApprove(o));
    assertThat(submit.code()).as(submit.output()).isZero();
    byte[] envelope = Files.readAllBytes(fleet.dir.resolve(o.id() + ".writ"));
    String event = capture(fleet.web1, o.id());

    try (HostileRelay relay = relay()) {
      relay.deliver(event);
      AgentProcess a2 = fleet.startAgent(fleet.web2, relay.base(), fleet.rootFile);
      HostileRelay.Captured c = relay.awaitResult(o.id(), WorkFleet.ANSWER_WAIT, a2);

      assertThat(c.result().decision()).as(c.result().toString()).isEqualTo("refused");
      assertThat(c.result().reason()).hasValue(Reason.NOT_IN_TARGET_SET);
      assertThat(c.result().node()).isEqualTo(fleet.web2.id());
      assertThat(c.result().exec()).isEmpty();
      assertThat(c.result().envelopeSha256()).isEqualTo(ContentId.of(envelope).hex());
      assertThat(ResultSignature.verify(web2Svid(), c.document(), c.signature())).isTrue();
      assertThat(a2.find(Pattern.compile("acting on " + o.id()))).isEmpty();
      assertThat(relay.refusedPosts()).isEmpty();
    }
    // the real server still holds the item for web-1 alone, unanswered
    assertThat(fleet.itemStates(o.id()))
        .containsExactlyEntriesOf(java.util.Map.of(fleet.web1.id().toString(), "pending"));
    // and the host it names runs the very same event from the real server
    AgentProcess a1 = fleet.startAgent(fleet.web1);
    WorkResult done = fleet.awaitResult(o.id(), fleet.web1, a1);
    assertThat(done.decision()).as(done.toString()).isEqualTo("done");
    assertThat(done.exec().orElseThrow().stdoutSha256())
        .isEqualTo(ContentId.of("hello, writ\n".getBytes(StandardCharsets.UTF_8)).hex());
  }

  @Test
  void receiptWithAForgedInclusionProof_refusedWithReceiptInvalid_nothingRun() throws Exception {
    fleet.stopAgent(fleet.web2);
    String content = fleet.put(WasmModules.helloTagged("forged-" + System.nanoTime()));
    String id = fleet.authorize("execute", content, fleet.web2.glob(), Optional.of("wasm"));
    String forged = WorkEvents.forgeInclusion(capture(fleet.web2, id));

    HostileRelay.Captured c;
    try (HostileRelay relay = relay()) {
      relay.deliver(forged);
      AgentProcess a2 = fleet.startAgent(fleet.web2, relay.base(), fleet.rootFile);
      c = relay.awaitResult(id, WorkFleet.ANSWER_WAIT, a2);

      assertThat(c.result().decision()).as(c.result().toString()).isEqualTo("refused");
      assertThat(c.result().reason()).hasValue(Reason.RECEIPT_INVALID);
      assertThat(c.result().exec()).isEmpty();
      assertThat(a2.find(Pattern.compile("acting on " + id))).isEmpty();
      // nothing fetched, nothing installed: the receipt is checked first
      assertThat(WorkFleet.holdsContent(fleet.web2, content)).isFalse();
    }
    fleet.stopAgent(fleet.web2);

    // the test carries web-2's own signed refusal to the real server, which records it
    try (NodeClient client =
        new NodeClient(fleet.base, fleet.bundle, fleet.credentials(fleet.web2))) {
      Reply posted = client.postResult(c.document(), c.signature());
      assertThat(posted.status()).as(posted.toString()).isEqualTo(200);
    }
    assertThat(fleet.recordedResult(id, fleet.web2))
        .hasValueSatisfying(r -> assertThat(r.reason()).hasValue(Reason.RECEIPT_INVALID));
    assertThat(fleet.itemStates(id)).containsEntry(fleet.web2.id().toString(), "refused");
  }
}
