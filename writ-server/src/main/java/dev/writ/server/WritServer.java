package dev.writ.server;

import dev.writ.core.SpendLedger;
import dev.writ.core.TrustRoot;
import dev.writ.core.content.ContentStore;
import dev.writ.identity.svid.SpiffeCa;
import dev.writ.identity.svid.TrustDomain;
import dev.writ.log.LogKeyFile;
import dev.writ.log.LogKeySigner;
import dev.writ.state.AuditLogReader;
import dev.writ.state.NodeRegistryClient;
import dev.writ.state.PeerTls;
import dev.writ.state.RatisSpendLedger;
import dev.writ.state.RegistryView;
import dev.writ.state.StateCluster;
import dev.writ.state.WorkClient;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The Writ authority over HTTP/1.1 on one TLS 1.3 listener (docs/spec/api.md section 1): verifies
 * writs against a pinned {@link TrustRoot}, spends and audits them in a {@link StateCluster} peer
 * whose data lives in a directory, enrolls and renews nodes, and answers with canonical JSON. There
 * is no plaintext listener: clients authenticate the server by the trust bundle ({@link
 * #bundleFile()}) and its SPIFFE ID, nodes present their SVIDs. Raft traffic between peers is not
 * part of this listener (it is plaintext gRPC on the peers' own addresses).
 *
 * <p>Restarting on the same data directory keeps every spent id spent. Not thread-safe for start
 * and close; request handling is.
 */
public final class WritServer implements AutoCloseable {
  /** How long a request waits for the ledger to commit before it is answered 503. */
  static final Duration LEDGER_TIMEOUT = Duration.ofSeconds(10);

  /** A connection without bytes for this long is closed (docs/spec/api.md section 6). */
  static final Duration IDLE_TIMEOUT = Duration.ofSeconds(30);

  /**
   * HTTP worker threads: each request to the ledger blocks one while its command commits, so group
   * commit needs many in flight; virtual threads would serve too but pin on Ratis's locks.
   */
  static final int MAX_THREADS = 256;

  private final StateCluster cluster;
  private final RatisSpendLedger ledger;
  private final Server http;
  private final ServerConnector connector;
  private final HandshakeAudit handshakes;
  private final Path bundleFile;
  private final String vkey;

  private WritServer(
      StateCluster cluster,
      RatisSpendLedger ledger,
      Server http,
      ServerConnector connector,
      HandshakeAudit handshakes,
      Path bundleFile,
      String vkey) {
    this.cluster = cluster;
    this.ledger = ledger;
    this.http = http;
    this.connector = connector;
    this.handshakes = handshakes;
    this.bundleFile = bundleFile;
    this.vkey = vkey;
  }

  /** How long an SVID issued at enrollment or renewal is valid (DESIGN.md section 5). */
  static final Duration SVID_TTL = Duration.ofHours(1);

  /** The content store's folder in the data directory (docs/spec/content.md section 3). */
  public static final String CONTENT_DIR = "content";

  /** The trust bundle's file name in the CA directory, for agents and clients to pin. */
  public static final String BUNDLE_FILE = "bundle.pem";

  /** This peer's applied audit log, for tests in this package. */
  AuditLogReader auditLog() {
    return cluster.auditLog();
  }

  /** This peer's replica of the node registry. */
  public RegistryView registry() {
    return cluster.registry();
  }

  /** The trust bundle file (PEM of the SPIFFE CA) this server wrote. */
  public Path bundleFile() {
    return bundleFile;
  }

  /**
   * Revokes an SVID serial (lowercase hex) in the replicated registry; the containment issue adds
   * the writ that drives it.
   */
  public void revoke(String serialHex) throws IOException {
    try {
      new NodeRegistryClient(ledger).revoke(serialHex);
    } catch (SpendLedger.SpendLedgerException | NodeRegistryClient.RefusedException e) {
      throw new IOException("revocation not committed: " + e.getMessage(), e);
    }
  }

  /**
   * Starts the embedded single peer under {@code dataDir} with every default of {@link
   * ServerConfig#embedded} and the TLS listener on 127.0.0.1:{@code port} (0 picks a free one).
   */
  public static WritServer start(int port, TrustRoot root, Path dataDir, Clock clock)
      throws IOException {
    return start(ServerConfig.embedded(port, root, dataDir, clock));
  }

  /**
   * Starts the state peer (new or existing data), loads or creates the log key and the SPIFFE CA,
   * writes the trust bundle, and starts the TLS listener.
   *
   * @throws IOException if any part cannot start; whatever started is stopped again
   */
  public static WritServer start(ServerConfig config) throws IOException {
    LogKeySigner logKey =
        LogKeyFile.loadOrCreate(config.logKeyFile(), config.origin(), new SecureRandom());
    // the CA and the server certificate first: a bad listen address fails before the peer starts
    SecureRandom random = new SecureRandom();
    SpiffeCa ca =
        SpiffeCa.loadOrCreate(
            config.caDir(),
            new TrustDomain(config.root().contents().trustDomain()),
            config.clock(),
            random);
    Path bundleFile = config.caDir().resolve(BUNDLE_FILE);
    ca.bundle().write(bundleFile); // peers sharing the CA folder write the same bytes
    ServerTls tls = ServerTls.create(ca, config, random);
    // the content store too: a data directory it cannot use fails the start before the peer runs
    ContentStore content = ContentStore.open(config.dataDir().resolve(CONTENT_DIR));
    // Raft links between peers, and the Raft port itself, are mutual TLS with peer certificates
    String trustDomain = config.root().contents().trustDomain();
    StateCluster cluster;
    if (config.peers().isEmpty()) {
      PeerTls peerTls =
          tls.peerTls(
              trustDomain, StateCluster.EMBEDDED_PEER_ID, StateCluster.LOOPBACK, config.clock());
      cluster = StateCluster.startEmbedded(config.dataDir(), peerTls);
    } else {
      String localId = config.localId().orElseThrow();
      String raftHost =
          config.peers().stream()
              .filter(p -> p.id().equals(localId))
              .findFirst()
              .map(StateCluster.PeerAddress::host)
              .orElseThrow(
                  () -> new IllegalArgumentException("peer " + localId + " is not in the group"));
      PeerTls peerTls = tls.peerTls(trustDomain, localId, raftHost, config.clock());
      cluster = StateCluster.startMember(config.peers(), localId, config.dataDir(), peerTls);
    }
    RatisSpendLedger ledger = cluster.newSpendLedger(config.clock(), LEDGER_TIMEOUT);
    AuditLogReader log = cluster.auditLog();
    CheckpointSigner checkpoints = new CheckpointSigner(log, logKey);
    ServerMetrics metrics = new ServerMetrics(log::size);
    Authority authority =
        new Authority(
            config.root(),
            ledger,
            new ReceiptIssuer(log, checkpoints, LEDGER_TIMEOUT),
            metrics,
            config.clock(),
            cluster.registry(),
            cluster.work(),
            new WorkClient(ledger));
    Limiter limiter =
        new Limiter(config.rate(), config.burst(), config.maxInFlight(), System::nanoTime);
    Routes.Status status =
        new Routes.Status() {
          @Override
          public String peer() {
            return cluster.localPeerId();
          }

          @Override
          public String role() {
            return cluster.localRole();
          }

          @Override
          public long applied() {
            return cluster.localAppliedIndex();
          }
        };
    HandshakeAudit handshakes = new HandshakeAudit(ledger, metrics);
    EnrollAudit enrollAudit =
        new EnrollAudit(ledger, new ReceiptIssuer(log, checkpoints, LEDGER_TIMEOUT), metrics);
    Challenges challenges = new Challenges(config.clock(), random);
    NodePeerCheck peerCheck = new NodePeerCheck(cluster.registry(), config.clock());
    Enrollment enrollment =
        new Enrollment(
            config.root(),
            cluster.registry(),
            new NodeRegistryClient(ledger),
            enrollAudit,
            challenges,
            ca,
            SVID_TTL,
            config.clock());
    Renewal renewal =
        new Renewal(
            new NodeAuth(ca::bundle, peerCheck, config.clock()),
            cluster.registry(),
            new NodeRegistryClient(ledger),
            enrollAudit,
            challenges,
            new EvidenceChecker(config.root()),
            ca,
            SVID_TTL,
            config.clock());
    Server http = new Server(threadPool());
    ServerConnector connector = tls.connector(http, peerCheck, handshakes, config.clock());
    connector.setHost(config.listenHost());
    connector.setPort(config.listenPort());
    connector.setIdleTimeout(IDLE_TIMEOUT.toMillis());
    http.addConnector(connector);
    http.setHandler(
        new Routes(
            enrollment,
            renewal,
            enrollAudit,
            ca.bundle().format(),
            authority,
            checkpoints,
            log,
            metrics,
            limiter,
            status,
            new ContentRoutes(content, limiter, metrics),
            new WorkRoutes(
                config.root(),
                cluster.registry(),
                cluster.work(),
                new WorkClient(ledger),
                new NodeAuth(ca::bundle, peerCheck, config.clock()),
                new ReceiptIssuer(log, checkpoints, LEDGER_TIMEOUT),
                checkpoints,
                log,
                limiter,
                config.clock(),
                random,
                WorkRoutes.PING)));
    WritServer server =
        new WritServer(
            cluster, ledger, http, connector, handshakes, bundleFile, checkpoints.vkey());
    try {
      http.start();
    } catch (Exception e) { // Jetty's start() declares Exception
      IOException failure =
          new IOException(
              "TLS listener did not start on "
                  + config.listenHost()
                  + ":"
                  + config.listenPort()
                  + ": "
                  + e.getMessage(),
              e);
      try {
        server.close();
      } catch (IOException suppressed) {
        failure.addSuppressed(suppressed);
      }
      throw failure;
    }
    return server;
  }

  private static QueuedThreadPool threadPool() {
    QueuedThreadPool pool = new QueuedThreadPool(MAX_THREADS);
    pool.setName("writ-http");
    return pool;
  }

  /** The log's verifier key in signed-note form. */
  public String logKey() {
    return vkey;
  }

  /** The address the TLS listener is bound to, as configured. */
  public String host() {
    return connector.getHost();
  }

  /** The TLS listener's bound port. */
  public int port() {
    return connector.getLocalPort();
  }

  /** The TLS listener's base URL, {@code https://HOST:PORT} (an IPv6 address in brackets). */
  public URI uri() {
    String host = host();
    return URI.create(
        "https://" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port());
  }

  /** Stops the listener first, so no request reaches a closed ledger, then the ledger and peer. */
  @Override
  public void close() throws IOException {
    IOException failure = null;
    try {
      http.stop();
    } catch (Exception e) { // Jetty's stop() declares Exception
      failure = new IOException("TLS listener did not stop", e);
    }
    handshakes.close();
    failure = closeQuietly(ledger, failure);
    failure = closeQuietly(cluster, failure);
    if (failure != null) {
      throw failure;
    }
  }

  private static IOException closeQuietly(AutoCloseable c, IOException failure) {
    try {
      c.close();
      return failure;
    } catch (Exception e) { // RatisSpendLedger and StateCluster throw IOException only
      IOException f =
          failure == null ? new IOException("state peer did not stop cleanly") : failure;
      f.addSuppressed(e);
      return f;
    }
  }
}
