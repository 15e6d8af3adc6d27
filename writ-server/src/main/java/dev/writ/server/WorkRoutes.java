package dev.writ.server;

import dev.writ.core.Capability;
import dev.writ.core.ContentId;
import dev.writ.core.SpendLedger;
import dev.writ.core.SpiffeId;
import dev.writ.core.SpiffeIdGlob;
import dev.writ.core.Tier;
import dev.writ.core.TrustRoot;
import dev.writ.core.WorkResult;
import dev.writ.core.WritDeniedException;
import dev.writ.core.WritId;
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
import dev.writ.identity.svid.X509Svid;
import dev.writ.state.AuditLeaf;
import dev.writ.state.AuditLogReader;
import dev.writ.state.NodeRecord;
import dev.writ.state.RegistryView;
import dev.writ.state.StateCommand;
import dev.writ.state.WorkClient;
import dev.writ.state.WorkRegistry;
import dev.writ.state.WorkRequest;
import dev.writ.state.WorkView;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

/**
 * The work routes of docs/spec/work.md: opening a request (section 2), the agents' event stream
 * (section 4), consistency proofs (4.1), signed results (7) and the progress reads (8). The server
 * relays and records; it decides nothing an agent relies on without checking, and it never dials an
 * agent.
 *
 * <p>Thread-safe: every part it holds is; each stream runs on its own virtual thread.
 */
final class WorkRoutes {
  static final String OPEN = "/v1/work/open";
  static final String STREAM = "/v1/agent/work";
  static final String RESULTS = "/v1/agent/results";
  static final String CONSISTENCY = "/v1/log/consistency";
  static final String WORK_PREFIX = "/v1/work/";
  static final String ROLLOUT_PREFIX = "/v1/rollouts/";

  /** How often an idle stream carries the latest checkpoint (work.md section 4). */
  static final Duration PING = Duration.ofSeconds(15);

  /** The longest a stream stays open; the agent reconnects. */
  static final Duration STREAM_MAX = Duration.ofMinutes(10);

  /** Streams open at once. */
  static final int MAX_STREAMS = 256;

  static final int OPEN_MAX_BYTES = 4096;
  static final int RESULT_MAX_BYTES = 8192;

  /** Default and largest lifetime of an open request, seconds. */
  static final long DEFAULT_TTL = 3600;

  static final long MAX_TTL = 86_400;

  static final String SVID_REQUIRED = "SVID_REQUIRED";
  static final String NO_TARGETS = "NO_TARGETS";
  static final String TOO_MANY_TARGETS = "TOO_MANY_TARGETS";
  static final String WORK_UNKNOWN = "WORK_UNKNOWN";
  static final String ALREADY_ANSWERED = "ALREADY_ANSWERED";

  private static final String JSON = "application/json";
  private static final String EVENTS = "text/event-stream; charset=utf-8";
  private static final Pattern ROLLOUT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
  private static final Pattern DECIMAL = Pattern.compile("[1-9][0-9]{0,17}");
  private static final JsonReader READER =
      new JsonReader(
          new JsonLimits(RESULT_MAX_BYTES, 1, RESULT_MAX_BYTES, 8), JsonReader.Mode.INTEGERS_ONLY);
  private static final Set<String> OPEN_REQUIRED = Set.of("cap", "content", "glob");
  private static final Set<String> OPEN_OPTIONAL = Set.of("rollout", "tier", "ttl");

  private final TrustRoot root;
  private final RegistryView registry;
  private final WorkView work;
  private final WorkClient client;
  private final NodeAuth auth;
  private final ReceiptIssuer receipts;
  private final CheckpointSigner checkpoints;
  private final AuditLogReader log;
  private final Limiter limiter;
  private final Clock clock;
  private final SecureRandom random;
  private final Duration ping;
  private final Semaphore streams = new Semaphore(MAX_STREAMS);

  WorkRoutes(
      TrustRoot root,
      RegistryView registry,
      WorkView work,
      WorkClient client,
      NodeAuth auth,
      ReceiptIssuer receipts,
      CheckpointSigner checkpoints,
      AuditLogReader log,
      Limiter limiter,
      Clock clock,
      SecureRandom random,
      Duration ping) {
    this.root = root;
    this.registry = registry;
    this.work = work;
    this.client = client;
    this.auth = auth;
    this.receipts = receipts;
    this.checkpoints = checkpoints;
    this.log = log;
    this.limiter = limiter;
    this.clock = clock;
    this.random = random;
    this.ping = ping;
  }

  /** Whether {@code path} is one of these routes. */
  static boolean handles(String path) {
    return path.equals(OPEN)
        || path.equals(STREAM)
        || path.equals(RESULTS)
        || path.equals(CONSISTENCY)
        || path.startsWith(WORK_PREFIX)
        || path.startsWith(ROLLOUT_PREFIX);
  }

  /** Answers a request whose path {@link #handles}. */
  void handle(String path, Request request, Response response, Callback callback)
      throws IOException {
    boolean post = path.equals(OPEN) || path.equals(RESULTS);
    String method = request.getMethod();
    if (post ? !HttpMethod.POST.is(method) : !HttpMethod.GET.is(method)) {
      response.getHeaders().put(HttpHeader.ALLOW, post ? "POST" : "GET");
      send(response, callback, HttpStatus.METHOD_NOT_ALLOWED_405, new byte[0]);
      return;
    }
    if (path.equals(STREAM)) {
      stream(request, response, callback);
      return;
    }
    Reply reply;
    if (post) {
      if (!limiter.tryAcquireRate()) {
        response.getHeaders().put(HttpHeader.RETRY_AFTER, "1");
        reply = Reply.rateLimited();
      } else if (!limiter.tryEnter()) {
        reply = Reply.overloaded();
      } else {
        try {
          int max = path.equals(OPEN) ? OPEN_MAX_BYTES : RESULT_MAX_BYTES;
          Optional<byte[]> body = body(request, max);
          if (body.isEmpty()) {
            response.getHeaders().put(HttpHeader.CONNECTION, "close");
            reply = Reply.refusal(Reply.PAYLOAD_TOO_LARGE, "OVERSIZE", "the body is over " + max);
          } else {
            reply =
                path.equals(OPEN)
                    ? open(body.get())
                    : result(Routes.peerChain(request), body.get());
          }
        } finally {
          limiter.exit();
        }
      }
    } else if (path.equals(CONSISTENCY)) {
      reply = consistency(Request.extractQueryParameters(request));
    } else if (path.startsWith(ROLLOUT_PREFIX)) {
      reply = rollout(path.substring(ROLLOUT_PREFIX.length()));
    } else {
      reply = workRead(path.substring(WORK_PREFIX.length()));
    }
    send(response, callback, reply.status(), reply.bytes());
  }

  private static Optional<byte[]> body(Request request, int max) throws IOException {
    if (request.getLength() > max) {
      return Optional.empty();
    }
    try (InputStream in = Content.Source.asInputStream(request)) {
      byte[] b = in.readNBytes(max + 1);
      return b.length > max ? Optional.empty() : Optional.of(b);
    }
  }

  // ---- section 2: open ----

  Reply open(byte[] body) {
    JsonObject o;
    try {
      o = object(body);
      fields(o, OPEN_REQUIRED, OPEN_OPTIONAL);
    } catch (BadRequest e) {
      return Reply.badRequest(e.getMessage());
    }
    Capability cap;
    ContentId content;
    SpiffeIdGlob glob;
    Optional<Tier> tier;
    Optional<String> rollout;
    long ttl;
    try {
      cap =
          Capability.fromWire(string(o, "cap"))
              .filter(c -> c == Capability.DEPLOY || c == Capability.EXECUTE)
              .orElseThrow(() -> new BadRequest("cap is deploy or execute"));
      content =
          ContentId.parseSha256(string(o, "content"))
              .orElseThrow(() -> new BadRequest("content is sha256:<64 lowercase hex digits>"));
      try {
        glob = SpiffeIdGlob.parse(string(o, "glob"));
      } catch (WritDeniedException e) {
        throw new BadRequest("glob: " + e.getMessage());
      }
      tier =
          o.members().containsKey("tier")
              ? Optional.of(
                  Tier.fromWire(string(o, "tier"))
                      .orElseThrow(() -> new BadRequest("unknown tier")))
              : Optional.empty();
      if ((cap == Capability.EXECUTE) != tier.isPresent()) {
        throw new BadRequest("execute, and only execute, names a tier");
      }
      rollout =
          o.members().containsKey("rollout") ? Optional.of(string(o, "rollout")) : Optional.empty();
      if (rollout.isPresent() && !ROLLOUT.matcher(rollout.get()).matches()) {
        throw new BadRequest("rollout must match " + ROLLOUT.pattern());
      }
      ttl = o.members().containsKey("ttl") ? integer(o, "ttl") : DEFAULT_TTL;
      if (ttl < 1 || ttl > MAX_TTL) {
        throw new BadRequest("ttl is 1 to " + MAX_TTL + " seconds");
      }
    } catch (BadRequest e) {
      return Reply.badRequest(e.getMessage());
    }
    Tier floor = root.contents().policy().sandboxFloor();
    if (tier.isPresent() && !tier.get().atLeast(floor)) {
      return Reply.refusal(
          Reply.FORBIDDEN,
          "TIER_BELOW_FLOOR",
          "tier " + tier.get().wire() + " is below the root's sandbox_floor " + floor.wire());
    }
    List<SpiffeId> targets = new ArrayList<>();
    for (NodeRecord n : registry.nodes()) {
      if (glob.matches(n.registration().node()) && !registry.revoked(n.registration().serial())) {
        targets.add(n.registration().node());
      }
    }
    if (targets.isEmpty()) {
      return Reply.refusal(
          HttpStatus.NOT_FOUND_404, NO_TARGETS, "no registered node matches " + glob);
    }
    if (targets.size() > WorkRequest.MAX_TARGETS) {
      return Reply.refusal(
          Reply.PAYLOAD_TOO_LARGE,
          TOO_MANY_TARGETS,
          targets.size()
              + " nodes match; at most "
              + WorkRequest.MAX_TARGETS
              + ": narrow the glob");
    }
    long maxTtl = root.contents().policy().maxTtl(cap).toSeconds();
    Instant expires = clock.instant().plusSeconds(Math.min(ttl, maxTtl));
    WorkRequest request =
        new WorkRequest(
            WritId.random(random), cap, targets, content, tier, rollout, expires.getEpochSecond());
    try {
      client.open(request);
    } catch (SpendLedger.SpendLedgerException e) {
      return Reply.ledgerUnavailable(Optional.empty());
    } catch (WorkClient.RefusedException e) {
      return Reply.overloaded();
    }
    Map<String, JsonValue> m = new LinkedHashMap<>();
    m.put("cap", new JsonString(cap.wire()));
    m.put("content", new JsonString(content.toString()));
    m.put("expires", new JsonInteger(request.expires()));
    m.put("glob", new JsonString(glob.toString()));
    m.put("id", new JsonString(request.id().hex()));
    rollout.ifPresent(r -> m.put("rollout", new JsonString(r)));
    m.put("set_hash", new JsonString(request.targetSet().hash().toString()));
    m.put("targets", ids(request.targets()));
    tier.ifPresent(t -> m.put("tier", new JsonString(t.wire())));
    return new Reply(Reply.OK, new JsonObject(m), "open", "");
  }

  // ---- section 4: the stream ----

  private void stream(Request request, Response response, Callback callback) {
    X509Svid svid;
    try {
      svid = auth.authenticate(Routes.peerChain(request));
    } catch (NodeAuth.RefusedException e) {
      Reply r = nodeRefusal(Routes.peerChain(request), e);
      send(response, callback, r.status(), r.bytes());
      return;
    }
    if (!streams.tryAcquire()) {
      Reply r = Reply.overloaded();
      send(response, callback, r.status(), r.bytes());
      return;
    }
    List<X509Certificate> chain = Routes.peerChain(request);
    response.setStatus(HttpStatus.OK_200);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, EVENTS);
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    Thread.ofVirtual()
        .name("writ-work-stream")
        .start(
            () -> {
              try {
                events(svid, chain, response);
                response.write(true, ByteBuffer.allocate(0), callback);
              } catch (IOException | RuntimeException e) {
                callback.failed(e);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                callback.failed(e);
              } finally {
                streams.release();
              }
            });
  }

  /** Writes the stream's events until its time is up or the node is no longer valid. */
  private void events(X509Svid svid, List<X509Certificate> chain, Response response)
      throws IOException, InterruptedException {
    Instant end = clock.instant().plus(STREAM_MAX);
    if (svid.notAfter().isBefore(end)) {
      end = svid.notAfter();
    }
    SpiffeId node = svid.id();
    Set<WritId> sent = new HashSet<>();
    write(response, "ping", pingData());
    Instant nextPing = clock.instant().plus(ping);
    while (true) {
      long seen = log.size();
      for (WorkRegistry.Work w : work.pendingFor(node)) {
        if (!sent.contains(w.request().id())) {
          Optional<byte[]> event = workData(w);
          if (event.isEmpty()) {
            return; // no receipt now: end the stream, the agent reconnects and gets it again
          }
          write(response, "work", event.get());
          sent.add(w.request().id());
        }
      }
      Instant now = clock.instant();
      if (!now.isBefore(end)) {
        return;
      }
      Instant wake = nextPing.isBefore(end) ? nextPing : end;
      Duration wait = Duration.between(now, wake);
      // wakes early on a new leaf (new work, perhaps), else at the ping or the end; either way
      // the node is checked again, a due ping is sent and the pending list is read again
      log.awaitSize(seen + 1, wait.isNegative() ? Duration.ZERO : wait);
      try {
        auth.authenticate(chain); // revoked or superseded since it connected: close
      } catch (NodeAuth.RefusedException e) {
        return;
      }
      if (!clock.instant().isBefore(nextPing)) {
        write(response, "ping", pingData());
        nextPing = clock.instant().plus(ping);
      }
    }
  }

  private byte[] pingData() {
    return CanonicalJson.write(
        new JsonObject(Map.of("checkpoint", new JsonString(checkpoints.current().text()))));
  }

  private Optional<byte[]> workData(WorkRegistry.Work w) {
    JsonObject receipt;
    try {
      receipt = receipts.receipt(log.leaf(w.leafIndex()));
    } catch (ReceiptIssuer.ReceiptUnavailableException e) {
      return Optional.empty();
    }
    WorkRequest r = w.request();
    Map<String, JsonValue> m = new LinkedHashMap<>();
    m.put("cap", new JsonString(r.cap().wire()));
    m.put("content", new JsonString(r.content().toString()));
    m.put("envelope", new JsonString(Base64.getEncoder().encodeToString(w.envelopeBytes())));
    m.put("id", new JsonString(r.id().hex()));
    m.put("receipt", receipt);
    r.rollout().ifPresent(x -> m.put("rollout", new JsonString(x)));
    m.put("targets", ids(r.targets()));
    r.tier().ifPresent(t -> m.put("tier", new JsonString(t.wire())));
    return Optional.of(CanonicalJson.write(new JsonObject(m)));
  }

  private static void write(Response response, String event, byte[] data)
      throws IOException, InterruptedException {
    byte[] head = ("event: " + event + "\ndata: ").getBytes(StandardCharsets.UTF_8);
    ByteBuffer buf = ByteBuffer.allocate(head.length + data.length + 2);
    buf.put(head).put(data).put((byte) '\n').put((byte) '\n').flip();
    Callback.Completable done = new Callback.Completable();
    response.write(false, buf, done);
    try {
      done.get(WritServer.IDLE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new IOException("the stream write failed", e.getCause());
    } catch (TimeoutException e) {
      throw new IOException("the agent did not read the stream", e);
    }
  }

  // ---- section 4.1: consistency ----

  private Reply consistency(Fields query) {
    String oldText = query.getValue("old");
    String newText = query.getValue("new");
    if (query.getSize() != 2
        || oldText == null
        || newText == null
        || !DECIMAL.matcher(oldText).matches()
        || !DECIMAL.matcher(newText).matches()) {
      return Reply.badRequest("give old=N&new=M, decimal, 1 <= N <= M <= the log's size");
    }
    long size1 = Long.parseLong(oldText);
    long size2 = Long.parseLong(newText);
    if (size1 > size2 || size2 > log.size()) {
      return Reply.badRequest("need 1 <= old <= new <= " + log.size());
    }
    Map<String, JsonValue> m = new LinkedHashMap<>();
    m.put("new", new JsonInteger(size2));
    m.put("old", new JsonInteger(size1));
    m.put("proof", hashes(log.consistencyProof(size1, size2)));
    return new Reply(Reply.OK, new JsonObject(m), "proof", "");
  }

  // ---- section 7: results ----

  Reply result(List<X509Certificate> chain, byte[] body) {
    X509Svid svid;
    try {
      svid = auth.authenticate(chain);
    } catch (NodeAuth.RefusedException e) {
      return nodeRefusal(chain, e);
    }
    byte[] doc;
    byte[] signature;
    WorkResult parsed;
    try {
      JsonObject o = object(body);
      fields(o, Set.of("result", "signature"), Set.of());
      doc = base64(o, "result");
      signature = base64(o, "signature");
      parsed = WorkResult.parse(doc);
    } catch (BadRequest e) {
      return Reply.badRequest(e.getMessage());
    } catch (WritDeniedException e) {
      return Reply.badRequest("result: " + e.getMessage());
    }
    if (signature.length > StateCommand.Result.MAX_SIGNATURE_BYTES) {
      return Reply.badRequest("the signature is over " + StateCommand.Result.MAX_SIGNATURE_BYTES);
    }
    if (!parsed.node().equals(svid.id())) {
      return Reply.refusal(
          Reply.FORBIDDEN, "IDENTITY_MISMATCH", "the result names " + parsed.node());
    }
    if (!ResultSignature.verify(svid, doc, signature)) {
      return Reply.refusal(
          Reply.FORBIDDEN, "BAD_SIGNATURE", "the signature does not verify under the SVID key");
    }
    Optional<WorkRegistry.Work> w = parsed.id().flatMap(work::work);
    if (w.isEmpty()) {
      return Reply.refusal(HttpStatus.NOT_FOUND_404, WORK_UNKNOWN, "no work with this id");
    }
    WorkRegistry.Item item = w.get().items().get(svid.id());
    if (item == null) {
      return Reply.refusal(
          Reply.FORBIDDEN, "NOT_IN_TARGET_SET", svid.id() + " is not a target of this work");
    }
    if (item.state() != WorkRegistry.ItemState.PENDING) {
      return Reply.refusal(HttpStatus.CONFLICT_409, ALREADY_ANSWERED, "answered already");
    }
    String envelopeSha256 =
        HexFormat.of().formatHex(ContentId.of(w.get().envelopeBytes()).digest());
    if (!envelopeSha256.equals(parsed.envelopeSha256())) {
      return Reply.refusal(
          Reply.FORBIDDEN, "RECEIPT_MISMATCH", "the result is about another envelope");
    }
    AuditLeaf leaf;
    try {
      byte[] cert = svid.leaf().getEncoded();
      if (cert.length > StateCommand.Result.MAX_CERT_BYTES) {
        return Reply.refusal(Reply.FORBIDDEN, "SVID_INVALID", "the SVID certificate is too large");
      }
      leaf = client.result(doc, signature, cert);
    } catch (SpendLedger.SpendLedgerException e) {
      return Reply.ledgerUnavailable(parsed.id());
    } catch (WorkClient.RefusedException e) {
      return switch (e.code()) {
        case "already_answered" ->
            Reply.refusal(HttpStatus.CONFLICT_409, ALREADY_ANSWERED, "answered already");
        case "unknown_work" ->
            Reply.refusal(HttpStatus.NOT_FOUND_404, WORK_UNKNOWN, "no work with this id");
        default -> Reply.refusal(Reply.FORBIDDEN, "RESULT_REFUSED", e.getMessage());
      };
    } catch (CertificateEncodingException e) {
      return Reply.refusal(Reply.FORBIDDEN, "SVID_INVALID", "the SVID does not encode");
    }
    JsonObject receipt;
    try {
      receipt = receipts.receipt(leaf);
    } catch (ReceiptIssuer.ReceiptUnavailableException e) {
      return Reply.ledgerUnavailable(parsed.id());
    }
    Map<String, JsonValue> m = new LinkedHashMap<>();
    m.put("index", new JsonInteger(leaf.index()));
    m.put("receipt", receipt);
    return new Reply(Reply.OK, new JsonObject(m), "recorded", "");
  }

  private static Reply nodeRefusal(List<X509Certificate> chain, NodeAuth.RefusedException e) {
    if (chain.isEmpty()) {
      return Reply.refusal(
          HttpStatus.UNAUTHORIZED_401, SVID_REQUIRED, "this route needs the node's SVID");
    }
    return Reply.refusal(Reply.FORBIDDEN, e.reason().name(), e.getMessage());
  }

  // ---- section 8: progress ----

  private Reply workRead(String rest) {
    boolean results = rest.endsWith("/results");
    String idText = results ? rest.substring(0, rest.length() - "/results".length()) : rest;
    Optional<WorkRegistry.Work> w;
    try {
      w = work.work(WritId.parse(idText));
    } catch (WritDeniedException e) {
      return Reply.badRequest("a work path is /v1/work/<32 hex digits>[/results]");
    }
    if (w.isEmpty()) {
      return Reply.refusal(HttpStatus.NOT_FOUND_404, WORK_UNKNOWN, "no work with this id");
    }
    if (!results) {
      return new Reply(Reply.OK, workJson(w.get()), "read", "");
    }
    List<JsonValue> out = new ArrayList<>();
    for (WorkRegistry.Item item : w.get().items().values()) {
      if (item.resultLeaf().isEmpty()) {
        continue;
      }
      long index = item.resultLeaf().get();
      AuditLeaf leaf = log.leaf(index);
      JsonObject receipt;
      try {
        receipt = receipts.receipt(leaf);
      } catch (ReceiptIssuer.ReceiptUnavailableException e) {
        return Reply.ledgerUnavailable(Optional.of(w.get().request().id()));
      }
      Map<String, JsonValue> m = new LinkedHashMap<>();
      m.put("index", new JsonInteger(index));
      m.put("leaf", new JsonString(leaf.base64()));
      m.put("receipt", receipt);
      out.add(new JsonObject(m));
    }
    return new Reply(Reply.OK, new JsonObject(Map.of("results", new JsonArray(out))), "read", "");
  }

  private Reply rollout(String name) {
    if (!ROLLOUT.matcher(name).matches()) {
      return Reply.badRequest("rollout must match " + ROLLOUT.pattern());
    }
    List<WorkRegistry.Work> works = work.rollout(name);
    if (works.isEmpty()) {
      return Reply.refusal(HttpStatus.NOT_FOUND_404, WORK_UNKNOWN, "no work in rollout " + name);
    }
    Map<String, JsonValue> m = new LinkedHashMap<>();
    m.put("rollout", new JsonString(name));
    m.put("work", new JsonArray(works.stream().<JsonValue>map(WorkRoutes::workJson).toList()));
    return new Reply(Reply.OK, new JsonObject(m), "read", "");
  }

  private static JsonObject workJson(WorkRegistry.Work w) {
    WorkRequest r = w.request();
    Map<String, JsonValue> m = new LinkedHashMap<>();
    m.put("authorized", new JsonInteger(w.authorizedAt()));
    m.put("cap", new JsonString(r.cap().wire()));
    m.put("content", new JsonString(r.content().toString()));
    m.put("id", new JsonString(r.id().hex()));
    List<JsonValue> items = new ArrayList<>();
    w.items()
        .forEach(
            (node, item) -> {
              Map<String, JsonValue> i = new LinkedHashMap<>();
              item.resultLeaf().ifPresent(n -> i.put("index", new JsonInteger(n)));
              i.put("node", new JsonString(node.toString()));
              i.put("state", new JsonString(item.state().name().toLowerCase(Locale.ROOT)));
              items.add(new JsonObject(i));
            });
    m.put("items", new JsonArray(items));
    r.rollout().ifPresent(x -> m.put("rollout", new JsonString(x)));
    r.tier().ifPresent(t -> m.put("tier", new JsonString(t.wire())));
    return new JsonObject(m);
  }

  // ---- helpers ----

  private static JsonArray ids(List<SpiffeId> ids) {
    return new JsonArray(ids.stream().<JsonValue>map(i -> new JsonString(i.toString())).toList());
  }

  private static JsonArray hashes(List<byte[]> hashes) {
    Base64.Encoder b64 = Base64.getEncoder();
    return new JsonArray(
        hashes.stream().<JsonValue>map(h -> new JsonString(b64.encodeToString(h))).toList());
  }

  /** A request body that breaks the rules; the message is one line for the client. */
  private static final class BadRequest extends Exception {
    private static final long serialVersionUID = 1L;

    BadRequest(String message) {
      super(message);
    }
  }

  private static JsonObject object(byte[] body) throws BadRequest {
    try {
      if (READER.readCanonical(body) instanceof JsonObject o) {
        return o;
      }
    } catch (JsonException e) {
      throw new BadRequest("the body is not canonical JSON: " + e.getMessage());
    }
    throw new BadRequest("the body is not a JSON object");
  }

  private static void fields(JsonObject o, Set<String> required, Set<String> optional)
      throws BadRequest {
    Set<String> names = o.members().keySet();
    for (String n : names) {
      if (!required.contains(n) && !optional.contains(n)) {
        throw new BadRequest("unknown member " + n);
      }
    }
    for (String n : required) {
      if (!names.contains(n)) {
        throw new BadRequest("missing member " + n);
      }
    }
  }

  private static String string(JsonObject o, String name) throws BadRequest {
    if (o.members().get(name) instanceof JsonString(String s)) {
      return s;
    }
    throw new BadRequest(name + " must be a string");
  }

  private static long integer(JsonObject o, String name) throws BadRequest {
    if (o.members().get(name) instanceof JsonInteger(long n)) {
      return n;
    }
    throw new BadRequest(name + " must be an integer");
  }

  private static byte[] base64(JsonObject o, String name) throws BadRequest {
    String text = string(o, name);
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      throw new BadRequest(name + " is not base64");
    }
    if (bytes.length == 0 || !Base64.getEncoder().encodeToString(bytes).equals(text)) {
      throw new BadRequest(name + " is not canonical, non-empty base64");
    }
    return bytes;
  }

  private static void send(Response response, Callback callback, int status, byte[] body) {
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, JSON);
    response.write(true, ByteBuffer.wrap(body), callback);
  }
}
