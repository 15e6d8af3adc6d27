package dev.writ.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.writ.identity.svid.SpiffeCa;
import dev.writ.identity.svid.SvidCredentials;
import dev.writ.identity.svid.TrustDomain;
import dev.writ.identity.tls.ClientAuth;
import dev.writ.identity.tls.MtlsContexts;
import dev.writ.identity.tls.RefusalListener;
import dev.writ.identity.tls.SvidKeyManager;
import dev.writ.identity.tls.SvidServerTrustManager;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The socket client against the JDK's HTTPS server on loopback (which is not Jetty, on purpose),
 * presenting a server SVID from a test CA.
 */
class SocketSubmitterTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final TrustDomain TD = new TrustDomain(BenchFleet.TRUST_DOMAIN);

  @TempDir Path dir;

  private SpiffeCa ca;
  private SSLContext serverTls;
  private SSLContext clientTls;
  private HttpsServer server;
  private URI url;
  private final AtomicReference<byte[]> answer = new AtomicReference<>();
  private final AtomicReference<Integer> status = new AtomicReference<>(200);
  private final AtomicReference<Long> fixedLength = new AtomicReference<>(-2L);
  private final AtomicReference<byte[]> received = new AtomicReference<>();
  private final Set<String> peers = Collections.synchronizedSet(new HashSet<>());

  @BeforeEach
  void start() throws Exception {
    ca = SpiffeCa.loadOrCreate(dir.resolve("ca"), TD, Clock.systemUTC(), RANDOM);
    SvidCredentials creds =
        ca.issueServerCredentials(
            BenchTls.SERVER,
            List.of("localhost"),
            List.of(InetAddress.getLoopbackAddress()),
            Duration.ofHours(1),
            RANDOM);
    serverTls =
        MtlsContexts.server(
            SvidKeyManager.of(creds),
            new SvidServerTrustManager(
                ca::bundle, Clock.systemUTC(), peer -> {}, RefusalListener.NONE),
            RANDOM);
    clientTls = BenchTls.client(ca.bundle(), Clock.systemUTC(), RANDOM);
    server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(serverTls));
    server.createContext(AuthorizeLoad.WRITS_PATH, this::handle);
    server.start();
    url = URI.create("https://127.0.0.1:" + server.getAddress().getPort() + "/");
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private void handle(HttpExchange ex) throws IOException {
    peers.add(ex.getRemoteAddress().toString());
    received.set(ex.getRequestBody().readAllBytes());
    byte[] body = answer.get();
    long length = fixedLength.get() == -2L ? body.length : fixedLength.get();
    // length 0 makes the JDK server use chunked transfer coding
    ex.sendResponseHeaders(status.get(), length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(body);
    }
  }

  @Test
  void post_fixedLengthAnswer_returnsStatusAndBodyAndSendsTheEnvelope() throws Exception {
    answer.set("{\"decision\":\"deny\",\"reason\":\"SPENT\"}".getBytes(StandardCharsets.UTF_8));
    status.set(403);
    try (SocketSubmitter s = new SocketSubmitter(List.of(url), clientTls)) {
      Submitter.Answer a = s.post(0, "envelope-bytes".getBytes(StandardCharsets.UTF_8));

      assertThat(a.status()).isEqualTo(403);
      assertThat(new String(a.body(), StandardCharsets.UTF_8)).contains("SPENT");
      assertThat(received.get()).isEqualTo("envelope-bytes".getBytes(StandardCharsets.UTF_8));
    }
  }

  @Test
  void post_chunkedAnswer_isReassembled() throws Exception {
    byte[] big = new byte[20_000];
    java.util.Arrays.fill(big, (byte) 'x');
    answer.set(big);
    fixedLength.set(0L);
    try (SocketSubmitter s = new SocketSubmitter(List.of(url), clientTls)) {
      Submitter.Answer a = s.post(0, new byte[] {1});

      assertThat(a.status()).isEqualTo(200);
      assertThat(a.body()).isEqualTo(big);
    }
  }

  @Test
  void post_manyRequests_reuseOneConnection() throws Exception {
    answer.set("ok".getBytes(StandardCharsets.UTF_8));
    try (SocketSubmitter s = new SocketSubmitter(List.of(url), clientTls)) {
      for (int i = 0; i < 20; i++) {
        assertThat(s.post(0, new byte[] {(byte) i}).status()).isEqualTo(200);
      }
    }
    assertThat(peers).hasSize(1);
  }

  @Test
  void post_nothingListening_throwsIOExceptionAndRecoversOnceServerIsBack() throws Exception {
    int dead;
    try (ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      dead = ss.getLocalPort();
    }
    answer.set("ok".getBytes(StandardCharsets.UTF_8));
    try (SocketSubmitter s =
        new SocketSubmitter(
            List.of(URI.create("https://127.0.0.1:" + dead + "/"), url), clientTls)) {
      assertThatThrownBy(() -> s.post(0, new byte[] {1})).isInstanceOf(IOException.class);
      assertThat(s.post(1, new byte[] {1}).status()).isEqualTo(200);
    }
  }

  @Test
  void post_answerLongerThanTheLimit_failsWithIOException() throws Exception {
    answer.set(new byte[SocketSubmitter.MAX_BODY + 1]);
    try (SocketSubmitter s = new SocketSubmitter(List.of(url), clientTls)) {
      assertThatThrownBy(() -> s.post(0, new byte[] {1}))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("exceeds");
    }
  }

  @Test
  void post_serverOfAnotherCa_failsTheHandshakeBeforeSendingTheWrit() throws Exception {
    SpiffeCa other = SpiffeCa.loadOrCreate(dir.resolve("other"), TD, Clock.systemUTC(), RANDOM);
    answer.set("ok".getBytes(StandardCharsets.UTF_8));
    try (SocketSubmitter s =
        new SocketSubmitter(
            List.of(url), BenchTls.client(other.bundle(), Clock.systemUTC(), RANDOM))) {
      assertThatThrownBy(() -> s.post(0, new byte[] {1})).isInstanceOf(SSLException.class);
    }
    assertThat(received.get()).isNull();
  }

  @Test
  void post_peerClosesMidAnswer_failsWithIOException() throws Exception {
    try (SSLServerSocket half =
        MtlsContexts.serverSocket(
            serverTls, ClientAuth.WANT, InetAddress.getLoopbackAddress(), 0, 1)) {
      Thread t =
          Thread.ofPlatform()
              .start(
                  () -> {
                    try (SSLSocket sock = (SSLSocket) half.accept()) {
                      sock.startHandshake();
                      sock.getInputStream().read(new byte[4096]);
                      OutputStream o = sock.getOutputStream();
                      o.write(
                          "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort"
                              .getBytes(StandardCharsets.US_ASCII));
                      o.flush();
                    } catch (IOException e) {
                      throw new java.io.UncheckedIOException(e);
                    }
                  });
      try (SocketSubmitter s =
          new SocketSubmitter(
              List.of(URI.create("https://127.0.0.1:" + half.getLocalPort() + "/")), clientTls)) {
        assertThatThrownBy(() -> s.post(0, new byte[] {1}))
            .isInstanceOf(IOException.class)
            .hasMessageContaining("closed inside the answer body");
      }
      t.join(10_000);
    }
  }

  @Test
  void new_plainHttpOrNoPort_isRefused() {
    assertThatThrownBy(
            () -> new SocketSubmitter(List.of(URI.create("http://127.0.0.1:7300/")), clientTls))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("https://host:port");
    assertThatThrownBy(
            () -> new SocketSubmitter(List.of(URI.create("https://127.0.0.1/")), clientTls))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("https://host:port");
  }

  @Test
  void benchTls_fileThatIsNotABundle_isRefused() throws Exception {
    Path garbage = Files.writeString(dir.resolve("garbage.pem"), "not a bundle");
    Path empty = Files.writeString(dir.resolve("empty.pem"), "");

    assertThatThrownBy(() -> BenchTls.client(garbage, Clock.systemUTC(), RANDOM))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("is not a trust bundle");
    assertThatThrownBy(() -> BenchTls.client(empty, Clock.systemUTC(), RANDOM))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("holds no CA certificate");
  }
}
