package dev.writ.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.writ.core.SpiffeId;
import dev.writ.core.TestFleet;
import dev.writ.identity.svid.SpiffeCa;
import dev.writ.identity.svid.TrustDomain;
import dev.writ.identity.tls.MtlsContexts;
import dev.writ.identity.tls.SvidKeyManager;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server's one listener is TLS 1.3 (docs/spec/api.md section 1): plaintext and older TLS get no
 * answer, a client authenticates the server by the bundle and the SPIFFE ID {@code
 * spiffe://<td>/writ/server}, and the listener binds exactly the address it is given.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TlsListenerTest {
  private static final TestFleet FLEET = TestFleet.standard();
  private static final Clock CLOCK = Clock.fixed(TestFleet.NOW, ZoneOffset.UTC);
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  @TempDir Path dir;

  private WritServer server;

  @AfterEach
  void stop() throws IOException {
    if (server != null) {
      server.close();
    }
  }

  private void start(String host) throws IOException {
    server =
        WritServer.start(
            new ServerConfig(
                host,
                0,
                dir.resolve("ca"),
                FLEET.root(),
                dir,
                dir.resolve("log.key"),
                ServerConfig.DEFAULT_ORIGIN,
                List.of(),
                Optional.empty(),
                ServerConfig.DEFAULT_RATE,
                ServerConfig.DEFAULT_BURST,
                ServerConfig.DEFAULT_MAX_IN_FLIGHT,
                CLOCK));
  }

  @Test
  void tlsClientWithTheBundle_reachesTheServerAndSeesItsSpiffeId() throws Exception {
    start(ServerConfig.DEFAULT_HOST);

    HttpResponse<String> r;
    try (HttpClient http = TlsClients.anonymous(server, CLOCK)) {
      r = http.send(get("/healthz"), HttpResponse.BodyHandlers.ofString());
    }

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.sslSession()).isPresent();
    assertThat(r.sslSession().get().getProtocol()).isEqualTo(MtlsContexts.PROTOCOL);
    X509Certificate leaf = (X509Certificate) r.sslSession().get().getPeerCertificates()[0];
    assertThat(leaf.getSubjectAlternativeNames())
        .contains(List.of(6, "spiffe://fleet.test/writ/server"))
        .contains(List.of(7, "127.0.0.1"));
    assertThat(server.uri()).isEqualTo(URI.create("https://127.0.0.1:" + server.port()));
  }

  @Test
  void plainHttpRequest_getsNoHttpAnswer() throws Exception {
    start(ServerConfig.DEFAULT_HOST);
    URI plain = URI.create("http://127.0.0.1:" + server.port() + "/healthz");

    try (HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build()) {
      assertThatThrownBy(
              () ->
                  http.send(
                      HttpRequest.newBuilder(plain).timeout(TIMEOUT).build(),
                      HttpResponse.BodyHandlers.ofString()))
          .isInstanceOf(IOException.class);
    }
  }

  @Test
  void tls12Client_handshakeFails() throws Exception {
    start(ServerConfig.DEFAULT_HOST);
    SSLParameters tls12 = MtlsContexts.clientParameters();
    tls12.setProtocols(new String[] {"TLSv1.2"});
    tls12.setCipherSuites(new String[] {"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"});

    try (HttpClient http =
        HttpClient.newBuilder()
            .sslContext(
                TlsClients.context(
                    TlsClients.bundle(server), TlsClients.SERVER_ID, CLOCK, SvidKeyManager.empty()))
            .sslParameters(tls12)
            .connectTimeout(TIMEOUT)
            .build()) {
      assertThatThrownBy(() -> http.send(get("/healthz"), HttpResponse.BodyHandlers.ofString()))
          .isInstanceOf(SSLHandshakeException.class)
          .hasMessageContaining("protocol_version");
    }
  }

  @Test
  void clientWithAnotherCasBundle_refusesTheServer() throws Exception {
    start(ServerConfig.DEFAULT_HOST);
    SpiffeCa other =
        SpiffeCa.loadOrCreate(
            dir.resolve("other-ca"),
            new TrustDomain(TestFleet.TRUST_DOMAIN),
            CLOCK,
            new SecureRandom());

    try (HttpClient http =
        TlsClients.client(other.bundle(), TlsClients.SERVER_ID, CLOCK, SvidKeyManager.empty())) {
      assertThatThrownBy(() -> http.send(get("/healthz"), HttpResponse.BodyHandlers.ofString()))
          .isInstanceOf(SSLHandshakeException.class);
    }
  }

  @Test
  void clientExpectingAnotherSpiffeId_refusesTheServer() throws Exception {
    start(ServerConfig.DEFAULT_HOST);
    SpiffeId node = TestFleet.nodeId("web-1");

    try (HttpClient http =
        TlsClients.client(TlsClients.bundle(server), node, CLOCK, SvidKeyManager.empty())) {
      assertThatThrownBy(() -> http.send(get("/healthz"), HttpResponse.BodyHandlers.ofString()))
          .isInstanceOf(SSLHandshakeException.class);
    }
  }

  @Test
  void givenAddress_isBoundExactly_notAWildcard() throws Exception {
    start("127.0.0.2"); // on Linux all of 127/8 is loopback

    assertThat(server.host()).isEqualTo("127.0.0.2");
    assertThat(server.uri()).isEqualTo(URI.create("https://127.0.0.2:" + server.port()));
    try (HttpClient http = TlsClients.anonymous(server, CLOCK)) {
      assertThat(http.send(get("/healthz"), HttpResponse.BodyHandlers.ofString()).statusCode())
          .isEqualTo(200);
    }
    try (Socket s = new Socket()) {
      assertThatThrownBy(
              () ->
                  s.connect(
                      new InetSocketAddress(InetAddress.ofLiteral("127.0.0.1"), server.port()),
                      (int) TIMEOUT.toMillis()))
          .isInstanceOf(ConnectException.class);
    }
  }

  @Test
  void unresolvableAddress_failsToStartBeforeThePeer_soTheDataDirIsFreeAgain() throws Exception {
    assertThatThrownBy(() -> start("no-such-host.invalid")).isInstanceOf(IOException.class);
    assertThat(server).isNull();

    start(ServerConfig.DEFAULT_HOST); // the Raft storage is not held by a half-started peer

    try (HttpClient http = TlsClients.anonymous(server, CLOCK)) {
      assertThat(http.send(get("/healthz"), HttpResponse.BodyHandlers.ofString()).statusCode())
          .isEqualTo(200);
    }
  }

  private HttpRequest get(String path) {
    return HttpRequest.newBuilder(server.uri().resolve(path)).timeout(TIMEOUT).build();
  }
}
