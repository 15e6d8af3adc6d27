package dev.writ.state;

import static dev.writ.state.Fixtures.id;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.writ.core.Capability;
import dev.writ.core.Reason;
import dev.writ.core.SpendLedger.Outcome;
import dev.writ.state.LinearizabilityChecker.AuditDenial;
import dev.writ.state.LinearizabilityChecker.Audited;
import dev.writ.state.LinearizabilityChecker.Authorize;
import dev.writ.state.LinearizabilityChecker.Authorized;
import dev.writ.state.LinearizabilityChecker.Failed;
import dev.writ.state.LinearizabilityChecker.Kind;
import dev.writ.state.LinearizabilityChecker.Op;
import dev.writ.state.LinearizabilityChecker.Violation;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The checker accepts linearizable histories, including overlapping calls linearized either way and
 * failed calls that did or did not take effect, and rejects each hand-made non-linearizable history
 * with the rule it breaks.
 */
class LinearizabilityCheckerTest {
  private static final String HASH = "00".repeat(32);
  private static final int X = 1;
  private static final int Y = 2;

  @Test
  void check_sequentialHistoryOnTwoReplicas_accepted() {
    List<AuditLeaf> log =
        List.of(allow(X, 0), spentDeny(X, 1), denial(Optional.of(Y), 2), allow(Y, 3));
    List<Op> history =
        List.of(
            spend(0, X, 1, 2, Outcome.SPENT_NOW, log.get(0)),
            spend(1, X, 3, 4, Outcome.ALREADY_SPENT, log.get(1)),
            audit(0, Optional.of(Y), 5, 6, log.get(2)),
            spend(1, Y, 7, 8, Outcome.SPENT_NOW, log.get(3)));

    assertThatCode(() -> LinearizabilityChecker.check(history, List.of(log, List.copyOf(log))))
        .doesNotThrowAnyException();
  }

  @Test
  void check_overlappingSpendsLinearizedEitherWay_accepted() {
    List<AuditLeaf> log = List.of(allow(X, 0), spentDeny(X, 1));
    // the later-invoked call won: fine, the two overlap
    List<Op> laterWins =
        List.of(
            spend(0, X, 1, 4, Outcome.ALREADY_SPENT, log.get(1)),
            spend(1, X, 2, 3, Outcome.SPENT_NOW, log.get(0)));
    List<Op> earlierWins =
        List.of(
            spend(0, X, 1, 4, Outcome.SPENT_NOW, log.get(0)),
            spend(1, X, 2, 3, Outcome.ALREADY_SPENT, log.get(1)));

    assertThatCode(() -> LinearizabilityChecker.check(laterWins, List.of(log)))
        .doesNotThrowAnyException();
    assertThatCode(() -> LinearizabilityChecker.check(earlierWins, List.of(log)))
        .doesNotThrowAnyException();
  }

  @Test
  void check_failedSpendThatTookEffectOrNot_accepted() {
    List<AuditLeaf> tookEffect = List.of(allow(X, 0), spentDeny(X, 1));
    List<Op> withLeaf =
        List.of(failedSpend(0, X, 1), spend(1, X, 3, 4, Outcome.ALREADY_SPENT, tookEffect.get(1)));
    List<AuditLeaf> noEffect = List.of(allow(X, 0));
    List<Op> withoutLeaf =
        List.of(failedSpend(0, X, 1), spend(1, X, 3, 4, Outcome.SPENT_NOW, noEffect.get(0)));

    assertThatCode(() -> LinearizabilityChecker.check(withLeaf, List.of(tookEffect)))
        .doesNotThrowAnyException();
    assertThatCode(() -> LinearizabilityChecker.check(withoutLeaf, List.of(noEffect)))
        .doesNotThrowAnyException();
  }

  @Test
  void check_overlappingDoubleAllow_rejectedAsDoubleAllow() {
    List<AuditLeaf> log = List.of(allow(X, 0), allow(X, 1));
    List<Op> history =
        List.of(
            spend(0, X, 1, 4, Outcome.SPENT_NOW, log.get(0)),
            spend(1, X, 2, 3, Outcome.SPENT_NOW, log.get(1)));

    assertViolation(history, List.of(log), Kind.DOUBLE_ALLOW);
  }

  @Test
  void check_doubleAllowByFailedAndCompletedSpend_rejectedByLogReplay() {
    // only one reply said SPENT_NOW, but the failed call's allow is in the log too
    List<AuditLeaf> log = List.of(allow(X, 0), allow(X, 1));
    List<Op> history =
        List.of(failedSpend(0, X, 1), spend(1, X, 2, 5, Outcome.SPENT_NOW, log.get(1)));

    assertViolation(history, List.of(log), Kind.DOUBLE_ALLOW);
  }

  @Test
  void check_spentNowAfterCompletedSpend_rejectedAsStaleRead() {
    List<AuditLeaf> log = List.of(allow(X, 0), allow(X, 1));
    List<Op> history =
        List.of(
            spend(0, X, 1, 2, Outcome.SPENT_NOW, log.get(0)),
            spend(1, X, 3, 4, Outcome.SPENT_NOW, log.get(1)));

    assertViolation(history, List.of(log), Kind.STALE_READ);
  }

  @Test
  void check_spentNowAfterCompletedAlreadySpent_rejectedAsStaleRead() {
    // the spender failed (no reply), so only one reply says SPENT_NOW: still not linearizable
    List<AuditLeaf> log = List.of(allow(X, 0), spentDeny(X, 1), allow(X, 2));
    List<Op> history =
        List.of(
            failedSpend(0, X, 1),
            spend(1, X, 3, 4, Outcome.ALREADY_SPENT, log.get(1)),
            spend(1, X, 5, 6, Outcome.SPENT_NOW, log.get(2)));

    assertViolation(history, List.of(log), Kind.STALE_READ);
  }

  @Test
  void check_alreadySpentBeforeAnySpendBegan_rejectedAsReadFromFuture() {
    List<AuditLeaf> log = List.of(allow(X, 0), spentDeny(X, 1));
    List<Op> history =
        List.of(
            spend(0, X, 1, 2, Outcome.ALREADY_SPENT, log.get(1)),
            spend(1, X, 3, 4, Outcome.SPENT_NOW, log.get(0)));

    assertViolation(history, List.of(log), Kind.READ_FROM_FUTURE);
  }

  @Test
  void check_everySpendSaysAlreadySpent_rejectedAsLostSpend() {
    List<AuditLeaf> log = List.of(spentDeny(X, 0), spentDeny(X, 1));
    List<Op> history =
        List.of(
            spend(0, X, 1, 4, Outcome.ALREADY_SPENT, log.get(0)),
            spend(1, X, 2, 3, Outcome.ALREADY_SPENT, log.get(1)));

    assertViolation(history, List.of(log), Kind.LOST_SPEND);
  }

  @Test
  void check_logIndexFieldSkipsAPosition_rejectedAsIndexGap() {
    AuditLeaf skipped = new AuditLeaf(2, allow(Y, 3).bytes()); // position 2 says index 3
    List<AuditLeaf> log = List.of(allow(X, 0), spentDeny(X, 1), skipped);
    List<Op> history =
        List.of(
            spend(0, X, 1, 2, Outcome.SPENT_NOW, log.get(0)),
            spend(0, X, 3, 4, Outcome.ALREADY_SPENT, log.get(1)),
            spend(0, Y, 5, 6, Outcome.SPENT_NOW, skipped));

    assertViolation(history, List.of(log), Kind.INDEX_GAP);
  }

  @Test
  void check_logLeafNoCallWrote_rejectedAsIndexGap() {
    List<AuditLeaf> log = List.of(allow(X, 0), allow(Y, 1), spentDeny(X, 2));
    List<Op> history =
        List.of(
            spend(0, X, 1, 2, Outcome.SPENT_NOW, log.get(0)),
            spend(0, X, 3, 4, Outcome.ALREADY_SPENT, log.get(2)));

    assertViolation(history, List.of(log), Kind.INDEX_GAP);
  }

  @Test
  void check_failedCallsLeafBeforeCallThatFinishedFirst_rejectedAsIndexGap() {
    List<AuditLeaf> log = List.of(allow(X, 0), allow(Y, 1));
    List<Op> history =
        List.of(spend(0, Y, 1, 2, Outcome.SPENT_NOW, log.get(1)), failedSpend(1, X, 3));

    assertViolation(history, List.of(log), Kind.INDEX_GAP);
  }

  @Test
  void check_replyIndexBeyondLogOrBytesDiffer_rejectedAsReplyMismatch() {
    List<AuditLeaf> log = List.of(allow(X, 0));
    List<Op> beyond = List.of(spend(0, X, 1, 2, Outcome.SPENT_NOW, allow(X, 1)));
    AuditLeaf other = new AuditLeaf(0, allow(Y, 0).bytes());
    List<Op> differ = List.of(spend(0, Y, 1, 2, Outcome.SPENT_NOW, other));

    assertViolation(beyond, List.of(log), Kind.REPLY_MISMATCH);
    assertViolation(differ, List.of(log), Kind.REPLY_MISMATCH);
  }

  @Test
  void check_twoRepliesWithOneIndex_rejectedAsDuplicateIndex() {
    List<AuditLeaf> log = List.of(allow(X, 0), spentDeny(X, 1));
    List<Op> history =
        List.of(
            spend(0, X, 1, 2, Outcome.SPENT_NOW, log.get(0)),
            spend(1, X, 3, 4, Outcome.SPENT_NOW, log.get(0)));

    assertViolation(history, List.of(log), Kind.DUPLICATE_INDEX);
  }

  @Test
  void check_outcomeContradictsLeafOrLeafOfOtherCall_rejectedAsWrongLeaf() {
    List<AuditLeaf> log = List.of(spentDeny(X, 0));
    List<Op> wrongOutcome = List.of(spend(0, X, 1, 2, Outcome.SPENT_NOW, log.get(0)));
    List<Op> wrongId = List.of(spend(0, Y, 1, 2, Outcome.ALREADY_SPENT, log.get(0)));
    List<AuditLeaf> denialLog = List.of(denial(Optional.of(X), 0));
    List<Op> wrongReason =
        List.of(
            new Op(
                0,
                new AuditDenial(Optional.of(id(X)), Reason.BAD_SIGNATURE),
                1,
                2,
                new Audited(denialLog.get(0))));

    assertViolation(wrongOutcome, List.of(log), Kind.WRONG_LEAF);
    assertViolation(wrongId, List.of(log), Kind.WRONG_LEAF);
    assertViolation(wrongReason, List.of(denialLog), Kind.WRONG_LEAF);
  }

  @Test
  void check_leavesOutOfRealTimeOrder_rejectedAsRealtimeOrder() {
    // X finished before Y began, yet Y's leaf comes first
    List<AuditLeaf> log = List.of(allow(Y, 0), allow(X, 1));
    List<Op> history =
        List.of(
            spend(0, X, 1, 2, Outcome.SPENT_NOW, log.get(1)),
            spend(1, Y, 3, 4, Outcome.SPENT_NOW, log.get(0)));

    assertViolation(history, List.of(log), Kind.REALTIME_ORDER);
  }

  @Test
  void check_denialsOutOfRealTimeOrder_rejectedAsRealtimeOrder() {
    List<AuditLeaf> log = List.of(denial(Optional.empty(), 0), denial(Optional.of(X), 1));
    List<Op> history =
        List.of(
            audit(0, Optional.of(X), 1, 2, log.get(1)),
            audit(1, Optional.empty(), 3, 4, log.get(0)));

    assertViolation(history, List.of(log), Kind.REALTIME_ORDER);
  }

  @Test
  void check_replicasDiffer_rejectedAsReplicaDivergence() {
    List<AuditLeaf> leader = List.of(allow(X, 0), allow(Y, 1));
    List<AuditLeaf> lagging = List.of(allow(X, 0));
    List<AuditLeaf> forked = List.of(allow(X, 0), spentDeny(X, 1));
    List<Op> history =
        List.of(
            spend(0, X, 1, 2, Outcome.SPENT_NOW, leader.get(0)),
            spend(0, Y, 3, 4, Outcome.SPENT_NOW, leader.get(1)));

    assertViolation(history, List.of(leader, lagging), Kind.REPLICA_DIVERGENCE);
    assertViolation(history, List.of(leader, forked), Kind.REPLICA_DIVERGENCE);
  }

  @Test
  void check_unreadableLeaf_rejectedAsMalformedLeaf() {
    AuditLeaf garbage = new AuditLeaf(0, "{\"index\":0}".getBytes(UTF_8));
    List<Op> history = List.of(spend(0, X, 1, 2, Outcome.SPENT_NOW, garbage));

    assertViolation(history, List.of(List.of(garbage)), Kind.MALFORMED_LEAF);
  }

  @Test
  void op_returnsBeforeInvokedOrReplyOfOtherCall_refused() {
    assertThatThrownBy(() -> new Op(0, new Authorize(id(X)), 5, 5, new Failed("timeout")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Op(0, new Authorize(id(X)), 1, 2, new Audited(allow(X, 0))))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static void assertViolation(List<Op> history, List<List<AuditLeaf>> logs, Kind kind) {
    assertThatThrownBy(() -> LinearizabilityChecker.check(history, logs))
        .isInstanceOfSatisfying(Violation.class, v -> assertThat(v.kind()).isEqualTo(kind));
  }

  private static Op spend(
      int client, int writ, long invoked, long returned, Outcome outcome, AuditLeaf leaf) {
    return new Op(
        client, new Authorize(id(writ)), invoked, returned, new Authorized(outcome, leaf));
  }

  private static Op failedSpend(int client, int writ, long invoked) {
    return new Op(client, new Authorize(id(writ)), invoked, invoked + 1, new Failed("timeout"));
  }

  private static Op audit(
      int client, Optional<Integer> writ, long invoked, long returned, AuditLeaf leaf) {
    return new Op(
        client,
        new AuditDenial(writ.map(Fixtures::id), Reason.EXPIRED),
        invoked,
        returned,
        new Audited(leaf));
  }

  private static AuditLeaf allow(int writ, long index) {
    return authorizeLeaf(writ, true, index);
  }

  private static AuditLeaf spentDeny(int writ, long index) {
    return authorizeLeaf(writ, false, index);
  }

  private static AuditLeaf authorizeLeaf(int writ, boolean allowed, long index) {
    StateCommand.Authorize c = new StateCommand.Authorize(id(writ), Capability.DEPLOY, HASH, 10, 5);
    return new AuditLeaf(index, DecisionRecords.leaf(c, allowed, index));
  }

  private static AuditLeaf denial(Optional<Integer> writ, long index) {
    StateCommand.Deny d =
        new StateCommand.Deny(writ.map(Fixtures::id), HASH, Optional.empty(), Reason.EXPIRED, 5);
    return new AuditLeaf(index, DecisionRecords.leaf(d, false, index));
  }
}
