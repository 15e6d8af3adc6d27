package dev.writ.agent;

import dev.writ.core.Capability;
import dev.writ.core.ContentId;
import dev.writ.core.FleetState;
import dev.writ.core.Posture;
import dev.writ.core.Reason;
import dev.writ.core.SpiffeId;
import dev.writ.core.TrustRoot;
import dev.writ.core.WorkResult;
import dev.writ.core.WritDeniedException;
import dev.writ.core.WritId;
import dev.writ.core.WritPayload;
import dev.writ.core.content.ContentException;
import dev.writ.core.content.ContentStore;
import dev.writ.core.json.CanonicalJson;
import dev.writ.core.json.JsonValue;
import dev.writ.core.json.JsonValue.JsonArray;
import dev.writ.core.json.JsonValue.JsonInteger;
import dev.writ.core.json.JsonValue.JsonObject;
import dev.writ.core.json.JsonValue.JsonString;
import dev.writ.identity.svid.ResultSignature;
import dev.writ.identity.svid.SvidCredentials;
import dev.writ.identity.svid.TrustBundle;
import dev.writ.log.NoteVerifierKey;
import dev.writ.sandbox.ExecutionLimits;
import dev.writ.sandbox.Sandboxes;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * The agent's work loop (docs/spec/work.md sections 4 to 7): one outbound mutual-TLS stream to the
 * server, every work item checked in full with this host's own pinned root and log key, acted on at
 * most once, and answered by a result signed with the node's key, which goes through a durable
 * outbox so a crash between acting and reporting loses nothing. The server cannot make this loop
 * act: it only relays bytes the loop verifies.
 *
 * <p>Use: {@link #open}, then {@link #run} (blocks) or {@link #start} (a thread of its own), and
 * {@link #close} to stop. Thread-safe: the loop runs on one thread; {@link #close} may be called
 * from any thread.
 */
public final class AgentRunner implements AutoCloseable {
  /** Reconnect backoff: 1 s doubling to 30 s, jittered, reset after a stream that delivered. */
  static final Duration BACKOFF_MIN = Duration.ofSeconds(1);

  static final Duration BACKOFF_MAX = Duration.ofSeconds(30);

  /** A stream silent this long (the server pings every 15 s) is dead: reconnect. */
  static final Duration SILENCE = Duration.ofSeconds(45);

  /** How long {@link #close} lets the current action finish before it abandons it. */
  static final Duration STOP_GRACE = Duration.ofSeconds(15);

  /** The files under the agent's folder this loop keeps. */
  public static final String POSTURE_FILE = "posture";

  static final String CHECKPOINT_FILE = "checkpoint.note";
  static final String ACTED_ON_FILE = "acted-on";
  static final String CONTENT_DIR = "content";
  static final String RUNS_DIR = "runs";
  static final String OUTBOX_DIR = "outbox";
  static final String RECEIPT_FILE = "receipt.json";

  /**
   * What the loop needs.
   *
   * @param server the server's {@code https} URI
   * @param data the agent's folder: {@code svid.pem}, {@code bundle.pem}, {@code posture} and
   *     {@code receipt.json} from enrollment; the loop adds its own files
   * @param credentials the node's SVID and key (in the TPM or in {@code svid.pem})
   * @param bundle the trust bundle the server is authenticated by
   * @param root the trust root this host pinned (never one the server sent)
   * @param logKey the log's verifier key this host pinned
   * @param limits the sandbox limits every execution runs under (sandbox.md)
   * @param exitAfter stop after this many results were recorded; 0 runs until closed
   * @param log where one readable line per event goes (called on the loop's thread)
   * @param clock the host's clock: writ validity, certificate validity, result times
   * @param random TLS and the reconnect jitter
   */
  public record Config(
      URI server,
      Path data,
      SvidCredentials credentials,
      TrustBundle bundle,
      TrustRoot root,
      NoteVerifierKey logKey,
      ExecutionLimits limits,
      int exitAfter,
      Consumer<String> log,
      Clock clock,
      SecureRandom random) {
    public Config {
      Objects.requireNonNull(server, "server");
      Objects.requireNonNull(data, "data");
      Objects.requireNonNull(credentials, "credentials");
      Objects.requireNonNull(bundle, "bundle");
      Objects.requireNonNull(root, "root");
      Objects.requireNonNull(logKey, "logKey");
      Objects.requireNonNull(limits, "limits");
      Objects.requireNonNull(log, "log");
      Objects.requireNonNull(clock, "clock");
      Objects.requireNonNull(random, "random");
      if (exitAfter < 0) {
        throw new IllegalArgumentException("exitAfter is not negative");
      }
    }
  }

  private final Config config;
  private final SpiffeId node;
  private final Posture posture;
  private final AgentRoutes routes;
  private final LogWitness witness;
  private final ActedOnStore actedOn;
  private final ContentStore content;
  private final ExecuteAction execute;
  private final WorkChecks checks;
  private final Outbox outbox;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicBoolean started = new AtomicBoolean();
  private final CountDownLatch stopping = new CountDownLatch(1);
  private final CountDownLatch finished = new CountDownLatch(1);
  private final AtomicReference<InputStream> current = new AtomicReference<>();
  private final AtomicReference<Thread> loopThread = new AtomicReference<>();
  // the loop's own state, read and written on its thread only
  private int recorded;
  private boolean delivered;

  private AgentRunner(
      Config config,
      Posture posture,
      AgentRoutes routes,
      LogWitness witness,
      ActedOnStore actedOn,
      ContentStore content,
      ExecuteAction execute,
      Outbox outbox) {
    this.config = config;
    this.node = config.credentials().svid().id();
    this.posture = posture;
    this.routes = routes;
    this.witness = witness;
    this.actedOn = actedOn;
    this.content = content;
    this.execute = execute;
    this.outbox = outbox;
    this.checks =
        new WorkChecks(
            config.root(),
            witness,
            actedOn,
            config.clock(),
            FleetState::normal,
            execute::available);
  }

  /**
   * Opens the agent's stores under {@code config.data()}, with this host's sandboxes ({@link
   * Sandboxes#forHost()}: the process tier's default uid range).
   *
   * @throws IOException if the folder lacks what enrollment wrote, or a store is unreadable: the
   *     agent must not start with a memory it cannot trust
   */
  public static AgentRunner open(Config config) throws IOException {
    return open(config, Sandboxes.forHost());
  }

  /**
   * As {@link #open(Config)}, with {@code sandboxes}: several agents on one machine (tests, the
   * bench) each need their own process-tier uid range, since an execution's cleanup kills every
   * process of its uid.
   */
  public static AgentRunner open(Config config, Sandboxes sandboxes) throws IOException {
    Path data = config.data();
    Path postureFile = data.resolve(POSTURE_FILE);
    if (!Files.isRegularFile(postureFile)) {
      throw new IOException(
          postureFile + " is missing: enroll this host first ('writ agent enroll')");
    }
    String wire = Files.readString(postureFile, StandardCharsets.US_ASCII).strip();
    Posture posture =
        Posture.fromWire(wire)
            .orElseThrow(() -> new IOException(postureFile + " holds no posture: " + wire));
    if (!config.bundle().trustDomain().name().equals(config.root().contents().trustDomain())) {
      throw new IOException(
          "the bundle's trust domain "
              + config.bundle().trustDomain().name()
              + " is not the root's "
              + config.root().contents().trustDomain());
    }
    AgentRoutes routes = AgentRoutes.open(config);
    LogWitness witness = LogWitness.open(config.logKey(), data.resolve(CHECKPOINT_FILE));
    ActedOnStore actedOn = ActedOnStore.open(data.resolve(ACTED_ON_FILE), config.clock());
    ContentStore store = ContentStore.open(data.resolve(CONTENT_DIR));
    ExecuteAction execute = new ExecuteAction(sandboxes, data.resolve(RUNS_DIR), config.limits());
    Outbox outbox = Outbox.open(data.resolve(OUTBOX_DIR));
    return new AgentRunner(config, posture, routes, witness, actedOn, store, execute, outbox);
  }

  /** This node's SPIFFE ID. */
  public SpiffeId node() {
    return node;
  }

  /**
   * Runs {@link #run} on a new thread named {@code writ-agent}: the way to keep an agent running
   * inside another program (the quickstart, tests). {@link #close} stops it.
   *
   * @return completes with the number of results recorded when the loop ends, or with the error
   *     that ended it
   * @throws IllegalStateException if the loop was started already
   */
  public CompletableFuture<Integer> start() {
    CompletableFuture<Integer> done = new CompletableFuture<>();
    if (started.get()) {
      throw new IllegalStateException("the agent's loop runs already");
    }
    Thread.ofPlatform()
        .name("writ-agent")
        .start(
            () -> {
              try {
                done.complete(run());
              } catch (InterruptedException e) {
                done.completeExceptionally(e);
              } catch (RuntimeException | Error e) {
                done.completeExceptionally(e);
                throw e;
              }
            });
    return done;
  }

  /**
   * Runs until closed, or until {@code exitAfter} results were recorded. Call it once; {@link
   * #close} from another thread stops it.
   *
   * @return the number of results recorded
   * @throws IllegalStateException if the loop was started already
   */
  public int run() throws InterruptedException {
    if (!started.compareAndSet(false, true)) {
      throw new IllegalStateException("the agent's loop runs already");
    }
    loopThread.set(Thread.currentThread());
    try {
      return loop();
    } finally {
      finished.countDown();
    }
  }

  private int loop() throws InterruptedException {
    config
        .log()
        .accept("agent " + node + " (" + posture.wire() + ") streaming from " + config.server());
    seedWitness();
    Duration backoff = BACKOFF_MIN;
    while (!closed.get() && !done()) {
      flushOutbox();
      if (done()) {
        break;
      }
      delivered = false;
      try {
        stream();
        if (!closed.get() && !done()) {
          config.log().accept("stream ended by the server");
        }
      } catch (IOException e) {
        if (!closed.get()) {
          config.log().accept("stream ended: " + e.getMessage());
        }
      }
      if (closed.get() || done()) {
        break;
      }
      if (delivered) {
        backoff = BACKOFF_MIN; // a stream that delivered an event, however it ended
      }
      long jitter = config.random().nextLong(backoff.toMillis() / 2 + 1);
      if (stopping.await(backoff.toMillis() / 2 + jitter, TimeUnit.MILLISECONDS)) {
        break; // closed while waiting
      }
      backoff = backoff.multipliedBy(2);
      if (backoff.compareTo(BACKOFF_MAX) > 0) {
        backoff = BACKOFF_MAX;
      }
    }
    return recorded;
  }

  private boolean done() {
    return config.exitAfter() > 0 && recorded >= config.exitAfter();
  }

  /** The enrollment receipt's checkpoint is the first this agent knows of the log. */
  private void seedWitness() {
    if (witness.last().isPresent()) {
      return;
    }
    Path receipt = config.data().resolve(RECEIPT_FILE);
    try {
      if (Files.isRegularFile(receipt)) {
        JsonObject o = WireJson.object(Files.readAllBytes(receipt));
        witness.observe(WireJson.string(o, "checkpoint"), routes::consistency);
      }
    } catch (IOException | WorkRefusedException e) {
      config.log().accept("the enrollment receipt's checkpoint was not kept: " + e.getMessage());
    }
  }

  /**
   * One stream: events until it ends; sets {@code delivered} when it delivers one.
   *
   * @throws IOException when it could not be opened or broke
   */
  private void stream() throws IOException, InterruptedException {
    try (InputStream body = routes.stream()) {
      current.set(body);
      if (closed.get()) {
        return;
      }
      Watchdog dog = Watchdog.start(body, SILENCE);
      try {
        EventStream events = new EventStream(new BufferedInputStream(body));
        while (!done()) {
          Optional<EventStream.Event> e = events.next();
          dog.fed();
          if (e.isEmpty()) {
            return;
          }
          delivered = true;
          switch (e.get().name()) {
            case "ping" -> ping(e.get().data());
            case "work" -> work(e.get().data());
            default -> config.log().accept("ignored an unknown event " + e.get().name());
          }
          dog.fed();
        }
      } finally {
        dog.stop();
        current.set(null);
      }
    }
  }

  private void ping(String data) throws IOException {
    try {
      witness.observe(
          WireJson.string(WireJson.object(data.getBytes(StandardCharsets.UTF_8)), "checkpoint"),
          routes::consistency);
    } catch (WorkRefusedException e) {
      // a server showing a forked or unsigned log: say so, trust nothing it sends on this stream
      throw new IOException(
          "the server's checkpoint is refused: " + e.reason() + ": " + e.getMessage(), e);
    }
  }

  /** One work item: check everything, act at most once, answer with a signed result. */
  private void work(String data) throws IOException {
    JsonObject event = WireJson.object(data.getBytes(StandardCharsets.UTF_8));
    byte[] envelope = WireJson.base64(event, "envelope");
    String envelopeSha256 = HexFormat.of().formatHex(ContentId.of(envelope).digest());
    if (outbox.contains(envelopeSha256)) {
      flushOutbox(); // answered already, not yet recorded: the saved result, not a second action
      return;
    }
    String receipt =
        new String(CanonicalJson.write(WireJson.member(event, "receipt")), StandardCharsets.UTF_8);
    List<SpiffeId> targets = new ArrayList<>();
    if (!(event.members().get("targets") instanceof JsonArray(List<JsonValue> list))) {
      throw new IOException("a work event has no targets array");
    }
    for (JsonValue v : list) {
      try {
        targets.add(SpiffeId.parse(((JsonString) v).value()));
      } catch (WritDeniedException | ClassCastException e) {
        throw new IOException("a work event's target is not a SPIFFE ID", e);
      }
    }
    Optional<WritPayload> unverified = WorkChecks.payloadOf(envelope);
    Optional<WritId> id = unverified.map(WritPayload::id);
    Optional<Capability> cap = unverified.map(WritPayload::cap);
    Optional<Reason> refusal = Optional.empty();
    Optional<WorkResult.Execution> exec = Optional.empty();
    try {
      WorkChecks.Accepted accepted =
          checks.check(
              new WorkChecks.Item(envelope, receipt, targets),
              new WorkChecks.Node(node, posture),
              routes::consistency,
              routes::content);
      WritPayload p = accepted.writ().payload();
      config
          .log()
          .accept(
              "acting on "
                  + p.id()
                  + " ("
                  + p.cap().wire()
                  + p.tier().map(t -> ", " + t.wire()).orElse("")
                  + ")");
      ContentId named = p.content().orElseThrow();
      content.putBytes(accepted.content(), named);
      if (p.cap() == Capability.DEPLOY) {
        Path installed = content.install(named);
        config.log().accept("installed " + named + " at " + installed);
      } else {
        exec =
            Optional.of(
                execute.run(
                    accepted.writ(),
                    accepted.content(),
                    config.root().contents().policy().sandboxFloor()));
      }
    } catch (WorkRefusedException e) {
      refusal = Optional.of(e.reason());
      config
          .log()
          .accept(
              "refused "
                  + id.map(WritId::hex).orElse(envelopeSha256)
                  + " "
                  + (String.valueOf(e.getMessage()).startsWith(e.reason().name())
                      ? e.getMessage()
                      : e.reason() + ": " + e.getMessage()));
    } catch (ContentException e) {
      throw new IOException("the agent's content store failed: " + e.getMessage(), e);
    }
    WorkResult result =
        new WorkResult(
            id,
            envelopeSha256,
            cap,
            node,
            refusal,
            Instant.ofEpochSecond(config.clock().instant().getEpochSecond()),
            exec);
    byte[] doc = result.toCanonicalBytes();
    byte[] signature;
    try {
      signature = ResultSignature.sign(config.credentials(), doc);
    } catch (GeneralSecurityException e) {
      throw new IOException("the node key could not sign the result: " + e.getMessage(), e);
    }
    Map<String, JsonValue> body = new LinkedHashMap<>();
    body.put("result", new JsonString(Base64.getEncoder().encodeToString(doc)));
    body.put("signature", new JsonString(Base64.getEncoder().encodeToString(signature)));
    outbox.put(envelopeSha256, CanonicalJson.write(new JsonObject(body)));
    exec.ifPresent(
        x ->
            config
                .log()
                .accept(
                    "ran "
                        + id.map(WritId::hex).orElse("?")
                        + ": "
                        + x.outcome()
                        + " exit "
                        + x.exit()
                        + ", stdout sha256:"
                        + x.stdoutSha256()
                        + " ("
                        + x.stdoutBytes()
                        + " bytes), "
                        + x.wallMillis()
                        + " ms"));
    flushOutbox();
  }

  /** Posts every saved result; keeps those the server could not take now. */
  private void flushOutbox() {
    for (Outbox.Entry e : outbox.entries()) {
      if (done()) {
        return;
      }
      AgentRoutes.Answer r;
      try {
        r = routes.postResult(e.body());
      } catch (IOException ex) {
        config.log().accept("result " + e.name() + " kept for later: " + ex.getMessage());
        return;
      } catch (InterruptedException ex) {
        Thread.currentThread().interrupt();
        return;
      }
      int status = r.status();
      if (status == 200 || status == 409) {
        recorded++;
        config
            .log()
            .accept(
                describe(e)
                    + (status == 200
                        ? " recorded, leaf " + index(r.body())
                        : " was recorded already"));
        outbox.remove(e);
      } else if (status >= 500 || status == 429) {
        config.log().accept("result " + e.name() + " kept for later: " + status + " " + r.body());
        return;
      } else {
        // the server will never take it (not a target of any work it holds): say so, drop it
        config
            .log()
            .accept("result " + e.name() + " refused by the server: " + status + " " + r.body());
        outbox.remove(e);
      }
    }
  }

  private static String describe(Outbox.Entry e) {
    try {
      JsonObject body = WireJson.object(e.body());
      WorkResult r = WorkResult.parse(WireJson.base64(body, "result"));
      return "result "
          + r.id().map(WritId::hex).orElse(e.name())
          + " "
          + r.decision()
          + r.reason().map(x -> " " + x.name()).orElse("");
    } catch (IOException | WritDeniedException ex) {
      return "result " + e.name();
    }
  }

  private static String index(String body) {
    try {
      JsonValue v = WireJson.object(body.getBytes(StandardCharsets.UTF_8)).members().get("index");
      return v instanceof JsonInteger(long n) ? Long.toString(n) : "?";
    } catch (IOException e) {
      return "?";
    }
  }

  /**
   * Stops the loop and releases the stores: the current stream is closed, an action under way gets
   * {@link #STOP_GRACE} to finish (its result then goes to the outbox), after which it is abandoned
   * (its writ stays recorded as acted on, so it is never run twice; the server sees it answered
   * {@code SPENT} on the next start). Returns once {@link #run} returned or was abandoned. Safe to
   * call more than once, from any thread (a shutdown hook).
   */
  @Override
  public void close() throws IOException {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    stopping.countDown();
    closeStream();
    boolean stopped = true;
    if (started.get() && loopThread.get() != Thread.currentThread()) {
      try {
        stopped = finished.await(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        stopped = false;
      }
    }
    if (stopped) {
      routes.close();
    } else {
      config.log().accept("the current action did not finish in " + STOP_GRACE + ": abandoned");
      routes.shutdownNow();
    }
    actedOn.close();
  }

  private void closeStream() throws IOException {
    InputStream in = current.getAndSet(null);
    if (in != null) {
      in.close();
    }
  }
}
