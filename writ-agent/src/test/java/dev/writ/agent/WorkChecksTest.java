package dev.writ.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.writ.core.Capability;
import dev.writ.core.ContentId;
import dev.writ.core.FleetState;
import dev.writ.core.Posture;
import dev.writ.core.Reason;
import dev.writ.core.SpiffeId;
import dev.writ.core.TestFleet;
import dev.writ.core.Tier;
import dev.writ.core.WritPayload;
import dev.writ.log.LogKeySigner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's checks before acting, with a real trust root and signed writs (TestFleet), a real
 * signed log, and its durable acted-on store: every refusal the issue names, and the happy path.
 */
class WorkChecksTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Clock CLOCK = Clock.fixed(TestFleet.NOW, ZoneOffset.UTC);
  private static final WorkChecks.Node WEB1 =
      new WorkChecks.Node(TestFleet.nodeId("web-1"), Posture.ATTESTED);
  private static final List<SpiffeId> TARGETS = List.copyOf(TestFleet.targets().ids());

  @TempDir Path dir;

  private final TestFleet fleet = TestFleet.standard();
  private final LogKeySigner logKey = LogKeySigner.generate(TestLog.ORIGIN, RANDOM);
  private final TestLog log = new TestLog(logKey);
  private final List<ContentId> fetched = new ArrayList<>();
  private ActedOnStore store;
  private Set<Tier> tiers = EnumSet.of(Tier.WASM, Tier.PROCESS);

  @BeforeEach
  void open() throws IOException {
    store = ActedOnStore.open(dir.resolve("acted-on"), CLOCK);
  }

  private WorkChecks checks() throws IOException {
    return new WorkChecks(
        fleet.root(),
        LogWitness.open(logKey.verifierKey(), dir.resolve("checkpoint")),
        store,
        CLOCK,
        FleetState::normal,
        tiers::contains);
  }

  /** A signed writ authorized in the log: the envelope, with its receipt, for {@code targets}. */
  private WorkChecks.Item authorized(WritPayload payload, List<SpiffeId> targets) {
    byte[] envelope = TestFleet.sign(payload, TestFleet.ALICE);
    int index = log.add(payload.id(), envelope, "allow");
    return new WorkChecks.Item(envelope, log.receipt(index), targets);
  }

  private WorkChecks.Item execute() {
    return authorized(fleet.writ(Capability.EXECUTE).build(), TARGETS);
  }

  private WorkChecks.ContentSource serves(byte[] bytes) {
    return (id, limit) -> {
      fetched.add(id);
      return Optional.of(bytes);
    };
  }

  private WorkChecks.Accepted check(WorkChecks.Item item, WorkChecks.Node node, byte[] content)
      throws Exception {
    return checks().check(item, node, log.proofs(), serves(content));
  }

  private Reason refusal(WorkChecks.Item item, WorkChecks.Node node, WorkChecks.ContentSource src)
      throws Exception {
    try {
      checks().check(item, node, log.proofs(), src);
    } catch (WorkRefusedException e) {
      return e.reason();
    }
    throw new AssertionError("the item was accepted");
  }

  private Reason refusal(WorkChecks.Item item) throws Exception {
    return refusal(item, WEB1, serves(TestFleet.CONTENT));
  }

  @Test
  void check_authorizedExecuteForThisNode_acceptedAndRecordedAsActedOn() throws Exception {
    WorkChecks.Item item = execute();

    WorkChecks.Accepted ok = check(item, WEB1, TestFleet.CONTENT);

    assertThat(ok.content()).isEqualTo(TestFleet.CONTENT);
    assertThat(ok.writ().payload().cap()).isEqualTo(Capability.EXECUTE);
    assertThat(store.contains(ok.writ().id())).isTrue();
    assertThat(fetched).containsExactly(ContentId.of(TestFleet.CONTENT));
  }

  @Test
  void check_sameItemAgain_refusedSpentFromTheActedOnStore() throws Exception {
    WorkChecks.Item item = execute();
    check(item, WEB1, TestFleet.CONTENT);

    assertThat(refusal(item)).isEqualTo(Reason.SPENT);
    // also after the agent restarts: the store is on disk
    store.close();
    store = ActedOnStore.open(dir.resolve("acted-on"), CLOCK);
    assertThat(refusal(item)).isEqualTo(Reason.SPENT);
  }

  @Test
  void check_nodeNotInTheDeliveredSet_refusedNotInTargetSet() throws Exception {
    WorkChecks.Node web3 = new WorkChecks.Node(TestFleet.nodeId("web-3"), Posture.ATTESTED);

    // the glob matches web-3, but the signed set is web-1 and web-2
    assertThat(refusal(execute(), web3, serves(TestFleet.CONTENT)))
        .isEqualTo(Reason.NOT_IN_TARGET_SET);
    // a server that delivers another list than the one signed
    WorkChecks.Item relabelled =
        authorized(fleet.writ(Capability.EXECUTE).build(), List.of(TestFleet.nodeId("web-1")));
    assertThat(refusal(relabelled)).isEqualTo(Reason.NOT_IN_TARGET_SET);
    assertThat(store.size()).isZero();
  }

  @Test
  void check_contentSwappedOrMissing_refusedContentMismatchAndNotRecorded() throws Exception {
    WorkChecks.Item item = execute();

    assertThat(refusal(item, WEB1, serves("#!/bin/false\n".getBytes(StandardCharsets.UTF_8))))
        .isEqualTo(Reason.CONTENT_MISMATCH);
    assertThat(refusal(item, WEB1, (id, limit) -> Optional.empty()))
        .isEqualTo(Reason.CONTENT_MISMATCH);
    assertThat(store.size()).isZero();
    // the right bytes later: the writ is still good
    assertThat(check(item, WEB1, TestFleet.CONTENT).writ().id()).isNotNull();
  }

  @Test
  void check_tierBelowFloor_refusedTierBelowFloor_andUnavailable_refusedTierUnavailable()
      throws Exception {
    // the standard policy's floor is gvisor: process is below it
    WritPayload process = fleet.writ(Capability.EXECUTE).tier(Tier.PROCESS).build();
    assertThat(refusal(authorized(process, TARGETS))).isEqualTo(Reason.TIER_BELOW_FLOOR);

    tiers = EnumSet.of(Tier.PROCESS);
    assertThat(refusal(execute())).isEqualTo(Reason.TIER_UNAVAILABLE);
  }

  @Test
  void check_receiptOfAnotherWritOrForgedProof_refusedReceiptInvalid() throws Exception {
    WorkChecks.Item a = execute();
    WorkChecks.Item b = execute();
    WorkChecks.Item swapped = new WorkChecks.Item(a.envelope(), b.receiptJson(), TARGETS);

    assertThat(refusal(swapped)).isEqualTo(Reason.RECEIPT_INVALID);
    // a writ the log never recorded, with a receipt in its place
    WritPayload never = fleet.writ(Capability.EXECUTE).build();
    WorkChecks.Item unlogged =
        new WorkChecks.Item(TestFleet.sign(never, TestFleet.ALICE), a.receiptJson(), TARGETS);
    assertThat(refusal(unlogged)).isEqualTo(Reason.RECEIPT_INVALID);
    assertThat(store.size()).isZero();
  }

  @Test
  void check_writNotSignedByThisAgentsRoot_refused() throws Exception {
    WritPayload p = fleet.writ(Capability.EXECUTE).build();
    byte[] forged = TestFleet.sign(p, TestFleet.MALLORY);
    int index = log.add(p.id(), forged, "allow"); // even a log that recorded it as allowed

    assertThat(refusal(new WorkChecks.Item(forged, log.receipt(index), TARGETS)))
        .isEqualTo(Reason.UNKNOWN_KEY);
  }

  @Test
  void check_degradedNode_refusedPostureInsufficient() throws Exception {
    WorkChecks.Node degraded = new WorkChecks.Node(TestFleet.nodeId("web-1"), Posture.DEGRADED);

    assertThat(refusal(execute(), degraded, serves(TestFleet.CONTENT)))
        .isEqualTo(Reason.POSTURE_INSUFFICIENT);
  }

  @Test
  void check_capabilityAnAgentDoesNotActOn_refused() throws Exception {
    WorkChecks.Item quarantine = authorized(fleet.writ(Capability.QUARANTINE).build(), TARGETS);

    assertThat(refusal(quarantine)).isEqualTo(Reason.MALFORMED);
  }

  @Test
  void check_contentUnreachable_nothingDecidedNothingRecorded() throws Exception {
    WorkChecks.Item item = execute();

    assertThatThrownBy(
            () ->
                checks()
                    .check(
                        item,
                        WEB1,
                        log.proofs(),
                        (id, limit) -> {
                          throw new IOException("server unreachable");
                        }))
        .isInstanceOf(IOException.class);
    assertThat(store.size()).isZero();
    assertThat(WorkChecks.payloadOf(item.envelope()).map(p -> p.id().hex())).isPresent();
  }
}
