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
import dev.writ.core.json.JsonException;
import dev.writ.core.json.JsonLimits;
import dev.writ.core.json.JsonReader;
import dev.writ.core.json.JsonValue;
import dev.writ.core.json.JsonValue.JsonArray;
import dev.writ.core.json.JsonValue.JsonInteger;
import dev.writ.core.json.JsonValue.JsonObject;
import dev.writ.core.json.JsonValue.JsonString;
import dev.writ.identity.svid.ResultSignature;
import dev.writ.identity.svid.SvidCredentials;
import dev.writ.identity.svid.TrustBundle;
import dev.writ.identity.tls.MtlsContexts;
import dev.writ.identity.tls.RefusalListener;
import dev.writ.identity.tls.SvidClientTrustManager;
import dev.writ.identity.tls.SvidKeyManager;
import dev.writ.log.NoteVerifierKey;
import dev.writ.sandbox.ExecutionLimits;
import dev.writ.sandbox.Sandboxes;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;

/**
 * The agent's work loop (docs/spec/work.md sections 4 to 7): one outbound mutual-TLS stream to the
 * server, every work item checked in full with this host's own pinned root and log key, acted on at
 * most once, and answered by a result signed with the node's key, which goes through a durable
 * outbox so a crash between acting and reporting loses nothing. The server cannot make this loop
 * act: it only relays bytes the loop verifies.
 *
 * <p>Thread-safe: {@link #run} runs on one thread; {@link #close} may be called from another.
 */
public final class AgentRunner implements AutoCloseable {
  /** Reconnect backoff: 1 s doubling to 30 s, jittered, reset after a stream that delivered. */
  static final Duration BACKOFF_MIN = Duration.ofSeconds(1);

  static final Duration BACKOFF_MAX = Duration.ofSeconds(30);

  /** A stream silent this long (the server pings every 15 s) is dead: reconnect. */
  static final Duration SILENCE = Duration.ofSeconds(45);

  static final Duration TIMEOUT = Duration.ofSeconds(30);

  /** The files under the agent's folder this loop keeps. */
  public static final String POSTURE_FILE = "posture";

  static final String CHECKPOINT_FILE = "checkpoint.note";
  static final String ACTED_ON_FILE = "acted-on";
  static final String CONTENT_DIR = "content";
  static final String RUNS_DIR = "runs";
  static final String OUTBOX_DIR = "outbox";
  static final String RECEIPT_FILE = "receipt.json";

  private static final JsonReader READER =
      new JsonReader(
          new JsonLimits(EventStream.MAX_LINE_BYTES, 4, EventStream.MAX_LINE_BYTES, 256),
          JsonReader.Mode.INTEGERS_ONLY);

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
   * @param exitAfter stop after this many results were recorded; 0 runs until closed
   * @param log where one readable line per event goes
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
  private final HttpClient http;
  private final LogWitness witness;
  private final ActedOnStore actedOn;
  private final ContentStore content;
  private final ExecuteAction execute;
  private final WorkChecks checks;
  private final Outbox outbox;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicReference<InputStream> current = new AtomicReference<>();
  private int recorded;

  private AgentRunner(
      Config config,
      Posture posture,
      HttpClient http,
      LogWitness witness,
      ActedOnStore actedOn,
      ContentStore content,
      ExecuteAction execute,
      Outbox outbox) {
    this.config = config;
    this.node = config.credentials().svid().id();
    this.posture = posture;
    this.http = http;
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
   * Opens the agent's stores under {@code config.data()}.
   *
   * @throws IOException if the folder lacks what enrollment wrote, or a store is unreadable: the
   *     agent must not start with a memory it cannot trust
   */
  public static AgentRunner open(Config config) throws IOException {
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
    HttpClient http = client(config);
    LogWitness witness = LogWitness.open(config.logKey(), data.resolve(CHECKPOINT_FILE));
    ActedOnStore actedOn = ActedOnStore.open(data.resolve(ACTED_ON_FILE), config.clock());
    ContentStore store = ContentStore.open(data.resolve(CONTENT_DIR));
    ExecuteAction execute =
        new ExecuteAction(Sandboxes.forHost(), data.resolve(RUNS_DIR), config.limits());
    Outbox outbox = Outbox.open(data.resolve(OUTBOX_DIR));
    return new AgentRunner(config, posture, http, witness, actedOn, store, execute, outbox);
  }

  private static HttpClient client(Config config) throws IOException {
    SpiffeId serverId = new SpiffeId(config.bundle().trustDomain().name(), "/writ/server");
    SSLContext context;
    try {
      context =
          MtlsContexts.client(
              SvidKeyManager.of(config.credentials()),
              new SvidClientTrustManager(
                  config::bundle, config.clock(), serverId, RefusalListener.NONE),
              config.random());
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot build the TLS client: " + e.getMessage(), e);
    }
    return HttpClient.newBuilder()
        .sslContext(context)
        .sslParameters(MtlsContexts.clientParameters())
        .connectTimeout(TIMEOUT)
        .version(HttpClient.Version.HTTP_1_1)
        .build();
  }

  /** This node's SPIFFE ID. */
  public SpiffeId node() {
    return node;
  }

  /**
   * Runs until closed, or until {@code exitAfter} results were recorded.
   *
   * @return the number of results recorded
   */
  public int run() throws InterruptedException {
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
      boolean delivered = false;
      try {
        delivered = stream();
      } catch (IOException e) {
        if (!closed.get()) {
          config.log().accept("stream ended: " + e.getMessage());
        }
      }
      if (closed.get() || done()) {
        break;
      }
      if (delivered) {
        backoff = BACKOFF_MIN;
      }
      long jitter = config.random().nextLong(backoff.toMillis() / 2 + 1);
      Thread.sleep(backoff.toMillis() / 2 + jitter);
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
        JsonObject o = object(Files.readAllBytes(receipt));
        witness.observe(string(o, "checkpoint"), this::consistency);
      }
    } catch (IOException | WorkRefusedException e) {
      config.log().accept("the enrollment receipt's checkpoint was not kept: " + e.getMessage());
    }
  }

  /**
   * One stream: events until it ends. Returns whether it delivered an event.
   *
   * @throws IOException when it could not be opened or broke
   */
  private boolean stream() throws IOException, InterruptedException {
    HttpResponse<InputStream> response =
        http.send(
            HttpRequest.newBuilder(config.server().resolve("/v1/agent/work"))
                .header("Accept", "text/event-stream")
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofInputStream());
    try (InputStream body = response.body()) {
      if (response.statusCode() != 200) {
        String answer = new String(body.readNBytes(4096), StandardCharsets.UTF_8);
        throw new IOException("the server answered " + response.statusCode() + ": " + answer);
      }
      current.set(body);
      if (closed.get()) {
        return false;
      }
      Watchdog dog = Watchdog.start(body, SILENCE);
      try {
        EventStream events = new EventStream(new BufferedInputStream(body));
        boolean delivered = false;
        while (!done()) {
          Optional<EventStream.Event> e = events.next();
          dog.fed();
          if (e.isEmpty()) {
            return delivered;
          }
          delivered = true;
          switch (e.get().name()) {
            case "ping" -> ping(e.get().data());
            case "work" -> work(e.get().data());
            default -> config.log().accept("ignored an unknown event " + e.get().name());
          }
          dog.fed();
        }
        return delivered;
      } finally {
        dog.stop();
        current.set(null);
      }
    }
  }

  private void ping(String data) throws IOException {
    try {
      witness.observe(
          string(object(data.getBytes(StandardCharsets.UTF_8)), "checkpoint"), this::consistency);
    } catch (WorkRefusedException e) {
      // a server showing a forked or unsigned log: say so, trust nothing it sends on this stream
      throw new IOException(
          "the server's checkpoint is refused: " + e.reason() + ": " + e.getMessage(), e);
    }
  }

  /** One work item: check everything, act at most once, answer with a signed result. */
  private void work(String data) throws IOException {
    JsonObject event = object(data.getBytes(StandardCharsets.UTF_8));
    byte[] envelope = base64(event, "envelope");
    String envelopeSha256 = HexFormat.of().formatHex(ContentId.of(envelope).digest());
    if (outbox.contains(envelopeSha256)) {
      flushOutbox(); // answered already, not yet recorded: the saved result, not a second action
      return;
    }
    String receipt =
        new String(CanonicalJson.write(member(event, "receipt")), StandardCharsets.UTF_8);
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
    Optional<WritId> id = WorkChecks.idOf(envelope);
    Optional<Capability> cap = capOf(envelope);
    Optional<Reason> refusal = Optional.empty();
    Optional<WorkResult.Execution> exec = Optional.empty();
    try {
      WorkChecks.Accepted accepted =
          checks.check(
              new WorkChecks.Item(envelope, receipt, targets),
              new WorkChecks.Node(node, posture),
              this::consistency,
              this::fetch);
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
                  + e.reason()
                  + ": "
                  + e.getMessage());
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
      HttpResponse<String> r;
      try {
        r =
            http.send(
                HttpRequest.newBuilder(config.server().resolve("/v1/agent/results"))
                    .timeout(TIMEOUT)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(e.body()))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
      } catch (IOException ex) {
        config.log().accept("result " + e.name() + " kept for later: " + ex.getMessage());
        return;
      } catch (InterruptedException ex) {
        Thread.currentThread().interrupt();
        return;
      }
      int status = r.statusCode();
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
      JsonObject body = object(e.body());
      WorkResult r = WorkResult.parse(base64(body, "result"));
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
      JsonValue v = object(body.getBytes(StandardCharsets.UTF_8)).members().get("index");
      return v instanceof JsonInteger(long n) ? Long.toString(n) : "?";
    } catch (IOException e) {
      return "?";
    }
  }

  /** The server's content store; empty when it holds no (intact) bytes for the id. */
  private Optional<byte[]> fetch(ContentId id, long limit) throws IOException {
    HttpResponse<InputStream> r;
    try {
      r =
          http.send(
              HttpRequest.newBuilder(config.server().resolve("/v1/content/" + id))
                  .timeout(TIMEOUT)
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.ofInputStream());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while fetching " + id, e);
    }
    try (InputStream in = r.body()) {
      if (r.statusCode() == 404 || r.statusCode() == 500) {
        return Optional.empty(); // unknown, or found corrupt: no bytes for this id
      }
      if (r.statusCode() != 200) {
        throw new IOException("the server answered " + r.statusCode() + " for " + id);
      }
      byte[] bytes = in.readNBytes((int) Math.min(limit, Integer.MAX_VALUE - 8) + 1);
      if (bytes.length > limit) {
        return Optional.empty();
      }
      return Optional.of(bytes);
    }
  }

  /** {@code GET /v1/log/consistency}. */
  private List<byte[]> consistency(long oldSize, long newSize) throws IOException {
    HttpResponse<byte[]> r;
    try {
      r =
          http.send(
              HttpRequest.newBuilder(
                      config
                          .server()
                          .resolve("/v1/log/consistency?old=" + oldSize + "&new=" + newSize))
                  .timeout(TIMEOUT)
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while fetching a consistency proof", e);
    }
    if (r.statusCode() != 200) {
      throw new IOException("no consistency proof from the server: " + r.statusCode());
    }
    JsonObject o = object(r.body());
    if (!(o.members().get("proof") instanceof JsonArray(List<JsonValue> hashes))) {
      throw new IOException("a consistency answer has no proof array");
    }
    List<byte[]> out = new ArrayList<>();
    for (JsonValue h : hashes) {
      if (!(h instanceof JsonString(String s))) {
        throw new IOException("a proof hash is not a string");
      }
      try {
        out.add(Base64.getDecoder().decode(s));
      } catch (IllegalArgumentException e) {
        throw new IOException("a proof hash is not base64", e);
      }
    }
    return out;
  }

  private static Optional<Capability> capOf(byte[] envelope) {
    try {
      return Optional.of(WritPayload.parse(dev.writ.core.Envelope.parse(envelope).payload()).cap());
    } catch (WritDeniedException e) {
      return Optional.empty();
    }
  }

  private static JsonObject object(byte[] bytes) throws IOException {
    try {
      if (READER.read(bytes) instanceof JsonObject o) {
        return o;
      }
    } catch (JsonException e) {
      throw new IOException("not JSON: " + e.getMessage(), e);
    }
    throw new IOException("not a JSON object");
  }

  private static JsonValue member(JsonObject o, String name) throws IOException {
    JsonValue v = o.members().get(name);
    if (v == null) {
      throw new IOException("missing " + name);
    }
    return v;
  }

  private static String string(JsonObject o, String name) throws IOException {
    if (member(o, name) instanceof JsonString(String s)) {
      return s;
    }
    throw new IOException(name + " is not a string");
  }

  private static byte[] base64(JsonObject o, String name) throws IOException {
    try {
      return Base64.getDecoder().decode(string(o, name));
    } catch (IllegalArgumentException e) {
      throw new IOException(name + " is not base64", e);
    }
  }

  /** Stops the loop: the current stream is closed and {@link #run} returns. */
  @Override
  public void close() throws IOException {
    if (closed.compareAndSet(false, true)) {
      InputStream in = current.getAndSet(null);
      if (in != null) {
        in.close();
      }
      actedOn.close();
      http.close();
    }
  }

  /** Closes a stream that has been silent for too long, so a dead connection is noticed. */
  private static final class Watchdog {
    private final Thread thread;
    private volatile long last = System.nanoTime();
    private volatile boolean stopped;

    private Watchdog(InputStream in, Duration silence) {
      this.thread =
          Thread.ofVirtual()
              .name("writ-agent-watchdog")
              .unstarted(
                  () -> {
                    while (!stopped) {
                      try {
                        Thread.sleep(Duration.ofSeconds(1));
                      } catch (InterruptedException e) {
                        return;
                      }
                      if (System.nanoTime() - last > silence.toNanos()) {
                        try {
                          in.close();
                        } catch (IOException e) {
                          // closing is all it can do
                        }
                        return;
                      }
                    }
                  });
    }

    static Watchdog start(InputStream in, Duration silence) {
      Watchdog w = new Watchdog(in, silence);
      w.thread.start();
      return w;
    }

    void fed() {
      last = System.nanoTime();
    }

    void stop() {
      stopped = true;
      thread.interrupt();
    }
  }
}
