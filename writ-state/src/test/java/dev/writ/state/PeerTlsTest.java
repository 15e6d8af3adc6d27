package dev.writ.state;

import static dev.writ.state.Fixtures.CLOCK;
import static dev.writ.state.Fixtures.NOW;
import static dev.writ.state.Fixtures.TIMEOUT;
import static dev.writ.state.Fixtures.id;
import static dev.writ.state.Fixtures.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.writ.core.Reason;
import dev.writ.core.SpendLedger.Outcome;
import dev.writ.core.SpiffeId;
import dev.writ.identity.svid.SpiffeCa;
import dev.writ.identity.svid.SvidException;
import dev.writ.identity.svid.TrustDomain;
import dev.writ.identity.tls.PeerRefusal;
import dev.writ.identity.tls.Refusal;
import dev.writ.identity.tls.SvidKeyManager;
import dev.writ.identity.tls.SvidPeerTrustManager;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Raft links over mutual TLS 1.3 with SPIFFE peer certificates: a three-peer group commits and
 * snapshots, and the Raft port refuses a client presenting a node SVID, the client-facing server
 * certificate, or no certificate at all, so such a client cannot submit a state-machine command.
 */
class PeerTlsTest {
  private static final String TD = "example.org";
  private static final Clock CA_CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

  @TempDir Path dir;
  @TempDir Path caDir;

  private final SecureRandom random = new SecureRandom();
  private final List<Refusal> refusals = new CopyOnWriteArrayList<>();

  private SpiffeCa ca() throws IOException {
    return SpiffeCa.loadOrCreate(caDir, new TrustDomain(TD), CA_CLOCK, random);
  }

  private PeerTls tls(SpiffeCa ca, SpiffeId id) throws SvidException {
    return new PeerTls(
        SvidKeyManager.of(
            ca.issueServerCredentials(
                id,
                List.of("localhost"),
                List.of(InetAddress.getLoopbackAddress()),
                Duration.ofHours(1),
                random)),
        new SvidPeerTrustManager(ca::bundle, CA_CLOCK, refusals::add));
  }

  private static byte[] denyCommand(int n) {
    return CommandCodec.encode(
        new StateCommand.Deny(
            Optional.of(id(n)),
            "00".repeat(32),
            Optional.empty(),
            Reason.MALFORMED,
            NOW.getEpochSecond()));
  }

  @Test
  void threePeers_overTls_commitAndSnapshot() throws Exception {
    SpiffeCa ca = ca();
    try (StateCluster c =
            StateCluster.startLocal(3, dir, tls(ca, SvidPeerTrustManager.peerId(TD, "p0")));
        RatisSpendLedger ledger = c.newSpendLedger(CLOCK, TIMEOUT)) {
      assertThat(ledger.spend(request(id(1)))).isEqualTo(Outcome.SPENT_NOW);
      assertThat(ledger.spend(request(id(1)))).isEqualTo(Outcome.ALREADY_SPENT);
      assertThat(c.snapshot(TIMEOUT)).isPositive();
    }
    assertThat(refusals).isEmpty();
  }

  @Test
  void client_withNodeSvid_cannotSubmit() throws Exception {
    SpiffeId node = new SpiffeId(TD, "/node/a");
    assertForeignRefused(ca -> Optional.of(tls(ca, node)));
    assertThat(refusals)
        .isNotEmpty()
        .allSatisfy(r -> assertThat(r.code()).isEqualTo(PeerRefusal.WRONG_PEER_ID))
        .allSatisfy(r -> assertThat(r.claimedId()).contains(node));
  }

  @Test
  void client_withServerCertificate_cannotSubmit() throws Exception {
    SpiffeId server = new SpiffeId(TD, "/writ/server");
    assertForeignRefused(ca -> Optional.of(tls(ca, server)));
    assertThat(refusals)
        .isNotEmpty()
        .allSatisfy(r -> assertThat(r.code()).isEqualTo(PeerRefusal.WRONG_PEER_ID))
        .allSatisfy(r -> assertThat(r.claimedId()).contains(server));
  }

  @Test
  void client_plaintext_cannotSubmit() throws Exception {
    assertForeignRefused(ca -> Optional.empty());
  }

  @FunctionalInterface
  private interface Credentials {
    Optional<PeerTls> of(SpiffeCa ca) throws SvidException;
  }

  /**
   * Starts a TLS peer, commits one command with the group's own client, then sends another through
   * a client presenting {@code foreign}: the send fails and nothing more is applied.
   */
  private void assertForeignRefused(Credentials foreign) throws Exception {
    SpiffeCa ca = ca();
    try (StateCluster c =
        StateCluster.startEmbedded(dir, tls(ca, SvidPeerTrustManager.peerId(TD, "p0")))) {
      long applied = committedOnce(c);
      try (RaftClient client = c.newForeignClient(foreign.of(ca))) {
        Message command = Message.valueOf(ByteString.copyFrom(denyCommand(2)));
        assertThatThrownBy(() -> client.io().send(command)).isInstanceOf(IOException.class);
      }
      assertThat(c.auditLog().size()).isEqualTo(applied);
    }
  }

  /**
   * The group's own client commits the command (the control); returns the audit log's size. The log
   * counts only state-machine commands; the applied index also counts Ratis's own entries (the new
   * leader's first entry), which may be applied later, so it is no witness.
   */
  private static long committedOnce(StateCluster c) throws IOException {
    try (RaftClient own = c.newClient()) {
      assertThat(own.io().send(Message.valueOf(ByteString.copyFrom(denyCommand(1)))).isSuccess())
          .isTrue();
    }
    return c.auditLog().size();
  }
}
