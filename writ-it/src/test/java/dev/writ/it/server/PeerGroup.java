package dev.writ.it.server;

import dev.writ.core.TestFleet;
import dev.writ.core.json.JsonValue;
import dev.writ.identity.svid.SvidException;
import dev.writ.identity.svid.TrustBundle;
import dev.writ.identity.svid.TrustDomain;
import dev.writ.log.Checkpoint;
import dev.writ.log.LogVerificationException;
import dev.writ.log.NoteVerifierKey;
import dev.writ.log.SignedNotes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The writ server processes of one test: one embedded peer, or a group of three where each peer is
 * its own process with its own TLS and Raft port, all sharing one data directory (peer X under
 * {@code DIR/X}), one log key file and one SPIFFE CA directory, so every peer prints the same log
 * key and the same trust bundle. Ports are fixed for the group's life, so a killed peer comes back
 * where the others expect it. Knows which peers are up, to spread client posts over them, and makes
 * TLS clients that trust the group's bundle.
 *
 * <p>Start, kill and restart are for the test thread; {@link #pick} and {@link #isUp} for any.
 */
final class PeerGroup implements AutoCloseable {
  private static final Duration POLL = Duration.ofMillis(100);

  private final Children children;
  private final Path dataDir;
  private final Path root;
  private final Path logKey;
  private final Path caDir;
  private final Map<String, Integer> httpPorts = new LinkedHashMap<>();
  private final Map<String, Integer> raftPorts = new LinkedHashMap<>();
  private final Map<String, ServerProcess> running = new ConcurrentHashMap<>();
  private final Map<String, Boolean> up = new ConcurrentHashMap<>();
  private final AtomicInteger turn = new AtomicInteger();
  private volatile TrustBundle bundle;
  private WritClient client;
  private String vkey;

  private PeerGroup(Children children, Path dataDir, Path root, int peers) {
    this.children = children;
    this.dataDir = dataDir;
    this.root = root;
    this.logKey = dataDir.resolve("log.key");
    this.caDir = dataDir.resolve("ca");
    for (int i = 0; i < peers; i++) {
      httpPorts.put("p" + i, freePort());
      if (peers > 1) {
        raftPorts.put("p" + i, freePort());
      }
    }
  }

  /** One embedded peer (no {@code --peers}). */
  static PeerGroup single(Children children, Path dataDir, Path root) {
    return new PeerGroup(children, dataDir, root, 1);
  }

  /** Three peers, each its own process. */
  static PeerGroup three(Children children, Path dataDir, Path root) {
    return new PeerGroup(children, dataDir, root, 3);
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free loopback port", e);
    }
  }

  List<String> ids() {
    return List.copyOf(httpPorts.keySet());
  }

  URI base(String id) {
    return URI.create("https://127.0.0.1:" + httpPorts.get(id));
  }

  private List<String> args(String id) {
    List<String> a = new ArrayList<>();
    a.addAll(List.of("--data", dataDir.toString(), "--root", root.toString()));
    a.addAll(List.of("--listen", "127.0.0.1:" + httpPorts.get(id)));
    a.addAll(List.of("--log-key", logKey.toString()));
    a.addAll(List.of("--ca", caDir.toString()));
    if (!raftPorts.isEmpty()) {
      List<String> peers = new ArrayList<>();
      raftPorts.forEach((p, port) -> peers.add(p + "=127.0.0.1:" + port));
      a.addAll(List.of("--peers", String.join(",", peers), "--id", id));
    }
    return a;
  }

  /**
   * Launches every peer at once (so they race to create the log key file and the CA) and waits
   * until each is ready; all must print the same log key and the same bundle.
   */
  void startAll() throws IOException, InterruptedException {
    Map<String, ServerProcess> launched = new LinkedHashMap<>();
    for (String id : ids()) {
      launched.put(id, children.launch(id, args(id)));
    }
    for (Map.Entry<String, ServerProcess> e : launched.entrySet()) {
      ready(e.getKey(), e.getValue());
    }
  }

  private void ready(String id, ServerProcess p) throws IOException, InterruptedException {
    ServerProcess.Ready r = p.awaitReady(Children.READY_TIMEOUT);
    if (!r.peer().equals(id) || !r.base().equals(base(id))) {
      throw new AssertionError(p.name() + " printed " + r + ", expected peer " + id);
    }
    if (vkey == null) {
      vkey = r.vkey();
    } else if (!vkey.equals(r.vkey())) {
      throw new AssertionError(p.name() + " prints log key " + r.vkey() + ", not " + vkey);
    }
    if (!r.bundle().equals(caDir.resolve("bundle.pem"))) {
      throw new AssertionError(p.name() + " prints bundle " + r.bundle() + ", not in " + caDir);
    }
    TrustBundle printed = readBundle(r.bundle());
    if (bundle == null) {
      bundle = printed;
      client = new WritClient(printed);
    } else if (!bundle.authorities().equals(printed.authorities())) {
      throw new AssertionError(p.name() + " serves another CA than the group's: " + printed);
    }
    running.put(id, p);
    up.put(id, true);
  }

  private static TrustBundle readBundle(Path file) throws IOException {
    try {
      return TrustBundle.parse(new TrustDomain(TestFleet.TRUST_DOMAIN), Files.readAllBytes(file));
    } catch (SvidException e) {
      throw new AssertionError(file + " is not the fleet's trust bundle", e);
    }
  }

  /** A new TLS client trusting the group's bundle; only after a peer started. */
  WritClient newClient() {
    TrustBundle b = bundle;
    if (b == null) {
      throw new IllegalStateException("no peer started yet");
    }
    return new WritClient(b);
  }

  /** The log key every peer printed at startup. */
  String vkey() {
    if (vkey == null) {
      throw new IllegalStateException("no peer started yet");
    }
    return vkey;
  }

  NoteVerifierKey key() {
    try {
      return NoteVerifierKey.parse(vkey());
    } catch (LogVerificationException e) {
      throw new AssertionError("the printed log key does not parse: " + vkey, e);
    }
  }

  boolean isUp(String id) {
    return up.getOrDefault(id, false);
  }

  /** The next peer that is up, round robin; empty when none is. */
  Optional<LoadRun.Target> pick() {
    List<String> ids = ids();
    for (int i = 0; i < ids.size(); i++) {
      String id = ids.get(Math.floorMod(turn.getAndIncrement(), ids.size()));
      if (isUp(id)) {
        return Optional.of(new LoadRun.Target(id, base(id)));
      }
    }
    return Optional.empty();
  }

  /** The target for peer {@code id}. */
  LoadRun.Target target(String id) {
    return new LoadRun.Target(id, base(id));
  }

  /** Marks the peer down, so clients stop picking it, then SIGKILLs it. */
  void kill(String id) throws InterruptedException {
    up.put(id, false);
    ServerProcess p = running.remove(id);
    if (p == null) {
      throw new IllegalStateException(id + " is not running");
    }
    p.kill();
  }

  /** Starts peer {@code id} again on its data and waits until it reports a Raft role. */
  void restart(String id, Duration timeout) throws IOException, InterruptedException {
    ready(id, children.launch(id, args(id)));
    up.put(id, false); // not picked until it reports a role
    long deadline = System.nanoTime() + timeout.toNanos();
    while (status(id).map(s -> Json.string(s, "role")).orElse("unknown").equals("unknown")) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError(id + " reports no Raft role " + timeout + " after restart");
      }
      Thread.sleep(POLL);
    }
    up.put(id, true);
  }

  /** {@code GET /v1/status} of a peer, empty if it does not answer. */
  Optional<Map<String, JsonValue>> status(String id) throws InterruptedException {
    try {
      return Optional.of(Json.object(client().get(base(id), "/v1/status"), "status of " + id));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** Waits until exactly one running peer reports itself leader and returns it. */
  String awaitLeader(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      List<String> leaders = new ArrayList<>();
      for (String id : running.keySet()) {
        if (status(id).map(s -> Json.string(s, "role")).orElse("").equals("leader")) {
          leaders.add(id);
        }
      }
      if (leaders.size() == 1) {
        return leaders.getFirst();
      }
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("no single leader within " + timeout + ": " + leaders);
      }
      Thread.sleep(POLL);
    }
  }

  /**
   * Waits until every peer serves a checkpoint of the same size and root, and returns it.
   *
   * @throws AssertionError if they still differ at the deadline
   */
  Checkpoint awaitAgreement(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    NoteVerifierKey key = key();
    while (true) {
      Map<String, Checkpoint> seen = new LinkedHashMap<>();
      for (String id : ids()) {
        try {
          String note = client().getText(base(id), "/checkpoint");
          seen.put(
              id,
              Checkpoint.parse(
                  SignedNotes.open(note.getBytes(StandardCharsets.UTF_8), List.of(key)).text()));
        } catch (IOException e) {
          seen.put(id, null);
        } catch (LogVerificationException e) {
          throw new AssertionError(id + " serves a checkpoint that does not verify", e);
        }
      }
      if (!seen.containsValue(null) && seen.values().stream().distinct().count() == 1) {
        return seen.values().iterator().next();
      }
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("peers do not agree within " + timeout + ": " + seen);
      }
      Thread.sleep(POLL);
    }
  }

  /** The group's shared client; only after a peer started. */
  WritClient client() {
    if (client == null) {
      throw new IllegalStateException("no peer started yet");
    }
    return client;
  }

  /** Kills every peer still running. */
  @Override
  public void close() {
    if (client != null) {
      client.close();
    }
    for (String id : List.copyOf(running.keySet())) {
      up.put(id, false);
      running.remove(id).close();
    }
  }
}
