package dev.writ.server;

import dev.writ.core.TrustRoot;
import dev.writ.state.StateCluster.PeerAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * Everything {@link WritServer#start(ServerConfig)} needs; defaults are those of docs/spec/api.md
 * sections 5, 6 and 8. Immutable.
 *
 * @param listenHost the address the TLS 1.3 listener binds, exactly as given (a wildcard only if
 *     that is what is given)
 * @param listenPort its port; 0 picks a free one
 * @param caDir the SPIFFE CA's key and certificate; shared by every peer of a group
 * @param root the pinned trust root writs are verified against
 * @param dataDir where this peer's replicated state lives
 * @param logKeyFile the log key file; created on first start if missing
 * @param origin the log's origin, which is also the log key's name
 * @param peers the group when peers run in separate processes; empty for the embedded peer
 * @param localId this process's peer id in {@code peers}
 * @param rate requests per second admitted to {@code POST /v1/writs}
 * @param burst the token bucket's size
 * @param maxInFlight requests admitted to wait for the ledger at once
 * @param clock the verification time and the time recorded in audit leaves
 */
public record ServerConfig(
    String listenHost,
    int listenPort,
    Path caDir,
    TrustRoot root,
    Path dataDir,
    Path logKeyFile,
    String origin,
    List<PeerAddress> peers,
    Optional<String> localId,
    long rate,
    long burst,
    int maxInFlight,
    Clock clock) {
  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 7300;
  public static final String DEFAULT_ORIGIN = "writ.local/log";
  public static final long DEFAULT_RATE = 50_000;
  public static final long DEFAULT_BURST = 5_000;
  public static final int DEFAULT_MAX_IN_FLIGHT = 4_096;

  public ServerConfig {
    peers = List.copyOf(peers);
    if (listenHost.isBlank()) {
      throw new IllegalArgumentException("the listen address is empty");
    }
    if (listenPort < 0 || listenPort > 65535) {
      throw new IllegalArgumentException("listen port out of range: " + listenPort);
    }
    if (peers.isEmpty() != localId.isEmpty()) {
      throw new IllegalArgumentException("--peers and --id go together");
    }
    if (!peers.isEmpty() && peers.size() != 3 && peers.size() != 5) {
      throw new IllegalArgumentException("a group has 3 or 5 peers, got " + peers.size());
    }
    if (rate < 1 || burst < 1 || maxInFlight < 1) {
      throw new IllegalArgumentException("rate, burst and in-flight limit must be positive");
    }
  }

  /** The embedded single peer with every default, listening on {@code port}. */
  public static ServerConfig embedded(int port, TrustRoot root, Path dataDir, Clock clock) {
    return new ServerConfig(
        DEFAULT_HOST,
        port,
        dataDir.resolve("ca"),
        root,
        dataDir,
        dataDir.resolve("log.key"),
        DEFAULT_ORIGIN,
        List.of(),
        Optional.empty(),
        DEFAULT_RATE,
        DEFAULT_BURST,
        DEFAULT_MAX_IN_FLIGHT,
        clock);
  }

  /** This config with other request limits. */
  public ServerConfig withLimits(long newRate, long newBurst, int newMaxInFlight) {
    return new ServerConfig(
        listenHost,
        listenPort,
        caDir,
        root,
        dataDir,
        logKeyFile,
        origin,
        peers,
        localId,
        newRate,
        newBurst,
        newMaxInFlight,
        clock);
  }
}
