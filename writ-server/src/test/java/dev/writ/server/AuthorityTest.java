package dev.writ.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.writ.core.Capability;
import dev.writ.core.TestFleet;
import dev.writ.core.json.CanonicalJson;
import dev.writ.log.LogKeySigner;
import dev.writ.state.AuditLogReader;
import dev.writ.state.RatisSpendLedger;
import dev.writ.state.StateCluster;
import dev.writ.state.WorkClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AuthorityTest {
  private static final TestFleet FLEET = TestFleet.standard();
  private static final Clock CLOCK = Clock.fixed(TestFleet.NOW, ZoneOffset.UTC);

  @TempDir Path dir;

  private static Authority authority(StateCluster cluster, RatisSpendLedger ledger) {
    AuditLogReader log = cluster.auditLog();
    CheckpointSigner checkpoints =
        new CheckpointSigner(log, LogKeySigner.generate("test/log", new SecureRandom()));
    return new Authority(
        FLEET.root(),
        ledger,
        new ReceiptIssuer(log, checkpoints, Duration.ofSeconds(2)),
        new ServerMetrics(log::size),
        CLOCK,
        cluster.registry(),
        cluster.work(),
        new WorkClient(ledger));
  }

  @Test
  void decide_ledgerDown_isServiceUnavailableNeverAllow() throws Exception {
    byte[] writ = TestFleet.sign(FLEET.writ(Capability.REPLICATE).build(), TestFleet.ALICE);
    StateCluster cluster = StateCluster.startEmbedded(dir);
    cluster.close();
    try (RatisSpendLedger ledger = cluster.newSpendLedger(CLOCK, Duration.ofSeconds(2))) {
      Reply reply = authority(cluster, ledger).decide(writ);

      assertThat(reply.status()).isEqualTo(Reply.SERVICE_UNAVAILABLE);
      assertThat(new String(CanonicalJson.write(reply.body()), StandardCharsets.UTF_8))
          .isEqualTo("{\"decision\":\"deny\",\"reason\":\"LEDGER_UNAVAILABLE\"}");
    }
  }

  @Test
  void decide_garbageWithLedgerDown_cannotAuditSoIsServiceUnavailable() throws Exception {
    StateCluster cluster = StateCluster.startEmbedded(dir);
    cluster.close();
    try (RatisSpendLedger ledger = cluster.newSpendLedger(CLOCK, Duration.ofSeconds(2))) {
      Reply reply = authority(cluster, ledger).decide("x".getBytes(StandardCharsets.US_ASCII));

      assertThat(reply.status()).isEqualTo(Reply.SERVICE_UNAVAILABLE);
    }
  }
}
