package dev.writ.cli;

import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.writ.core.SpiffeId;
import dev.writ.identity.svid.SpiffeCa;
import dev.writ.identity.svid.TrustDomain;
import dev.writ.identity.svid.X509Svid;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A TLS 1.3 stand-in for the server's enrollment routes: a certificate from a real {@link SpiffeCa}
 * for whatever SPIFFE ID the test picks, canned answers per path, and a record of every request;
 * tests of other routes plug in their own handler. It lets CLI tests check what the commands send
 * and how they treat answers a real server would not give. Thread-safe.
 */
final class FakeEnrollServer implements AutoCloseable {
  /** A canned answer. */
  record Reply(int status, String json) {}

  /** A request the server received. */
  record Seen(String path, String body) {}

  private final HttpsServer server;
  private final SpiffeCa ca;
  private final Map<String, Reply> replies = new ConcurrentHashMap<>();
  private final List<Seen> seen = new CopyOnWriteArrayList<>();

  private FakeEnrollServer(HttpsServer server, SpiffeCa ca) {
    this.server = server;
    this.ca = ca;
  }

  /** A server presenting an SVID for {@code presented}, issued by a new CA in {@code caDir}. */
  static FakeEnrollServer start(Path caDir, TrustDomain domain, SpiffeId presented)
      throws IOException, GeneralSecurityException {
    SecureRandom random = new SecureRandom();
    SpiffeCa ca = SpiffeCa.loadOrCreate(caDir, domain, Clock.systemUTC(), random);
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"), random);
    KeyPair keys = g.generateKeyPair();
    X509Svid svid =
        ca.issueServer(
            keys.getPublic(),
            presented,
            List.of("localhost"),
            List.of(InetAddress.getLoopbackAddress()),
            Duration.ofHours(1));
    char[] password = "test".toCharArray();
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setKeyEntry(
        "server", keys.getPrivate(), password, svid.chain().toArray(X509Certificate[]::new));
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(store, password);
    SSLContext tls = SSLContext.getInstance("TLSv1.3");
    tls.init(kmf.getKeyManagers(), null, random);
    HttpsServer server =
        HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(tls));
    FakeEnrollServer fake = new FakeEnrollServer(server, ca);
    server.createContext(
        "/",
        exchange -> {
          String body =
              new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
          String path = exchange.getRequestURI().getPath();
          fake.seen.add(new Seen(path, body));
          Reply r = fake.replies.getOrDefault(path, new Reply(404, "{}"));
          byte[] bytes = r.json().getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(r.status(), bytes.length);
          try (OutputStream o = exchange.getResponseBody()) {
            o.write(bytes);
          }
        });
    server.start();
    return fake;
  }

  /** Answers {@code path} with {@code status} and {@code json} from now on. */
  FakeEnrollServer answer(String path, int status, String json) {
    replies.put(path, new Reply(status, json));
    return this;
  }

  /** Serves every path under {@code prefix} with {@code handler} from now on (other routes). */
  FakeEnrollServer handle(String prefix, HttpHandler handler) {
    server.createContext(prefix, handler);
    return this;
  }

  /** Writes the CA's bundle (what an operator hands out) to {@code file}. */
  Path writeBundle(Path file) throws IOException {
    return Files.writeString(file, ca.bundle().format());
  }

  String url() {
    return "https://127.0.0.1:" + server.getAddress().getPort();
  }

  List<Seen> seen() {
    return List.copyOf(seen);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
