package dev.writ.state;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.grpc.GrpcTlsConfig;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.rpc.SupportedRpcType;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.util.TimeDuration;

/**
 * Starts and stops the peers of one Writ state group in this process: one peer on local disk (the
 * embedded default, DESIGN.md section 3) or N peers on 127.0.0.1 for high availability and tests.
 * Closing stops every peer; data directories stay, so the same {@link #peers()} start again.
 *
 * <p>Raft links (replication between peers and every client of the group) run mutual TLS when the
 * group is started with a {@link PeerTls}, and plaintext otherwise. The plaintext overloads exist
 * for this module's own tests only; the Writ server always passes TLS credentials.
 *
 * <p>Not thread-safe for start and close; clients and ledgers it hands out are.
 */
public final class StateCluster implements AutoCloseable {

  /** One peer: its id, loopback port and data directory. */
  public record PeerSpec(String id, int port, Path dataDir) {}

  /**
   * One member of a group whose peers run in separate processes: its id and its Raft address.
   *
   * @param host the address the peer binds and is reached at
   */
  public record PeerAddress(String id, String host, int port) {
    public PeerAddress {
      if (id.isEmpty() || !id.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '-')) {
        throw new IllegalArgumentException("peer id must be letters, digits or '-': " + id);
      }
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("peer port out of range: " + port);
      }
    }

    /** Parses {@code id=host:port}. */
    public static PeerAddress parse(String spec) {
      int eq = spec.indexOf('=');
      int colon = spec.lastIndexOf(':');
      if (eq <= 0 || colon < eq + 2 || colon == spec.length() - 1) {
        throw new IllegalArgumentException("peer must be id=host:port, got " + spec);
      }
      int port;
      try {
        port = Integer.parseInt(spec.substring(colon + 1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("peer port is not a number in " + spec, e);
      }
      return new PeerAddress(spec.substring(0, eq), spec.substring(eq + 1, colon), port);
    }
  }

  /** The one group id every Writ state group uses; a deployment runs one group. */
  static final RaftGroupId GROUP_ID =
      RaftGroupId.valueOf(
          UUID.nameUUIDFromBytes("dev.writ.state/v1".getBytes(StandardCharsets.US_ASCII)));

  private final List<PeerSpec> peers;
  private final RaftGroup group;
  private final List<RaftServer> servers = new ArrayList<>();
  private final List<WritStateMachine> machines = new ArrayList<>();
  private final Optional<PeerTls> tls;

  private StateCluster(List<PeerSpec> peers, List<PeerAddress> members, Optional<PeerTls> tls) {
    this.peers = List.copyOf(peers);
    this.tls = tls;
    List<RaftPeer> raftPeers = new ArrayList<>();
    for (PeerAddress p : members) {
      raftPeers.add(
          RaftPeer.newBuilder()
              .setId(RaftPeerId.valueOf(p.id()))
              .setAddress(p.host() + ":" + p.port())
              .build());
    }
    this.group = RaftGroup.valueOf(GROUP_ID, raftPeers);
  }

  private static List<PeerAddress> loopback(List<PeerSpec> specs) {
    return specs.stream().map(p -> new PeerAddress(p.id(), LOOPBACK, p.port())).toList();
  }

  /** The address every peer started in this process by {@link #start} binds and is reached at. */
  public static final String LOOPBACK = "127.0.0.1";

  /** The id of the embedded single peer ({@link #startEmbedded}). */
  public static final String EMBEDDED_PEER_ID = "p0";

  /** Log entries between automatic snapshots. */
  static final long SNAPSHOT_EVERY = 100_000;

  /**
   * Starts this process's member {@code localId} of the group {@code members} (3 or 5 peers, each
   * in its own process), with its data under {@code dataDir/<localId>} (new or existing), over
   * plaintext Raft links: for this module's tests only.
   */
  public static StateCluster startMember(List<PeerAddress> members, String localId, Path dataDir)
      throws IOException {
    return startMember(members, localId, dataDir, Optional.empty());
  }

  /**
   * Starts this process's member {@code localId} of the group {@code members} (3 or 5 peers, each
   * in its own process), with its data under {@code dataDir/<localId>} (new or existing); its Raft
   * links run mutual TLS with {@code tls}.
   */
  public static StateCluster startMember(
      List<PeerAddress> members, String localId, Path dataDir, PeerTls tls) throws IOException {
    return startMember(members, localId, dataDir, Optional.of(tls));
  }

  private static StateCluster startMember(
      List<PeerAddress> members, String localId, Path dataDir, Optional<PeerTls> tls)
      throws IOException {
    PeerAddress local =
        members.stream()
            .filter(p -> p.id().equals(localId))
            .findFirst()
            .orElseThrow(
                () -> new IllegalArgumentException("peer " + localId + " is not in the group"));
    if (members.stream().map(PeerAddress::id).distinct().count() != members.size()) {
      throw new IllegalArgumentException("peer ids must be distinct");
    }
    StateCluster c =
        new StateCluster(
            List.of(new PeerSpec(local.id(), local.port(), dataDir.resolve(local.id()))),
            members,
            tls);
    c.startAll(List.of(local.host()));
    return c;
  }

  /**
   * The embedded default: one peer whose data lives under {@code dataDir}, over plaintext Raft
   * links: for this module's tests only.
   */
  public static StateCluster startEmbedded(Path dataDir) throws IOException {
    return start(embeddedSpec(dataDir));
  }

  /**
   * The embedded default: one peer whose data lives under {@code dataDir}; its Raft port (its own
   * clients) runs mutual TLS with {@code tls}.
   */
  public static StateCluster startEmbedded(Path dataDir, PeerTls tls) throws IOException {
    return start(embeddedSpec(dataDir), tls);
  }

  private static List<PeerSpec> embeddedSpec(Path dataDir) {
    return List.of(new PeerSpec(EMBEDDED_PEER_ID, freePort(), dataDir.resolve(EMBEDDED_PEER_ID)));
  }

  /**
   * {@code n} peers on free loopback ports, data under {@code baseDir/p<i>}, over plaintext Raft
   * links: for this module's tests only.
   */
  public static StateCluster startLocal(int n, Path baseDir) throws IOException {
    return start(localSpecs(n, baseDir));
  }

  /**
   * {@code n} peers on free loopback ports, data under {@code baseDir/p<i>}, every Raft link mutual
   * TLS with {@code tls} (all peers present the same credentials).
   */
  public static StateCluster startLocal(int n, Path baseDir, PeerTls tls) throws IOException {
    return start(localSpecs(n, baseDir), tls);
  }

  private static List<PeerSpec> localSpecs(int n, Path baseDir) {
    if (n < 1) {
      throw new IllegalArgumentException("a group has at least one peer");
    }
    List<PeerSpec> specs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      specs.add(new PeerSpec("p" + i, freePort(), baseDir.resolve("p" + i)));
    }
    return specs;
  }

  /**
   * Starts {@code specs} (new or existing data directories) over plaintext Raft links, for this
   * module's tests only; on failure stops what started.
   */
  public static StateCluster start(List<PeerSpec> specs) throws IOException {
    return start(specs, Optional.empty());
  }

  /**
   * Starts {@code specs} (new or existing data directories), every Raft link mutual TLS with {@code
   * tls}; on failure stops what started.
   */
  public static StateCluster start(List<PeerSpec> specs, PeerTls tls) throws IOException {
    return start(specs, Optional.of(tls));
  }

  private static StateCluster start(List<PeerSpec> specs, Optional<PeerTls> tls)
      throws IOException {
    StateCluster c = new StateCluster(specs, loopback(specs), tls);
    c.startAll(specs.stream().map(p -> LOOPBACK).toList());
    return c;
  }

  private void startAll(List<String> bindHosts) throws IOException {
    StateCluster c = this;
    try {
      for (int i = 0; i < peers.size(); i++) {
        PeerSpec p = peers.get(i);
        WritStateMachine sm = new WritStateMachine();
        RaftServer server =
            RaftServer.newBuilder()
                .setServerId(RaftPeerId.valueOf(p.id()))
                .setGroup(c.group)
                .setStateMachine(sm)
                .setProperties(serverProperties(p, bindHosts.get(i)))
                .setParameters(parameters(tls))
                .setOption(RaftStorage.StartupOption.RECOVER)
                .build();
        c.servers.add(server);
        c.machines.add(sm);
        server.start();
      }
    } catch (IOException | RuntimeException e) {
      try {
        c.close();
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  private static RaftProperties serverProperties(PeerSpec p, String bindHost) {
    RaftProperties props = baseProperties();
    RaftServerConfigKeys.setStorageDir(props, List.of(p.dataDir().toFile()));
    GrpcConfigKeys.Server.setHost(props, bindHost);
    GrpcConfigKeys.Server.setPort(props, p.port());
    // a snapshot every SNAPSHOT_EVERY entries, and on request; the Raft log before it is purged,
    // so restart and follower catch-up replay at most that many entries (ADR 0009)
    RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(props, true);
    RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(props, SNAPSHOT_EVERY);
    RaftServerConfigKeys.Snapshot.setCreationGap(props, 1);
    RaftServerConfigKeys.Log.setPurgeUptoSnapshotIndex(props, true);
    // elections: Ratis's 150-300 ms default mistakes a GC or scheduling pause on a loaded 2-core
    // host for a dead leader (seen in the kill -9 tests: term 22 within a minute); 1-2 s costs
    // about a second more failover after a real crash and no safety
    RaftServerConfigKeys.Rpc.setTimeoutMin(props, TimeDuration.valueOf(1, TimeUnit.SECONDS));
    RaftServerConfigKeys.Rpc.setTimeoutMax(props, TimeDuration.valueOf(2, TimeUnit.SECONDS));
    return props;
  }

  private static RaftProperties baseProperties() {
    RaftProperties props = new RaftProperties();
    RaftConfigKeys.Rpc.setType(props, SupportedRpcType.GRPC);
    return props;
  }

  /**
   * The gRPC TLS settings of a peer and of its clients: one mutual-TLS configuration for the
   * server, the client and the admin channels, or none (plaintext).
   */
  private static Parameters parameters(Optional<PeerTls> tls) {
    Parameters p = new Parameters();
    tls.ifPresent(
        t -> {
          GrpcTlsConfig conf = new GrpcTlsConfig(t.keyManager(), t.trustManager(), true);
          GrpcConfigKeys.Server.setTlsConf(p, conf);
          GrpcConfigKeys.Client.setTlsConf(p, conf);
          GrpcConfigKeys.Admin.setTlsConf(p, conf);
        });
    return p;
  }

  /** The peers, to start the same group again after {@link #close()}. */
  public List<PeerSpec> peers() {
    return peers;
  }

  /** A new client of this group; the caller closes it. */
  public RaftClient newClient() {
    return RaftClient.newBuilder()
        .setProperties(baseProperties())
        .setParameters(parameters(tls))
        .setRaftGroup(group)
        .build();
  }

  /**
   * A new client of this group that presents {@code other} (empty: plaintext) instead of the
   * group's own credentials and never retries, to check that the peers refuse anything but a peer;
   * the caller closes it.
   */
  public RaftClient newForeignClient(Optional<PeerTls> other) {
    return RaftClient.newBuilder()
        .setProperties(baseProperties())
        .setParameters(parameters(other))
        .setRetryPolicy(RetryPolicies.noRetry())
        .setRaftGroup(group)
        .build();
  }

  /** A spend ledger on a new client; closing the ledger closes the client. */
  public RatisSpendLedger newSpendLedger(InstantSource clock, Duration timeout) {
    Optional<RaftServer> local = servers.isEmpty() ? Optional.empty() : Optional.of(servers.get(0));
    return new RatisSpendLedger(newClient(), local, clock, timeout);
  }

  /**
   * Asks the leader to take a snapshot now and returns its log index.
   *
   * @throws IOException if no snapshot was taken
   */
  public long snapshot(Duration timeout) throws IOException {
    try (RaftClient client = newClient()) {
      RaftClientReply reply = client.getSnapshotManagementApi().create(timeout.toMillis());
      if (!reply.isSuccess()) {
        throw new IOException("snapshot failed", reply.getException());
      }
      return reply.getLogIndex();
    }
  }

  /** The audit log as this process's first (or only) peer has applied it. */
  public AuditLogReader auditLog() {
    return new ReplicaAuditLog(machines.get(0));
  }

  /** The node registry as this process's first (or only) peer has applied it. */
  public RegistryView registry() {
    return machines.get(0);
  }

  /** The work registry as this process's first (or only) peer has applied it. */
  public WorkView work() {
    return machines.get(0);
  }

  /** This process's first (or only) peer's id. */
  public String localPeerId() {
    return peers.get(0).id();
  }

  /**
   * The Raft role of this process's first (or only) peer: {@code leader}, {@code follower}, {@code
   * candidate} or {@code unknown} (not started, stopped, or any other state).
   */
  public String localRole() {
    if (servers.isEmpty()) {
      return "unknown";
    }
    try {
      return switch (servers.get(0).getDivision(GROUP_ID).getInfo().getCurrentRole()) {
        case LEADER -> "leader";
        case FOLLOWER -> "follower";
        case CANDIDATE -> "candidate";
        case LISTENER, UNRECOGNIZED -> "unknown";
      };
    } catch (IOException e) {
      return "unknown";
    }
  }

  /** The last log index this process's first peer applied, or -1 if unknown. */
  public long localAppliedIndex() {
    if (servers.isEmpty()) {
      return -1;
    }
    try {
      return servers.get(0).getDivision(GROUP_ID).getInfo().getLastAppliedIndex();
    } catch (IOException e) {
      return -1;
    }
  }

  /** The Raft server of peer {@code i}, for tests in this package. */
  RaftServer serverForTest(int i) {
    return servers.get(i);
  }

  /** The state machine of peer {@code i}, for tests in this package. */
  WritStateMachine stateMachine(int i) {
    return machines.get(i);
  }

  @Override
  public void close() throws IOException {
    IOException failure = null;
    for (RaftServer s : servers) {
      try {
        s.close();
      } catch (IOException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    servers.clear();
    if (failure != null) {
      throw failure;
    }
  }

  /**
   * A loopback port free at the time of the call. Another process may take it before the peer
   * binds; the peer then fails to start rather than share it.
   */
  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free loopback port", e);
    }
  }
}
