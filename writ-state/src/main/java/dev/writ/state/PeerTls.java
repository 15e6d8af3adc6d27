package dev.writ.state;

import java.util.Objects;
import javax.net.ssl.KeyManager;
import javax.net.ssl.TrustManager;

/**
 * The mutual TLS credentials of one state peer's Raft links: the key manager presents this peer's
 * certificate, the trust manager decides which other ends are peers. The same pair serves the
 * peer's gRPC server (client certificates required) and every client it opens (its ledger,
 * snapshots, replication to the other peers). The trust manager must check both client and server
 * certificates and do its own peer identification: the links do no host-name verification of their
 * own beyond what it does. Immutable; thread-safe if the managers are.
 *
 * @param keyManager presents this peer's certificate and key
 * @param trustManager accepts or refuses the other end's certificate, client or server side
 */
public record PeerTls(KeyManager keyManager, TrustManager trustManager) {
  public PeerTls {
    Objects.requireNonNull(keyManager, "keyManager");
    Objects.requireNonNull(trustManager, "trustManager");
  }
}
