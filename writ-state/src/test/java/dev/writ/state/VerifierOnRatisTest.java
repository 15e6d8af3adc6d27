package dev.writ.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.writ.core.Capability;
import dev.writ.core.Decision;
import dev.writ.core.Reason;
import dev.writ.core.SpendLedger;
import dev.writ.core.TestFleet;
import dev.writ.core.Verifier;
import dev.writ.core.WritPayload;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VerifierOnRatisTest {
  private static final TestFleet FLEET = TestFleet.standard();

  @TempDir Path dir;

  @Test
  void verify_sameWritTwice_allowsThenDeniesWithSpent() throws Exception {
    WritPayload writ = FLEET.writ(Capability.DEPLOY).build();
    byte[] env = TestFleet.sign(writ, TestFleet.ALICE);
    try (StateCluster c = StateCluster.startEmbedded(dir);
        RatisSpendLedger ledger = c.newSpendLedger(Fixtures.CLOCK, Fixtures.TIMEOUT)) {
      Verifier verifier = FLEET.verifier(ledger);
      assertThat(verifier.verify(env, TestFleet.nodeContext())).isInstanceOf(Decision.Allow.class);
      assertThat(verifier.verify(env, TestFleet.nodeContext()))
          .isInstanceOfSatisfying(
              Decision.Deny.class, d -> assertThat(d.reason()).isEqualTo(Reason.SPENT));
      assertThat(c.stateMachine(0).isSpent(writ.id())).isTrue();
    }
  }

  @Test
  void verify_clusterStopped_failsClosedWithSpendLedgerException() throws Exception {
    WritPayload writ = FLEET.writ(Capability.DEPLOY).build();
    byte[] env = TestFleet.sign(writ, TestFleet.ALICE);
    StateCluster c = StateCluster.startEmbedded(dir);
    c.close();
    try (RatisSpendLedger ledger = c.newSpendLedger(Fixtures.CLOCK, Duration.ofSeconds(2))) {
      Verifier verifier = FLEET.verifier(ledger);
      assertThatThrownBy(() -> verifier.verify(env, TestFleet.nodeContext()))
          .isInstanceOf(SpendLedger.SpendLedgerException.class);
    }
  }
}
