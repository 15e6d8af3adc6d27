package dev.writ.state;

import static dev.writ.state.Fixtures.NOW;
import static dev.writ.state.Fixtures.TIMEOUT;
import static dev.writ.state.Fixtures.id;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.writ.core.Posture;
import dev.writ.core.SpiffeId;
import dev.writ.core.json.JsonValue;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeRegistryTest {
  private static final SpiffeId WEB1 = new SpiffeId("fleet.example", "/node/web-1");
  private static final SpiffeId WEB2 = new SpiffeId("fleet.example", "/node/web-2");
  private static final byte[] HASH = new byte[32];

  @TempDir Path dir;

  private final AtomicReference<Instant> now = new AtomicReference<>(NOW);
  private final InstantSource clock = () -> now.get();

  private static NodeRegistration attested(SpiffeId node, String serial) {
    return new NodeRegistration(
        node,
        Posture.ATTESTED_SOFTWARE,
        Optional.of("tpm2"),
        new TreeMap<>(Map.of("sha256:16", "00".repeat(32))),
        new TreeMap<>(Map.of("mac", "02:00:00:00:00:01")),
        serial,
        NOW.plus(Duration.ofHours(1)).getEpochSecond());
  }

  private static Instant retain() {
    return NOW.plus(Duration.ofMinutes(10));
  }

  @Test
  void enroll_openEnrollment_spendsRegistersAndAuditsAllow() throws Exception {
    try (StateCluster c = StateCluster.startEmbedded(dir);
        RatisSpendLedger ledger = c.newSpendLedger(clock, TIMEOUT)) {
      NodeRegistryClient registry = new NodeRegistryClient(ledger);
      registry.open(id(1), WEB1, NOW.plusSeconds(3600));
      assertThat(c.registry().pending(id(1))).isPresent();

      NodeRegistryClient.Enrollment e =
          registry.enroll(id(1), HASH, retain(), attested(WEB1, "a1"));

      assertThat(e).isInstanceOf(NodeRegistryClient.Enrollment.Enrolled.class);
      Map<String, JsonValue> leaf = LeafAssertions.parse(e.leaf());
      assertThat(LeafAssertions.string(leaf, "decision")).isEqualTo("allow");
      assertThat(LeafAssertions.string(leaf, "cap")).isEqualTo("enroll");
      NodeRecord r = c.registry().node(WEB1).orElseThrow();
      assertThat(r.registration().serial()).isEqualTo("a1");
      assertThat(r.registration().posture()).isEqualTo(Posture.ATTESTED_SOFTWARE);
      assertThat(r.enrolledBy()).isEqualTo(id(1));
      assertThat(c.registry().pending(id(1))).isEmpty();
      assertThat(c.stateMachine(0).isSpent(id(1))).isTrue();
    }
  }

  @Test
  void enroll_replayed_deniesWithSpentAndRegistersNothingNew() throws Exception {
    try (StateCluster c = StateCluster.startEmbedded(dir);
        RatisSpendLedger ledger = c.newSpendLedger(clock, TIMEOUT)) {
      NodeRegistryClient registry = new NodeRegistryClient(ledger);
      registry.open(id(1), WEB1, NOW.plusSeconds(3600));
      registry.enroll(id(1), HASH, retain(), attested(WEB1, "a1"));
      assertThatThrownBy(() -> registry.open(id(1), WEB1, NOW.plusSeconds(3600)))
          .isInstanceOf(NodeRegistryClient.RefusedException.class)
          .hasMessageContaining("already_spent");

      NodeRegistryClient.Enrollment again =
          registry.enroll(id(1), HASH, retain(), attested(WEB1, "b2"));

      assertThat(again).isInstanceOf(NodeRegistryClient.Enrollment.AlreadySpent.class);
      assertThat(LeafAssertions.string(LeafAssertions.parse(again.leaf()), "reason"))
          .isEqualTo("SPENT");
      assertThat(c.registry().node(WEB1).orElseThrow().registration().serial()).isEqualTo("a1");
    }
  }

  @Test
  void enroll_neverOpened_deniesWithEnrollmentNotOpenAndLeavesIdUnspent() throws Exception {
    try (StateCluster c = StateCluster.startEmbedded(dir);
        RatisSpendLedger ledger = c.newSpendLedger(clock, TIMEOUT)) {
      NodeRegistryClient registry = new NodeRegistryClient(ledger);

      NodeRegistryClient.Enrollment e =
          registry.enroll(id(7), HASH, retain(), attested(WEB1, "a1"));

      assertThat(e).isInstanceOf(NodeRegistryClient.Enrollment.NotOpen.class);
      assertThat(LeafAssertions.string(LeafAssertions.parse(e.leaf()), "reason"))
          .isEqualTo("ENROLLMENT_NOT_OPEN");
      assertThat(c.registry().node(WEB1)).isEmpty();
      assertThat(c.stateMachine(0).isSpent(id(7))).isFalse();
    }
  }

  @Test
  void enroll_openedForAnotherNode_deniesWithEnrollmentNotOpen() throws Exception {
    try (StateCluster c = StateCluster.startEmbedded(dir);
        RatisSpendLedger ledger = c.newSpendLedger(clock, TIMEOUT)) {
      NodeRegistryClient registry = new NodeRegistryClient(ledger);
      registry.open(id(1), WEB2, NOW.plusSeconds(3600));

      assertThat(registry.enroll(id(1), HASH, retain(), attested(WEB1, "a1")))
          .isInstanceOf(NodeRegistryClient.Enrollment.NotOpen.class);
      assertThat(c.registry().node(WEB1)).isEmpty();
      assertThat(c.registry().pending(id(1))).isPresent();
    }
  }

  @Test
  void enroll_afterPendingLapsedInLogTime_deniesWithEnrollmentNotOpen() throws Exception {
    try (StateCluster c = StateCluster.startEmbedded(dir);
        RatisSpendLedger ledger = c.newSpendLedger(clock, TIMEOUT)) {
      NodeRegistryClient registry = new NodeRegistryClient(ledger);
      registry.open(id(1), WEB1, NOW.plusSeconds(60));
      now.set(NOW.plusSeconds(61));

      assertThat(c.registry().pending(id(1))).isPresent(); // no command applied since: log time
      assertThat(registry.enroll(id(1), HASH, retain(), attested(WEB1, "a1")))
          .isInstanceOf(NodeRegistryClient.Enrollment.NotOpen.class);
      assertThat(c.registry().pending(id(1))).isEmpty();
    }
  }

  @Test
  void reenroll_sameName_replacesRecordAndRevokesOldSerial() throws Exception {
    try (StateCluster c = StateCluster.startEmbedded(dir);
        RatisSpendLedger ledger = c.newSpendLedger(clock, TIMEOUT)) {
      NodeRegistryClient registry = new NodeRegistryClient(ledger);
      registry.open(id(1), WEB1, NOW.plusSeconds(3600));
      registry.enroll(id(1), HASH, retain(), attested(WEB1, "a1"));
      registry.open(id(2), WEB1, NOW.plusSeconds(3600));
      long epoch = c.registry().epoch();

      registry.enroll(id(2), HASH, retain(), attested(WEB1, "b2"));

      assertThat(c.registry().node(WEB1).orElseThrow().registration().serial()).isEqualTo("b2");
      assertThat(c.registry().revoked("a1")).isTrue();
      assertThat(c.registry().epoch()).isEqualTo(epoch + 1);
    }
  }

  @Test
  void renew_keepsPreviousSerialUntilItsExpiry_unknownNodeRefused() throws Exception {
    try (StateCluster c = StateCluster.startEmbedded(dir);
        RatisSpendLedger ledger = c.newSpendLedger(clock, TIMEOUT)) {
      NodeRegistryClient registry = new NodeRegistryClient(ledger);
      registry.open(id(1), WEB1, NOW.plusSeconds(3600));
      registry.enroll(id(1), HASH, retain(), attested(WEB1, "a1"));

      registry.renew(WEB1, "c3", NOW.plusSeconds(7200), new TreeMap<>());

      NodeRecord r = c.registry().node(WEB1).orElseThrow();
      long oldExpiry = NOW.plus(Duration.ofHours(1)).getEpochSecond();
      assertThat(r.registration().serial()).isEqualTo("c3");
      assertThat(r.holdsSerial("a1", oldExpiry - 1)).isTrue();
      assertThat(r.holdsSerial("a1", oldExpiry)).isFalse();
      assertThat(r.holdsSerial("c3", oldExpiry)).isTrue();
      assertThat(r.holdsSerial("ff", 0)).isFalse();
      assertThatThrownBy(() -> registry.renew(WEB2, "d4", NOW.plusSeconds(60), new TreeMap<>()))
          .isInstanceOf(NodeRegistryClient.RefusedException.class)
          .hasMessageContaining("unknown_node");
    }
  }

  @Test
  void revoke_raisesEpochOnce_andRevokedNodeCannotRenew() throws Exception {
    try (StateCluster c = StateCluster.startEmbedded(dir);
        RatisSpendLedger ledger = c.newSpendLedger(clock, TIMEOUT)) {
      NodeRegistryClient registry = new NodeRegistryClient(ledger);
      registry.open(id(1), WEB1, NOW.plusSeconds(3600));
      registry.enroll(id(1), HASH, retain(), attested(WEB1, "a1"));

      registry.revoke("a1");
      registry.revoke("a1");

      assertThat(c.registry().revoked("a1")).isTrue();
      assertThat(c.registry().epoch()).isEqualTo(1);
      assertThatThrownBy(() -> registry.renew(WEB1, "c3", NOW.plusSeconds(60), new TreeMap<>()))
          .isInstanceOf(NodeRegistryClient.RefusedException.class)
          .hasMessageContaining("revoked");
    }
  }

  @Test
  void open_sameIdTwice_refused() throws Exception {
    try (StateCluster c = StateCluster.startEmbedded(dir);
        RatisSpendLedger ledger = c.newSpendLedger(clock, TIMEOUT)) {
      NodeRegistryClient registry = new NodeRegistryClient(ledger);
      registry.open(id(1), WEB1, NOW.plusSeconds(3600));
      assertThatThrownBy(() -> registry.open(id(1), WEB2, NOW.plusSeconds(3600)))
          .isInstanceOf(NodeRegistryClient.RefusedException.class)
          .hasMessageContaining("already_pending");
    }
  }

  @Test
  void registry_afterSnapshotAndRestart_isTheSame() throws Exception {
    List<StateCluster.PeerSpec> peers;
    try (StateCluster c = StateCluster.startEmbedded(dir);
        RatisSpendLedger ledger = c.newSpendLedger(clock, TIMEOUT)) {
      NodeRegistryClient registry = new NodeRegistryClient(ledger);
      registry.open(id(1), WEB1, NOW.plusSeconds(3600));
      registry.enroll(id(1), HASH, retain(), attested(WEB1, "a1"));
      registry.renew(WEB1, "c3", NOW.plusSeconds(7200), new TreeMap<>(Map.of("k", "v")));
      registry.open(id(2), WEB2, NOW.plusSeconds(3600));
      registry.revoke("ee");
      c.snapshot(TIMEOUT);
      peers = c.peers();
    }
    try (StateCluster c = StateCluster.start(peers)) {
      NodeRecord r = c.registry().node(WEB1).orElseThrow();
      assertThat(r.registration().serial()).isEqualTo("c3");
      assertThat(r.previousSerial()).contains("a1");
      assertThat(r.registration().measurements()).containsEntry("k", "v");
      assertThat(r.registration().advisory()).containsEntry("mac", "02:00:00:00:00:01");
      assertThat(c.registry().pending(id(2)).orElseThrow().node()).isEqualTo(WEB2);
      assertThat(c.registry().revoked("ee")).isTrue();
      assertThat(c.registry().epoch()).isEqualTo(1);
    }
  }

  @Test
  void registration_attestedWithoutKind_rejected() {
    assertThatThrownBy(
            () ->
                new NodeRegistration(
                    WEB1,
                    Posture.ATTESTED,
                    Optional.empty(),
                    new TreeMap<>(),
                    new TreeMap<>(),
                    "a1",
                    0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> attested(WEB1, "0a1")).isInstanceOf(IllegalArgumentException.class);
  }
}
