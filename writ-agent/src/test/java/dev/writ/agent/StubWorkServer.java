package dev.writ.agent;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import dev.writ.core.ContentId;
import dev.writ.core.SpiffeId;
import dev.writ.core.json.CanonicalJson;
import dev.writ.core.json.JsonException;
import dev.writ.core.json.JsonLimits;
import dev.writ.core.json.JsonReader;
import dev.writ.core.json.JsonValue;
import dev.writ.core.json.JsonValue.JsonArray;
import dev.writ.core.json.JsonValue.JsonInteger;
import dev.writ.core.json.JsonValue.JsonObject;
import dev.writ.core.json.JsonValue.JsonString;
import dev.writ.identity.svid.SpiffeCa;
import dev.writ.identity.svid.SvidCredentials;
import dev.writ.identity.svid.SvidException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.X509TrustManager;

/**
 * A stand-in for the server's agent routes (docs/spec/work.md sections 4, 4.1, 7 and content.md) on
 * loopback, over TLS 1.3 with a certificate for {@code spiffe://<td>/writ/server} from a real
 * {@link SpiffeCa}, asking for a client certificate and recording the ones presented. Its streams
 * are scripted by the test; results, content and consistency proofs come from the test's real
 * {@link TestLog}. For tests only; thread-safe.
 */
final class StubWorkServer implements AutoCloseable {
  /** How long a held stream stays open at most (tests end long before). */
  private static final Duration HOLD = Duration.ofSeconds(60);

  private static final JsonReader READER =
      new JsonReader(new JsonLimits(1 << 20, 8, 1 << 20, 256), JsonReader.Mode.INTEGERS_ONLY);
  private static final Pattern CONSISTENCY = Pattern.compile("old=([0-9]+)&new=([0-9]+)");

  /** One scripted stream: its raw text, then held open or ended. */
  record Script(String text, boolean hold) {}

  /** A result the agent posted, and the status it was answered with. */
  @SuppressWarnings("ArrayRecordComponent") // test data, never written
  record Posted(byte[] body, int status) {}

  private final HttpsServer server;
  private final ExecutorService executor;
  private final TestLog log;
  private final CountDownLatch released = new CountDownLatch(1);
  private final Queue<Script> streams = new ConcurrentLinkedQueue<>();
  private final Queue<Integer> resultStatuses = new ConcurrentLinkedQueue<>();
  private final Queue<Integer> contentStatuses = new ConcurrentLinkedQueue<>();
  private final Map<ContentId, byte[]> content = new ConcurrentHashMap<>();
  private final List<Posted> posted = new CopyOnWriteArrayList<>();
  private final List<String> consistencyQueries = new CopyOnWriteArrayList<>();
  private final List<X509Certificate> clients = new CopyOnWriteArrayList<>();
  private final AtomicInteger streamsOpened = new AtomicInteger();
  private final AtomicInteger nextIndex = new AtomicInteger(100);

  private StubWorkServer(HttpsServer server, ExecutorService executor, TestLog log) {
    this.server = server;
    this.executor = executor;
    this.log = log;
  }

  /**
   * Starts a stub whose certificate {@code ca} issues; proofs and receipts come from {@code log}.
   */
  static StubWorkServer start(SpiffeCa ca, TestLog log, SecureRandom random)
      throws IOException, GeneralSecurityException, SvidException {
    SvidCredentials tls =
        ca.issueServerCredentials(
            new SpiffeId(ca.trustDomain().name(), "/writ/server"),
            List.of("localhost"),
            List.of(InetAddress.getLoopbackAddress()),
            Duration.ofHours(1),
            random);
    char[] password = "stub".toCharArray();
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setKeyEntry(
        "server", tls.privateKey(), password, tls.svid().chain().toArray(X509Certificate[]::new));
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(store, password);
    HttpsServer https =
        HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    ExecutorService executor = Executors.newCachedThreadPool();
    https.setExecutor(executor);
    StubWorkServer stub = new StubWorkServer(https, executor, log);
    SSLContext context = SSLContext.getInstance("TLSv1.3");
    context.init(
        kmf.getKeyManagers(),
        new X509TrustManager[] {stub.new ClientRecorder(ca.certificate())},
        random);
    https.setHttpsConfigurator(
        new HttpsConfigurator(context) {
          @Override
          public void configure(HttpsParameters params) {
            SSLParameters p = context.getDefaultSSLParameters();
            p.setWantClientAuth(true);
            params.setSSLParameters(p);
          }
        });
    https.createContext("/v1/agent/work", stub::work);
    https.createContext("/v1/agent/results", stub::results);
    https.createContext("/v1/content/", stub::content);
    https.createContext("/v1/log/consistency", stub::consistency);
    https.start();
    return stub;
  }

  /** Takes a client certificate only if the stub's CA signed it, and remembers it. */
  private final class ClientRecorder implements X509TrustManager {
    private final X509Certificate ca;

    ClientRecorder(X509Certificate ca) {
      this.ca = ca;
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      try {
        chain[0].verify(ca.getPublicKey());
      } catch (GeneralSecurityException e) {
        throw new CertificateException("not issued by the stub's CA", e);
      }
      clients.add(chain[0]);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      throw new CertificateException("the stub is a server");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[] {ca};
    }
  }

  // scripting -----------------------------------------------------------------------------------

  /** The next stream opened serves {@code events} (raw text), then stays open. */
  StubWorkServer streamThenHold(String... events) {
    streams.add(new Script(String.join("", events), true));
    return this;
  }

  /** The next stream opened serves {@code events} (raw text), then ends. */
  StubWorkServer streamThenEnd(String... events) {
    streams.add(new Script(String.join("", events), false));
    return this;
  }

  /** The next results posted are answered with these statuses (then 200). */
  StubWorkServer answerResults(int... statuses) {
    for (int s : statuses) {
      resultStatuses.add(s);
    }
    return this;
  }

  /** The next content reads are answered with these statuses (then the bytes, or 404). */
  StubWorkServer answerContent(int... statuses) {
    for (int s : statuses) {
      contentStatuses.add(s);
    }
    return this;
  }

  StubWorkServer serve(byte[] bytes) {
    content.put(ContentId.of(bytes), bytes.clone());
    return this;
  }

  /** A {@code ping} event with the log's checkpoint at {@code size}. */
  String ping(long size) {
    return event("ping", object(Map.of("checkpoint", new JsonString(log.note(size)))));
  }

  /** A {@code work} event for {@code item}, its receipt against the whole current log. */
  String work(AgentRunnerTest.Work item) {
    Map<String, JsonValue> m = new TreeMap<>();
    m.put("cap", new JsonString(item.payload().cap().wire()));
    m.put("content", new JsonString(item.payload().content().orElseThrow().toString()));
    m.put("envelope", new JsonString(Base64.getEncoder().encodeToString(item.envelope())));
    m.put("id", new JsonString(item.payload().id().hex()));
    m.put("receipt", parse(log.receipt(item.index()).getBytes(UTF_8)));
    List<JsonValue> targets = new ArrayList<>();
    for (SpiffeId t : item.targets()) {
      targets.add(new JsonString(t.toString()));
    }
    m.put("targets", new JsonArray(targets));
    item.payload().tier().ifPresent(t -> m.put("tier", new JsonString(t.wire())));
    return event("work", new JsonObject(m));
  }

  private static String event(String name, JsonObject data) {
    return "event: " + name + "\ndata: " + new String(CanonicalJson.write(data), UTF_8) + "\n\n";
  }

  private static JsonObject object(Map<String, JsonValue> members) {
    return new JsonObject(new TreeMap<>(members));
  }

  // what happened -------------------------------------------------------------------------------

  List<Posted> posted() {
    return List.copyOf(posted);
  }

  List<String> consistencyQueries() {
    return List.copyOf(consistencyQueries);
  }

  List<X509Certificate> clients() {
    return List.copyOf(clients);
  }

  int streamsOpened() {
    return streamsOpened.get();
  }

  String url() {
    return "https://127.0.0.1:" + server.getAddress().getPort();
  }

  // routes --------------------------------------------------------------------------------------

  private void work(HttpExchange exchange) throws IOException {
    streamsOpened.incrementAndGet();
    Script script = streams.poll();
    if (script == null) {
      script = new Script("", true); // nothing scripted: an idle stream
    }
    exchange.getResponseHeaders().add("Content-Type", "text/event-stream; charset=utf-8");
    exchange.sendResponseHeaders(200, 0);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(script.text().getBytes(UTF_8));
      out.flush();
      if (script.hold()) {
        released.await(HOLD.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (IOException e) {
      // the agent hung up (it refused a line, or it stopped): the stream is over
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void results(HttpExchange exchange) throws IOException {
    byte[] body = exchange.getRequestBody().readAllBytes();
    Integer status = resultStatuses.poll();
    int s = status == null ? 200 : status;
    posted.add(new Posted(body, s));
    if (s == 200) {
      reply(exchange, 200, "{\"index\":" + nextIndex.getAndIncrement() + ",\"receipt\":{}}");
    } else {
      reply(exchange, s, "{\"decision\":\"deny\",\"detail\":\"stub\",\"reason\":\"STUB\"}");
    }
  }

  private void content(HttpExchange exchange) throws IOException {
    Integer status = contentStatuses.poll();
    if (status != null) {
      reply(exchange, status, "{}");
      return;
    }
    String id = exchange.getRequestURI().getPath().substring("/v1/content/".length());
    byte[] bytes = ContentId.parseSha256(id).map(content::get).orElse(null);
    if (bytes == null) {
      reply(exchange, 404, "{}");
      return;
    }
    exchange.sendResponseHeaders(200, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private void consistency(HttpExchange exchange) throws IOException {
    String query = exchange.getRequestURI().getRawQuery();
    consistencyQueries.add(query);
    Matcher m = CONSISTENCY.matcher(query == null ? "" : query);
    if (!m.matches()) {
      reply(exchange, 400, "{}");
      return;
    }
    long oldSize = Long.parseLong(m.group(1));
    long newSize = Long.parseLong(m.group(2));
    List<JsonValue> proof = new ArrayList<>();
    List<byte[]> hashes;
    try {
      hashes = log.log.consistencyProof(oldSize, newSize);
    } catch (IllegalArgumentException e) {
      reply(exchange, 400, "{}"); // out of range, as the server answers
      return;
    }
    for (byte[] h : hashes) {
      proof.add(new JsonString(Base64.getEncoder().encodeToString(h)));
    }
    reply(
        exchange,
        200,
        new String(
            CanonicalJson.write(
                object(
                    Map.of(
                        "new", new JsonInteger(newSize),
                        "old", new JsonInteger(oldSize),
                        "proof", new JsonArray(proof)))),
            UTF_8));
  }

  private static void reply(HttpExchange exchange, int status, String json) throws IOException {
    byte[] bytes = json.getBytes(UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static JsonValue parse(byte[] json) {
    try {
      return READER.read(json);
    } catch (JsonException e) {
      throw new AssertionError("the test log wrote bad JSON", e);
    }
  }

  @Override
  public void close() {
    released.countDown();
    server.stop(0);
    executor.shutdownNow();
  }
}
