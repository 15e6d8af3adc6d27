package dev.writ.state;

import static dev.writ.state.Fixtures.CLOCK;
import static dev.writ.state.Fixtures.id;
import static dev.writ.state.Fixtures.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.writ.core.SpendLedger.Outcome;
import dev.writ.core.SpendLedger.SpendLedgerException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The in-process path: while this process's peer leads, spends go to it directly. Proven by giving
 * the ledger a client that can reach no peer at all.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LocalLeaderPathTest {
  @TempDir Path dir;

  @Test
  void localLeader_spendsAndAuditsWithoutTheNetworkClient() throws Exception {
    try (StateCluster c = StateCluster.startEmbedded(dir);
        RatisSpendLedger warm = c.newSpendLedger(CLOCK, Duration.ofSeconds(30))) {
      warm.spend(request(id(9))); // wait for the election through the normal path
      RaftServer server = c.serverForTest(0);
      try (RatisSpendLedger ledger =
          new RatisSpendLedger(
              unreachableClient(), Optional.of(server), CLOCK, Duration.ofSeconds(5))) {

        assertThat(ledger.authorize(request(id(1))).outcome()).isEqualTo(Outcome.SPENT_NOW);
        assertThat(ledger.authorize(request(id(1))).outcome()).isEqualTo(Outcome.ALREADY_SPENT);
        assertThat(c.stateMachine(0).isSpent(id(1))).isTrue();
        assertThat(c.stateMachine(0).leaves()).hasSize(3);
      }
    }
  }

  @Test
  void noLocalPeer_andNoReachablePeer_failsClosed() throws Exception {
    try (RatisSpendLedger ledger =
        new RatisSpendLedger(unreachableClient(), Optional.empty(), CLOCK, Duration.ofSeconds(2))) {
      assertThatThrownBy(() -> ledger.spend(request(id(1))))
          .isInstanceOf(SpendLedgerException.class);
    }
  }

  /** A client of the Writ group whose only peer listens nowhere (port 1 on loopback). */
  private static RaftClient unreachableClient() {
    RaftPeer nowhere =
        RaftPeer.newBuilder().setId(RaftPeerId.valueOf("p0")).setAddress("127.0.0.1:1").build();
    RaftProperties props = new RaftProperties();
    org.apache.ratis.RaftConfigKeys.Rpc.setType(props, org.apache.ratis.rpc.SupportedRpcType.GRPC);
    return RaftClient.newBuilder()
        .setProperties(props)
        .setRaftGroup(RaftGroup.valueOf(StateCluster.GROUP_ID, List.of(nowhere)))
        .build();
  }
}
