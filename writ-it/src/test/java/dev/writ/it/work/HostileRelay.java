package dev.writ.it.work;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import dev.writ.core.SpiffeId;
import dev.writ.core.WorkResult;
import dev.writ.core.WritDeniedException;
import dev.writ.identity.svid.SpiffeCa;
import dev.writ.identity.svid.SvidCredentials;
import dev.writ.identity.svid.SvidException;
import dev.writ.identity.svid.TrustDomain;
import dev.writ.identity.tls.MtlsContexts;
import dev.writ.identity.tls.SvidKeyManager;
import dev.writ.it.server.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * A compromised server, as an agent meets it: an HTTPS listener that presents a certificate for
 * {@code spiffe://<td>/writ/server} issued by the real server's CA (its key read from the server's
 * data folder, as a thief of that folder would), so an agent pointed at it with {@code --server}
 * accepts it as its server. It relays the public reads (content, consistency proofs, checkpoint,
 * tiles) to the real server unchanged, serves on {@code GET /v1/agent/work} only the work events
 * the test {@link #deliver}s, and keeps every result an agent posts instead of forwarding it.
 *
 * <p>Thread-safe: the event and result lists are concurrent; each connection has its own thread.
 */
final class HostileRelay implements AutoCloseable {
  /** How the relay answers a posted result. */
  enum ResultAnswer {
    /** 409 {@code ALREADY_ANSWERED}: the agent drops the result from its outbox. */
    SWALLOW,
    /**
     * 503 {@code OVERLOADED}: the agent keeps the result in its outbox and posts it again later.
     */
    HOLD
  }

  /** A result an agent posted, with its signature over the exact document bytes. */
  @SuppressWarnings("ArrayRecordComponent") // read only by the test
  record Captured(WorkResult result, byte[] document, byte[] signature) {}

  private static final Duration STREAM_POLL = Duration.ofMillis(100);
  private static final Duration STREAM_MAX = Duration.ofMinutes(5);
  private static final int MAX_RESULT_BYTES = 8192;

  private final HttpsServer server;
  private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
  private final OperatorClient real;
  private final List<String> events = new CopyOnWriteArrayList<>();
  private final List<Captured> results = new CopyOnWriteArrayList<>();
  private final List<String> refusedPosts = new CopyOnWriteArrayList<>();
  private volatile ResultAnswer answer = ResultAnswer.SWALLOW;
  private volatile boolean closed;

  private HostileRelay(HttpsServer server, OperatorClient real) {
    this.server = server;
    this.real = real;
  }

  /**
   * Starts a relay on a free loopback port in front of the server at {@code real}.
   *
   * @param caDir the real server's CA folder ({@code <data>/ca})
   */
  static HostileRelay start(Path caDir, TrustDomain td, OperatorClient real)
      throws IOException, GeneralSecurityException, SvidException {
    SecureRandom random = new SecureRandom();
    SpiffeCa ca = SpiffeCa.loadOrCreate(caDir, td, Clock.systemUTC(), random);
    SvidCredentials credentials =
        ca.issueServerCredentials(
            new SpiffeId(td.name(), "/writ/server"),
            List.of("localhost"),
            List.of(InetAddress.getLoopbackAddress()),
            Duration.ofHours(1),
            random);
    SSLContext context = SSLContext.getInstance(MtlsContexts.PROTOCOL);
    context.init(new KeyManager[] {SvidKeyManager.of(credentials)}, null, random);
    HttpsServer https =
        HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    https.setHttpsConfigurator(
        new HttpsConfigurator(context) {
          @Override
          public void configure(HttpsParameters params) {
            // no client certificate asked for: a thief does not care who the agent is
            SSLParameters p = new SSLParameters();
            p.setProtocols(new String[] {MtlsContexts.PROTOCOL});
            p.setCipherSuites(MtlsContexts.CIPHER_SUITES.toArray(String[]::new));
            params.setSSLParameters(p);
          }
        });
    HostileRelay relay = new HostileRelay(https, real);
    https.setExecutor(relay.threads);
    https.createContext("/", relay::handle);
    https.start();
    return relay;
  }

  /** {@code https://127.0.0.1:PORT}, what the agent is given as {@code --server}. */
  URI base() {
    return URI.create("https://127.0.0.1:" + server.getAddress().getPort());
  }

  /**
   * Serves {@code workData} (a work event's data line) on every stream from now on, until a result
   * for its id is posted. The stream's first ping carries the checkpoint of the first such event's
   * receipt, so the agent sees that tree before the receipt.
   */
  void deliver(String workData) {
    WorkEvents.id(workData); // a work event names its writ
    events.add(workData);
  }

  void answerResults(ResultAnswer a) {
    answer = a;
  }

  /** Every result posted so far, oldest first. */
  List<Captured> results() {
    return List.copyOf(results);
  }

  /** Bodies the relay could not read as a signed result. */
  List<String> refusedPosts() {
    return List.copyOf(refusedPosts);
  }

  /** Waits until a result for writ {@code idHex} was posted. */
  Captured awaitResult(String idHex, Duration timeout, AgentProcess agent)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      for (Captured c : results) {
        if (c.result().id().map(i -> i.hex().equals(idHex)).orElse(false)) {
          return c;
        }
      }
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError(
            "no result for " + idHex + " reached the relay within " + timeout + agent.tail());
      }
      Thread.sleep(STREAM_POLL.toMillis());
    }
  }

  private void handle(HttpExchange x) throws IOException {
    try (x) {
      String path = x.getRequestURI().getPath();
      String method = x.getRequestMethod();
      if (path.equals("/v1/agent/work") && method.equals("GET")) {
        stream(x);
      } else if (path.equals("/v1/agent/results") && method.equals("POST")) {
        result(x);
      } else if (method.equals("GET")) {
        forward(x);
      } else {
        send(x, 405, "application/json", refusal("MALFORMED", "the relay does not take this"));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void forward(HttpExchange x) throws IOException, InterruptedException {
    Reply r = real.get(x.getRequestURI().toString());
    send(x, r.status(), "application/octet-stream", r.body());
  }

  private void stream(HttpExchange x) throws IOException, InterruptedException {
    x.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
    x.sendResponseHeaders(200, 0);
    OutputStream out = x.getResponseBody();
    List<String> sent = new ArrayList<>();
    Optional<String> first = events.stream().findFirst();
    String note =
        first.isPresent() ? WorkEvents.checkpoint(first.get()) : real.get("/checkpoint").text();
    write(out, "ping", WorkEvents.ping(note));
    long end = System.nanoTime() + STREAM_MAX.toNanos();
    while (!closed && System.nanoTime() - end < 0) {
      for (String e : events) {
        if (!sent.contains(e)) {
          write(out, "work", e);
          sent.add(e);
        }
      }
      Thread.sleep(STREAM_POLL.toMillis());
    }
  }

  private static void write(OutputStream out, String event, String data) throws IOException {
    out.write(("event: " + event + "\ndata: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  private void result(HttpExchange x) throws IOException {
    byte[] body;
    try (InputStream in = x.getRequestBody()) {
      body = in.readNBytes(MAX_RESULT_BYTES + 1);
    }
    Captured c;
    try {
      var o = Json.object(body, "a posted result");
      byte[] doc = Base64.getDecoder().decode(Json.string(o, "result"));
      byte[] sig = Base64.getDecoder().decode(Json.string(o, "signature"));
      c = new Captured(WorkResult.parse(doc), doc, sig);
    } catch (AssertionError | IllegalArgumentException | WritDeniedException e) {
      refusedPosts.add(new String(body, StandardCharsets.UTF_8) + " (" + e.getMessage() + ")");
      send(x, 400, "application/json", refusal("MALFORMED", "not a signed result"));
      return;
    }
    results.add(c);
    c.result().id().ifPresent(id -> events.removeIf(e -> WorkEvents.id(e).equals(id.hex())));
    switch (answer) {
      case SWALLOW ->
          send(x, 409, "application/json", refusal("ALREADY_ANSWERED", "answered already"));
      case HOLD -> send(x, 503, "application/json", refusal("OVERLOADED", "try again later"));
    }
  }

  private static byte[] refusal(String reason, String detail) {
    return ("{\"decision\":\"deny\",\"detail\":\"" + detail + "\",\"reason\":\"" + reason + "\"}")
        .getBytes(StandardCharsets.UTF_8);
  }

  private static void send(HttpExchange x, int status, String type, byte[] body)
      throws IOException {
    x.getResponseHeaders().set("Content-Type", type);
    x.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      try (OutputStream out = x.getResponseBody()) {
        out.write(body);
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    server.stop(0);
    threads.shutdownNow();
  }
}
