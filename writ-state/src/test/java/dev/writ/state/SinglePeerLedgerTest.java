package dev.writ.state;

import static dev.writ.state.Fixtures.CLOCK;
import static dev.writ.state.Fixtures.TIMEOUT;
import static dev.writ.state.Fixtures.id;
import static dev.writ.state.Fixtures.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.writ.core.SpendLedger.Outcome;
import dev.writ.core.SpendLedger.SpendLedgerException;
import dev.writ.core.WritId;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SinglePeerLedgerTest {
  @TempDir Path dir;

  @Test
  void spend_twice_spentNowThenAlreadySpent() throws Exception {
    try (StateCluster c = StateCluster.startEmbedded(dir);
        RatisSpendLedger ledger = c.newSpendLedger(CLOCK, TIMEOUT)) {
      assertThat(ledger.spend(request(id(1)))).isEqualTo(Outcome.SPENT_NOW);
      assertThat(ledger.spend(request(id(1)))).isEqualTo(Outcome.ALREADY_SPENT);
      assertThat(ledger.spend(request(id(2)))).isEqualTo(Outcome.SPENT_NOW);
    }
  }

  @Test
  void spend_afterRestartFromSameDir_alreadySpent() throws Exception {
    List<StateCluster.PeerSpec> peers;
    try (StateCluster c = StateCluster.startEmbedded(dir);
        RatisSpendLedger ledger = c.newSpendLedger(CLOCK, TIMEOUT)) {
      assertThat(ledger.spend(request(id(1)))).isEqualTo(Outcome.SPENT_NOW);
      peers = c.peers();
    }
    try (StateCluster c = StateCluster.start(peers);
        RatisSpendLedger ledger = c.newSpendLedger(CLOCK, TIMEOUT)) {
      assertThat(ledger.spend(request(id(1)))).isEqualTo(Outcome.ALREADY_SPENT);
    }
  }

  @Test
  void spend_afterSnapshotAndRestart_alreadySpent() throws Exception {
    List<StateCluster.PeerSpec> peers;
    long snapshotIndex;
    try (StateCluster c = StateCluster.startEmbedded(dir);
        RatisSpendLedger ledger = c.newSpendLedger(CLOCK, TIMEOUT)) {
      assertThat(ledger.spend(request(id(1)))).isEqualTo(Outcome.SPENT_NOW);
      snapshotIndex = c.snapshot(TIMEOUT);
      assertThat(snapshotIndex).isPositive();
      peers = c.peers();
    }
    try (StateCluster c = StateCluster.start(peers);
        RatisSpendLedger ledger = c.newSpendLedger(CLOCK, TIMEOUT)) {
      // loaded from the snapshot: Ratis replays only entries after its index
      assertThat(c.stateMachine(0).getLatestSnapshot().getIndex()).isEqualTo(snapshotIndex);
      assertThat(c.stateMachine(0).isSpent(id(1))).isTrue();
      assertThat(ledger.spend(request(id(1)))).isEqualTo(Outcome.ALREADY_SPENT);
    }
  }

  @Test
  void submit_unknownOp_refusedAndStateUnchanged() throws Exception {
    try (StateCluster c = StateCluster.startEmbedded(dir);
        RatisSpendLedger ledger = c.newSpendLedger(CLOCK, TIMEOUT)) {
      assertThat(ledger.spend(request(id(1)))).isEqualTo(Outcome.SPENT_NOW);
      WritId other = id(2);
      int leaves = c.stateMachine(0).leaves().size();
      byte[] unknown =
          ("{\"at\":1,\"id\":\"" + other.hex() + "\",\"op\":\"unspend\",\"v\":1}")
              .getBytes(StandardCharsets.UTF_8);
      // refused on the leader before it reaches the Raft log: nothing is appended or applied
      assertThatThrownBy(() -> ledger.submit(unknown))
          .isInstanceOf(SpendLedgerException.class)
          .cause()
          .hasMessageContaining("unknown_op");
      // (the applied index is no witness: Ratis appends metadata entries of its own)
      assertThat(c.stateMachine(0).leaves()).hasSize(leaves);
      assertThat(c.stateMachine(0).noteCount()).isEqualTo(1);
      assertThat(ledger.spend(request(id(1)))).isEqualTo(Outcome.ALREADY_SPENT);
    }
  }
}
