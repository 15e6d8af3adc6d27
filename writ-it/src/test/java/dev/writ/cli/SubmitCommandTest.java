package dev.writ.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.writ.core.Capability;
import dev.writ.core.SpiffeId;
import dev.writ.core.TestFleet;
import dev.writ.identity.svid.SpiffeCa;
import dev.writ.identity.svid.SvidCredentials;
import dev.writ.identity.svid.TrustDomain;
import dev.writ.identity.tls.MtlsContexts;
import dev.writ.identity.tls.RefusalListener;
import dev.writ.identity.tls.SvidKeyManager;
import dev.writ.identity.tls.SvidServerTrustManager;
import dev.writ.server.WritServer;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code writ submit} and {@code writ audit verify} against a real server over TLS 1.3 with the
 * bundle it wrote; against a server of another CA (the TLS check refuses it); and against one that
 * holds the CA but lies in its answers (the receipt check refuses it).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SubmitCommandTest {
  private static final TestFleet FLEET = TestFleet.standard();
  private static final Clock CLOCK = Clock.fixed(TestFleet.NOW, ZoneOffset.UTC);

  @TempDir Path dir;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private WritServer server;
  private HttpsServer liar;

  @BeforeEach
  void start() throws Exception {
    server = WritServer.start(0, FLEET.root(), dir.resolve("data"), CLOCK);
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
    if (liar != null) {
      liar.stop(0);
    }
  }

  @Test
  void submit_validWrit_allowsWithVerifiedReceipt_thenReplayIsDeniedSpent() throws Exception {
    Path writ = writ();

    assertThat(submit(url(), server.logKey(), writ)).isZero();
    assertThat(out()).startsWith("{\"decision\":\"allow\",").contains("\"receipt_verified\":true");

    assertThat(submit(url(), server.logKey(), writ)).isEqualTo(1);
    assertThat(out()).contains("\"reason\":\"SPENT\"").contains("\"receipt_verified\":true");
  }

  @Test
  void submit_garbage_isDeniedMalformedWithVerifiedReceipt() throws Exception {
    Path junk = Files.writeString(dir.resolve("junk"), "not a writ");

    assertThat(submit(url(), server.logKey(), junk)).isEqualTo(1);
    assertThat(out()).contains("\"reason\":\"MALFORMED\"").contains("\"receipt_verified\":true");
  }

  @Test
  void submit_otherLogKey_receiptDoesNotVerify() throws Exception {
    String other =
        dev.writ.log.LogKeySigner.generate("writ.local/log", new SecureRandom())
            .verifierKey()
            .toString();

    assertThat(submit(url(), other, writ())).isEqualTo(2);
    assertThat(err()).contains("the receipt does not verify");
    assertThat(out()).isEmpty();
  }

  @Test
  void submit_bundleOfAnotherCa_failsTheTlsCheckAndSpendsNothing() throws Exception {
    Path otherBundle = otherCaBundle();
    Path writ = writ();

    int code =
        cli(
            "submit",
            writ.toString(),
            "--server",
            url(),
            "--bundle",
            otherBundle.toString(),
            "--log-key",
            server.logKey());

    assertThat(code).isEqualTo(2);
    assertThat(err()).contains("TLS with " + url() + "/v1/writs failed");
    assertThat(out()).isEmpty();
    // nothing reached the server: the same writ is still allowed with the right bundle
    assertThat(submit(url(), server.logKey(), writ)).isZero();
    assertThat(out()).contains("\"index\":0,");
  }

  @Test
  void submit_serverThatRewritesTheDecision_isRefused() throws Exception {
    // a real answer for one writ, replayed as the answer for another envelope by a server that
    // holds the CA (so it passes the TLS check): only the receipt check can catch it
    byte[] real = postDirect(Files.readAllBytes(writ()));
    liar = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    liar.setHttpsConfigurator(new HttpsConfigurator(impostorContext()));
    liar.createContext(
        "/v1/writs",
        exchange -> {
          exchange.getRequestBody().readAllBytes();
          exchange.sendResponseHeaders(200, real.length);
          try (OutputStream o = exchange.getResponseBody()) {
            o.write(real);
          }
        });
    liar.start();
    String liarUrl = "https://127.0.0.1:" + liar.getAddress().getPort();

    assertThat(submit(liarUrl, server.logKey(), writ())).isEqualTo(2);
    assertThat(err()).contains("the receipt does not verify");
  }

  @Test
  void auditVerify_overTls_checksTheServersLogAndExtendsAReceiptsCheckpoint() throws Exception {
    for (int i = 0; i < 3; i++) {
      assertThat(submit(url(), server.logKey(), writ())).isZero();
    }
    String firstCheckpoint =
        out().replaceAll(".*\"checkpoint\":\"([^\"]+)\".*", "$1").replace("\\n", "\n");
    Path trusted = Files.writeString(dir.resolve("trusted"), firstCheckpoint.strip() + "\n");
    assertThat(submit(url(), server.logKey(), writ())).isZero();

    int code =
        cli(
            "audit",
            "verify",
            "--log",
            url(),
            "--bundle",
            server.bundleFile().toString(),
            "--key",
            server.logKey(),
            "--trusted-checkpoint",
            trusted.toString());

    assertThat(code).as(err()).isZero();
    assertThat(out()).contains("4 entries").contains("consistent with the trusted checkpoint");
  }

  @Test
  void auditVerify_bundleOfAnotherCa_failsUnreadableAtTheCheckpoint() throws Exception {
    assertThat(submit(url(), server.logKey(), writ())).isZero();

    int code =
        cli(
            "audit",
            "verify",
            "--log",
            url(),
            "--bundle",
            otherCaBundle().toString(),
            "--key",
            server.logKey());

    assertThat(code).isEqualTo(1);
    assertThat(out()).startsWith("FAIL UNREADABLE: " + url() + "/checkpoint").contains("SSL");
  }

  @Test
  void submit_unreachableServer_isUsageError() throws Exception {
    assertThat(submit("https://127.0.0.1:1", server.logKey(), writ())).isEqualTo(2);
    assertThat(err()).contains("cannot reach");
  }

  @Test
  void submit_badLogKey_isUsageError() throws Exception {
    assertThat(submit(url(), "not-a-key", writ())).isEqualTo(2);
  }

  /** POSTs {@code body} over TLS with the server's bundle, outside the CLI's receipt check. */
  private byte[] postDirect(byte[] body) throws Exception {
    ServerTrust trust = ServerTrust.of(url(), server.bundleFile());
    try (HttpClient http = trust.client(CLOCK, new SecureRandom())) {
      return http.send(
              HttpRequest.newBuilder(trust.server().resolve("/v1/writs"))
                  .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray())
          .body();
    }
  }

  /**
   * A TLS context presenting {@code spiffe://fleet.test/writ/server} issued by the real server's
   * CA: what a server whose CA key leaked could present.
   */
  private SSLContext impostorContext() throws Exception {
    SecureRandom random = new SecureRandom();
    SpiffeCa ca =
        SpiffeCa.loadOrCreate(
            dir.resolve("data").resolve("ca"),
            new TrustDomain(TestFleet.TRUST_DOMAIN),
            CLOCK,
            random);
    SvidCredentials creds =
        ca.issueServerCredentials(
            new SpiffeId(TestFleet.TRUST_DOMAIN, "/writ/server"),
            List.of("localhost"),
            List.of(InetAddress.getLoopbackAddress()),
            Duration.ofHours(1),
            random);
    return MtlsContexts.server(
        SvidKeyManager.of(creds),
        new SvidServerTrustManager(ca::bundle, CLOCK, peer -> {}, RefusalListener.NONE),
        random);
  }

  /** The bundle of a CA in the same trust domain that did not issue the server's certificate. */
  private Path otherCaBundle() throws Exception {
    SpiffeCa other =
        SpiffeCa.loadOrCreate(
            dir.resolve("other-ca"),
            new TrustDomain(TestFleet.TRUST_DOMAIN),
            CLOCK,
            new SecureRandom());
    return Files.writeString(dir.resolve("other-bundle.pem"), other.bundle().format());
  }

  private Path writ() throws Exception {
    Path p = Files.createTempFile(dir, "writ-", ".json");
    Files.write(p, TestFleet.sign(FLEET.writ(Capability.REPLICATE).build(), TestFleet.ALICE));
    return p;
  }

  private String url() {
    return server.uri().toString();
  }

  private int submit(String url, String key, Path writ) {
    return cli(
        "submit",
        writ.toString(),
        "--server",
        url,
        "--bundle",
        server.bundleFile().toString(),
        "--log-key",
        key);
  }

  private int cli(String... args) {
    out.reset();
    err.reset();
    WritCli.Env env =
        new WritCli.Env(
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            Map.of(),
            CLOCK,
            new SecureRandom());
    return WritCli.run(env, args);
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }
}
