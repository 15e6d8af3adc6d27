package dev.writ.state;

import static dev.writ.state.Fixtures.NOW;
import static dev.writ.state.Fixtures.TIMEOUT;
import static dev.writ.state.Fixtures.id;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.writ.core.Capability;
import dev.writ.core.ContentId;
import dev.writ.core.Reason;
import dev.writ.core.SpiffeId;
import dev.writ.core.Tier;
import dev.writ.core.WorkResult;
import dev.writ.core.WritId;
import dev.writ.core.json.JsonValue;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The work commands on a real single-peer Ratis group (docs/spec/work.md sections 2, 3, 7). */
class WorkCommandsTest {
  private static final SpiffeId WEB1 = new SpiffeId("fleet.example", "/node/web-1");
  private static final SpiffeId WEB2 = new SpiffeId("fleet.example", "/node/web-2");
  private static final ContentId CONTENT = ContentId.of("hello".getBytes(StandardCharsets.UTF_8));
  private static final byte[] ENVELOPE = "{\"an\":\"envelope\"}".getBytes(StandardCharsets.UTF_8);
  private static final byte[] SIG = new byte[] {0x30, 0x06, 2, 1, 1, 2, 1, 1};
  private static final byte[] CERT = new byte[] {0x30, 0x03, 1, 2, 3};

  @TempDir Path dir;

  private final AtomicReference<Instant> now = new AtomicReference<>(NOW);
  private final InstantSource clock = () -> now.get();

  private static WorkRequest execute(WritId id, String rollout) {
    return new WorkRequest(
        id,
        Capability.EXECUTE,
        List.of(WEB2, WEB1),
        CONTENT,
        Optional.of(Tier.WASM),
        Optional.of(rollout),
        NOW.plusSeconds(3600).getEpochSecond());
  }

  private static Instant retain() {
    return NOW.plus(Duration.ofMinutes(10));
  }

  private static byte[] result(WritId id, SpiffeId node, byte[] envelope, Optional<Reason> reason) {
    WorkResult r =
        new WorkResult(
            Optional.of(id),
            HexFormat.of().formatHex(ContentId.of(envelope).digest()),
            Optional.of(Capability.EXECUTE),
            node,
            reason,
            NOW,
            Optional.empty());
    return r.toCanonicalBytes();
  }

  @Test
  void authorize_openRequest_spendsAuditsAllowAndCreatesPendingItemsPerTarget() throws Exception {
    try (StateCluster c = StateCluster.startEmbedded(dir);
        RatisSpendLedger ledger = c.newSpendLedger(clock, TIMEOUT)) {
      WorkClient work = new WorkClient(ledger);
      work.open(execute(id(1), "r1"));
      assertThat(c.work().openRequest(id(1))).isPresent();

      WorkClient.Authorization a = work.authorize(id(1), Capability.EXECUTE, ENVELOPE, retain());

      assertThat(a).isInstanceOf(WorkClient.Authorization.Authorized.class);
      Map<String, JsonValue> leaf = LeafAssertions.parse(a.leaf());
      assertThat(LeafAssertions.string(leaf, "decision")).isEqualTo("allow");
      assertThat(LeafAssertions.string(leaf, "cap")).isEqualTo("execute");
      assertThat(LeafAssertions.string(leaf, "envelope_sha256"))
          .isEqualTo(HexFormat.of().formatHex(ContentId.of(ENVELOPE).digest()));
      assertThat(c.work().openRequest(id(1))).isEmpty();
      assertThat(c.stateMachine(0).isSpent(id(1))).isTrue();
      WorkRegistry.Work w = c.work().work(id(1)).orElseThrow();
      assertThat(w.leafIndex()).isEqualTo(a.leaf().index());
      assertThat(w.envelopeBytes()).isEqualTo(ENVELOPE);
      assertThat(w.items()).containsOnlyKeys(WEB1, WEB2);
      assertThat(c.work().pendingFor(WEB1))
          .extracting(x -> x.request().id())
          .containsExactly(id(1));
      assertThat(c.work().rollout("r1")).hasSize(1);
    }
  }

  @Test
  void authorize_neverOpened_deniesWorkNotOpenAndLeavesTheIdUnspent() throws Exception {
    try (StateCluster c = StateCluster.startEmbedded(dir);
        RatisSpendLedger ledger = c.newSpendLedger(clock, TIMEOUT)) {
      WorkClient.Authorization a =
          new WorkClient(ledger).authorize(id(2), Capability.DEPLOY, ENVELOPE, retain());

      assertThat(a).isInstanceOf(WorkClient.Authorization.NotOpen.class);
      assertThat(LeafAssertions.string(LeafAssertions.parse(a.leaf()), "reason"))
          .isEqualTo("WORK_NOT_OPEN");
      assertThat(c.stateMachine(0).isSpent(id(2))).isFalse();
      assertThat(c.work().work(id(2))).isEmpty();
    }
  }

  @Test
  void authorize_openedForAnotherCapability_deniesWorkNotOpen() throws Exception {
    try (StateCluster c = StateCluster.startEmbedded(dir);
        RatisSpendLedger ledger = c.newSpendLedger(clock, TIMEOUT)) {
      WorkClient work = new WorkClient(ledger);
      work.open(execute(id(3), "r1"));
      assertThat(work.authorize(id(3), Capability.DEPLOY, ENVELOPE, retain()))
          .isInstanceOf(WorkClient.Authorization.NotOpen.class);
      assertThat(c.work().openRequest(id(3))).isPresent();
    }
  }

  @Test
  void authorize_afterTheRequestLapsedInLogTime_deniesWorkNotOpen() throws Exception {
    try (StateCluster c = StateCluster.startEmbedded(dir);
        RatisSpendLedger ledger = c.newSpendLedger(clock, TIMEOUT)) {
      WorkClient work = new WorkClient(ledger);
      work.open(execute(id(4), "r1"));
      now.set(NOW.plusSeconds(3601));
      assertThat(c.work().openRequest(id(4))).isPresent(); // the replica has not advanced yet
      assertThat(work.authorize(id(4), Capability.EXECUTE, ENVELOPE, retain()))
          .isInstanceOf(WorkClient.Authorization.NotOpen.class);
      assertThat(c.work().openRequest(id(4))).isEmpty();
    }
  }

  @Test
  void authorize_replayed_deniesSpentAndCreatesNothingNew() throws Exception {
    try (StateCluster c = StateCluster.startEmbedded(dir);
        RatisSpendLedger ledger = c.newSpendLedger(clock, TIMEOUT)) {
      WorkClient work = new WorkClient(ledger);
      work.open(execute(id(5), "r1"));
      work.authorize(id(5), Capability.EXECUTE, ENVELOPE, retain());
      WorkClient.Authorization again =
          work.authorize(id(5), Capability.EXECUTE, ENVELOPE, retain());
      assertThat(again).isInstanceOf(WorkClient.Authorization.AlreadySpent.class);
      assertThat(LeafAssertions.string(LeafAssertions.parse(again.leaf()), "reason"))
          .isEqualTo("SPENT");
      assertThatThrownBy(() -> work.open(execute(id(5), "r1")))
          .isInstanceOf(WorkClient.RefusedException.class)
          .extracting(e -> ((WorkClient.RefusedException) e).code())
          .isEqualTo("already_spent");
    }
  }

  @Test
  void result_ofATarget_appendsAResultRecordAndAnswersOnlyThatItem() throws Exception {
    try (StateCluster c = StateCluster.startEmbedded(dir);
        RatisSpendLedger ledger = c.newSpendLedger(clock, TIMEOUT)) {
      WorkClient work = new WorkClient(ledger);
      work.open(execute(id(6), "r2"));
      work.authorize(id(6), Capability.EXECUTE, ENVELOPE, retain());
      byte[] doc = result(id(6), WEB1, ENVELOPE, Optional.empty());

      AuditLeaf leaf = work.result(doc, SIG, CERT);

      Map<String, JsonValue> record = LeafAssertions.parseResult(leaf);
      assertThat(LeafAssertions.string(record, "kind")).isEqualTo("result");
      assertThat(LeafAssertions.string(record, "node")).isEqualTo(WEB1.toString());
      assertThat(Base64.getDecoder().decode(LeafAssertions.string(record, "result")))
          .isEqualTo(doc);
      assertThat(Base64.getDecoder().decode(LeafAssertions.string(record, "cert"))).isEqualTo(CERT);
      WorkRegistry.Work w = c.work().work(id(6)).orElseThrow();
      assertThat(w.items().get(WEB1).state()).isEqualTo(WorkRegistry.ItemState.DONE);
      assertThat(w.items().get(WEB1).resultLeaf()).contains(leaf.index());
      assertThat(w.items().get(WEB2).state()).isEqualTo(WorkRegistry.ItemState.PENDING);
      assertThat(c.work().pendingFor(WEB1)).isEmpty();
      assertThat(c.work().pendingFor(WEB2)).hasSize(1);

      work.result(result(id(6), WEB2, ENVELOPE, Optional.of(Reason.NOT_IN_TARGET_SET)), SIG, CERT);
      assertThat(c.work().work(id(6)).orElseThrow().items().get(WEB2).state())
          .isEqualTo(WorkRegistry.ItemState.REFUSED);
      assertThat(c.work().work(id(6)).orElseThrow().answered()).isTrue();
    }
  }

  @Test
  void result_refusals_changeNothing() throws Exception {
    try (StateCluster c = StateCluster.startEmbedded(dir);
        RatisSpendLedger ledger = c.newSpendLedger(clock, TIMEOUT)) {
      WorkClient work = new WorkClient(ledger);
      work.open(execute(id(7), "r3"));
      work.authorize(id(7), Capability.EXECUTE, ENVELOPE, retain());
      SpiffeId stranger = new SpiffeId("fleet.example", "/node/db-1");
      long size = c.auditLog().size();

      assertRefused(work, result(id(8), WEB1, ENVELOPE, Optional.empty()), "unknown_work");
      assertRefused(work, result(id(7), stranger, ENVELOPE, Optional.empty()), "not_a_target");
      assertRefused(
          work,
          result(id(7), WEB1, "other".getBytes(StandardCharsets.UTF_8), Optional.empty()),
          "envelope_mismatch");
      assertRefused(work, "{\"v\":1}".getBytes(StandardCharsets.UTF_8), "malformed_result");
      assertThat(c.auditLog().size()).isEqualTo(size);

      work.result(result(id(7), WEB1, ENVELOPE, Optional.empty()), SIG, CERT);
      assertRefused(work, result(id(7), WEB1, ENVELOPE, Optional.empty()), "already_answered");
      assertThat(c.auditLog().size()).isEqualTo(size + 1);
    }
  }

  private static void assertRefused(WorkClient work, byte[] doc, String code) {
    assertThatThrownBy(() -> work.result(doc, SIG, CERT))
        .isInstanceOf(WorkClient.RefusedException.class)
        .extracting(e -> ((WorkClient.RefusedException) e).code())
        .isEqualTo(code);
  }

  @Test
  void work_afterSnapshotAndRestart_isTheSame() throws Exception {
    List<StateCluster.PeerSpec> peers;
    long resultLeaf;
    try (StateCluster c = StateCluster.startEmbedded(dir);
        RatisSpendLedger ledger = c.newSpendLedger(clock, TIMEOUT)) {
      WorkClient work = new WorkClient(ledger);
      work.open(execute(id(9), "r4"));
      work.authorize(id(9), Capability.EXECUTE, ENVELOPE, retain());
      resultLeaf = work.result(result(id(9), WEB1, ENVELOPE, Optional.empty()), SIG, CERT).index();
      work.open(execute(id(10), "r4"));
      c.snapshot(TIMEOUT);
      peers = c.peers();
    }
    try (StateCluster c = StateCluster.start(peers)) {
      WorkRegistry.Work w = c.work().work(id(9)).orElseThrow();
      assertThat(w.envelopeBytes()).isEqualTo(ENVELOPE);
      assertThat(w.request()).isEqualTo(execute(id(9), "r4"));
      assertThat(w.items().get(WEB1).resultLeaf()).contains(resultLeaf);
      assertThat(w.items().get(WEB2).state()).isEqualTo(WorkRegistry.ItemState.PENDING);
      assertThat(c.work().openRequest(id(10))).contains(execute(id(10), "r4"));
      assertThat(
              LeafAssertions.string(
                  LeafAssertions.parseResult(
                      new AuditLeaf(resultLeaf, c.auditLog().entry(resultLeaf))),
                  "kind"))
          .isEqualTo("result");
    }
  }

  @Test
  void codec_workCommands_roundTripAndRefuseExtraFields() throws Exception {
    StateCommand open = new StateCommand.WorkOpen(execute(id(11), "r5"), 7);
    StateCommand auth =
        new StateCommand.WorkAuthorize(id(11), Capability.EXECUTE, ENVELOPE, 100, 7);
    StateCommand res =
        new StateCommand.Result(result(id(11), WEB1, ENVELOPE, Optional.empty()), SIG, CERT, 7);
    for (StateCommand cmd : List.of(open, auth, res)) {
      byte[] bytes = CommandCodec.encode(cmd);
      assertThat(CommandCodec.encode(CommandCodec.decode(bytes))).isEqualTo(bytes);
      String extra = new String(bytes, StandardCharsets.UTF_8).replace("{", "{\"aa\":1,");
      assertThatThrownBy(() -> CommandCodec.decode(extra.getBytes(StandardCharsets.UTF_8)))
          .isInstanceOf(CommandRejectedException.class);
    }
    String unsorted =
        new String(CommandCodec.encode(open), StandardCharsets.UTF_8)
            .replace(
                "\"targets\":[\"spiffe://fleet.example/node/web-1\",\"spiffe://fleet.example/node/web-2\"]",
                "\"targets\":[\"spiffe://fleet.example/node/web-2\",\"spiffe://fleet.example/node/web-1\"]");
    assertThatThrownBy(() -> CommandCodec.decode(unsorted.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(CommandRejectedException.class);
    assertThatThrownBy(
            () ->
                new StateCommand.WorkAuthorize(
                    id(11),
                    Capability.EXECUTE,
                    new byte[WorkRegistry.MAX_ENVELOPE_BYTES + 1],
                    1,
                    1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () -> new StateCommand.WorkAuthorize(id(11), Capability.DISCOVER, ENVELOPE, 1, 1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void codec_anOversizeNonWorkCommand_isRefused() {
    String big = "{\"at\":1,\"op\":\"revoke\",\"serial\":\"" + "a".repeat(20000) + "\",\"v\":1}";
    assertThatThrownBy(() -> CommandCodec.decode(big.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(CommandRejectedException.class);
  }
}
