package dev.writ.state;

import static dev.writ.state.Fixtures.CLOCK;
import static dev.writ.state.Fixtures.TIMEOUT;
import static dev.writ.state.Fixtures.id;
import static dev.writ.state.Fixtures.request;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.writ.core.Capability;
import dev.writ.core.Reason;
import dev.writ.core.SpendLedger;
import dev.writ.core.SpendLedger.Outcome;
import dev.writ.core.json.JsonValue;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditLeafLedgerTest {
  private static final String ZERO_HASH = "00".repeat(32);

  @TempDir Path dir;

  @Test
  void authorize_twice_allowLeafAtZeroThenSpentDenyLeafAtOne() throws Exception {
    try (StateCluster c = StateCluster.startEmbedded(dir);
        RatisSpendLedger ledger = c.newSpendLedger(CLOCK, TIMEOUT)) {
      RatisSpendLedger.Authorization first = ledger.authorize(request(id(1)));
      RatisSpendLedger.Authorization second = ledger.authorize(request(id(1)));

      assertThat(first.outcome()).isEqualTo(Outcome.SPENT_NOW);
      assertThat(first.leaf().index()).isZero();
      assertThat(new String(first.leaf().bytes(), UTF_8))
          .isEqualTo(
              "{\"cap\":\"deploy\",\"decision\":\"allow\",\"envelope_sha256\":\""
                  + ZERO_HASH
                  + "\",\"id\":\""
                  + id(1).hex()
                  + "\",\"index\":0,\"time\":"
                  + Fixtures.NOW.getEpochSecond()
                  + ",\"v\":1}");
      assertThat(second.outcome()).isEqualTo(Outcome.ALREADY_SPENT);
      assertThat(second.leaf().index()).isEqualTo(1);
      Map<String, JsonValue> m = LeafAssertions.parse(second.leaf());
      assertThat(LeafAssertions.string(m, "decision")).isEqualTo("deny");
      assertThat(LeafAssertions.string(m, "reason")).isEqualTo("SPENT");
      assertThat(LeafAssertions.string(m, "id")).isEqualTo(id(1).hex());
      assertThat(c.stateMachine(0).leaves()).containsExactly(first.leaf(), second.leaf());
    }
  }

  @Test
  void auditDenial_appendsLeafWithoutSpending() throws Exception {
    try (StateCluster c = StateCluster.startEmbedded(dir);
        RatisSpendLedger ledger = c.newSpendLedger(CLOCK, TIMEOUT)) {
      AuditLeaf bare =
          ledger.auditDenial(Optional.empty(), new byte[32], Optional.empty(), Reason.MALFORMED);
      AuditLeaf full =
          ledger.auditDenial(
              Optional.of(id(5)), new byte[32], Optional.of(Capability.DEPLOY), Reason.EXPIRED);

      assertThat(bare.index()).isZero();
      assertThat(new String(bare.bytes(), UTF_8))
          .isEqualTo(
              "{\"decision\":\"deny\",\"envelope_sha256\":\""
                  + ZERO_HASH
                  + "\",\"index\":0,\"reason\":\"MALFORMED\",\"time\":"
                  + Fixtures.NOW.getEpochSecond()
                  + ",\"v\":1}");
      assertThat(full.index()).isEqualTo(1);
      Map<String, JsonValue> m = LeafAssertions.parse(full);
      assertThat(LeafAssertions.string(m, "reason")).isEqualTo("EXPIRED");
      assertThat(LeafAssertions.string(m, "cap")).isEqualTo("deploy");
      assertThat(c.stateMachine(0).isSpent(id(5))).isFalse();
      assertThat(c.stateMachine(0).noteCount()).isZero();
      // the denied id is still spendable, and its authorization is the next leaf
      RatisSpendLedger.Authorization a = ledger.authorize(request(id(5)));
      assertThat(a.outcome()).isEqualTo(Outcome.SPENT_NOW);
      assertThat(a.leaf().index()).isEqualTo(2);
    }
  }

  @Test
  void leaves_afterRestart_sameBytesAndIndexes() throws Exception {
    List<StateCluster.PeerSpec> peers;
    List<AuditLeaf> before;
    try (StateCluster c = StateCluster.startEmbedded(dir);
        RatisSpendLedger ledger = c.newSpendLedger(CLOCK, TIMEOUT)) {
      writeThreeLeaves(ledger);
      before = c.stateMachine(0).leaves();
      peers = c.peers();
    }
    try (StateCluster c = StateCluster.start(peers);
        RatisSpendLedger ledger = c.newSpendLedger(CLOCK, TIMEOUT)) {
      // a committed command after restart is applied after every earlier entry was replayed
      RatisSpendLedger.Authorization next = ledger.authorize(request(id(1)));
      assertThat(next.leaf().index()).isEqualTo(3);
      assertThat(c.stateMachine(0).leaves()).startsWith(before.toArray(AuditLeaf[]::new));
    }
  }

  @Test
  void leaves_afterSnapshotAndRestart_sameBytesAndIndexes() throws Exception {
    List<StateCluster.PeerSpec> peers;
    List<AuditLeaf> before;
    long snapshotIndex;
    try (StateCluster c = StateCluster.startEmbedded(dir);
        RatisSpendLedger ledger = c.newSpendLedger(CLOCK, TIMEOUT)) {
      writeThreeLeaves(ledger);
      before = c.stateMachine(0).leaves();
      snapshotIndex = c.snapshot(TIMEOUT);
      peers = c.peers();
    }
    try (StateCluster c = StateCluster.start(peers);
        RatisSpendLedger ledger = c.newSpendLedger(CLOCK, TIMEOUT)) {
      assertThat(c.stateMachine(0).getLatestSnapshot().getIndex()).isEqualTo(snapshotIndex);
      assertThat(c.stateMachine(0).leaves()).containsExactlyElementsOf(before);
      RatisSpendLedger.Authorization next = ledger.authorize(request(id(1)));
      assertThat(next.outcome()).isEqualTo(Outcome.ALREADY_SPENT);
      assertThat(next.leaf().index()).isEqualTo(3);
    }
  }

  @Test
  void auditDenial_clusterStopped_failsClosed() throws Exception {
    StateCluster c = StateCluster.startEmbedded(dir);
    c.close();
    try (RatisSpendLedger ledger = c.newSpendLedger(CLOCK, Duration.ofSeconds(2))) {
      assertThatThrownBy(
              () ->
                  ledger.auditDenial(
                      Optional.empty(), new byte[32], Optional.empty(), Reason.MALFORMED))
          .isInstanceOf(SpendLedger.SpendLedgerException.class);
    }
  }

  @Test
  void snapshot_withLeaves_roundTripsExactBytes() throws IOException {
    byte[] leaf =
        DecisionRecords.leaf(
            new StateCommand.Authorize(id(1), Capability.DEPLOY, ZERO_HASH, 10, 5), true, 0);
    TreeMap<dev.writ.core.WritId, Long> notes = new TreeMap<>(Map.of(id(1), 10L));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    SnapshotFormat.write(out, 5, notes, List.of(leaf));
    assertThat(out.toString(UTF_8))
        .startsWith(
            "{\"entries\":1,\"epoch\":0,\"format\":\"writ-state/spent-notes\",\"leaves\":1,"
                + "\"log_time\":5,\"nodes\":0,\"open\":0,\"pending\":0,\"revoked\":0,\"v\":4,"
                + "\"work\":0}\n");
    SnapshotFormat.Loaded loaded = SnapshotFormat.read(new ByteArrayInputStream(out.toByteArray()));
    assertThat(loaded.notes()).isEqualTo(notes);
    assertThat(loaded.leaves()).singleElement().isEqualTo(leaf);
  }

  @Test
  void snapshot_version1_loadsWithNoLeaves() throws IOException {
    String s =
        """
        {"entries":1,"format":"writ-state/spent-notes","log_time":1,"v":1}
        {"id":"00000000000000000000000000000001","retain_until":5}
        """;
    SnapshotFormat.Loaded loaded = SnapshotFormat.read(new ByteArrayInputStream(s.getBytes(UTF_8)));
    assertThat(loaded.notes()).containsOnlyKeys(id(1));
    assertThat(loaded.leaves()).isEmpty();
  }

  @Test
  void snapshot_version3_loadsWithNoWork_andAResultLeafInIt_isRefused() throws IOException {
    String v3 =
        "{\"entries\":0,\"epoch\":0,\"format\":\"writ-state/spent-notes\",\"leaves\":0,"
            + "\"log_time\":1,\"nodes\":0,\"pending\":0,\"revoked\":0,\"v\":3}\n";
    SnapshotFormat.Loaded loaded =
        SnapshotFormat.read(new ByteArrayInputStream(v3.getBytes(UTF_8)));
    assertThat(loaded.work().open()).isEmpty();
    assertThat(loaded.work().work()).isEmpty();
    String v3WithResult =
        v3.replace("\"leaves\":0", "\"leaves\":1")
            + "{\"cert\":\"AA==\",\"index\":0,\"kind\":\"result\",\"node\":\"spiffe://a/b\","
            + "\"result\":\"AA==\",\"signature\":\"AA==\",\"time\":1,\"v\":1}\n";
    assertThatThrownBy(
            () -> SnapshotFormat.read(new ByteArrayInputStream(v3WithResult.getBytes(UTF_8))))
        .isInstanceOf(IOException.class);
  }

  @Test
  void snapshot_unknownVersionOrWrongLeafIndex_refused() {
    String v5 = "{\"entries\":0,\"format\":\"writ-state/spent-notes\",\"log_time\":1,\"v\":5}\n";
    assertThatThrownBy(() -> SnapshotFormat.read(new ByteArrayInputStream(v5.getBytes(UTF_8))))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("unsupported snapshot version 5");
    String badIndex =
        "{\"entries\":0,\"format\":\"writ-state/spent-notes\",\"leaves\":1,\"log_time\":1,\"v\":2}\n"
            + "{\"decision\":\"allow\",\"envelope_sha256\":\""
            + ZERO_HASH
            + "\",\"index\":7,\"time\":1,\"v\":1}\n";
    assertThatThrownBy(
            () -> SnapshotFormat.read(new ByteArrayInputStream(badIndex.getBytes(UTF_8))))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("index");
  }

  private static void writeThreeLeaves(RatisSpendLedger ledger) throws Exception {
    assertThat(ledger.authorize(request(id(1))).leaf().index()).isZero();
    assertThat(ledger.authorize(request(id(1))).leaf().index()).isEqualTo(1);
    assertThat(
            ledger
                .auditDenial(
                    Optional.of(id(2)), new byte[32], Optional.empty(), Reason.BAD_SIGNATURE)
                .index())
        .isEqualTo(2);
  }
}
