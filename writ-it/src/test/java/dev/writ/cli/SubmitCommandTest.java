package dev.writ.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.writ.core.Capability;
import dev.writ.core.TestFleet;
import dev.writ.server.WritServer;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code writ submit} against a real server, and against one whose receipts lie. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SubmitCommandTest {
  private static final TestFleet FLEET = TestFleet.standard();
  private static final Clock CLOCK = Clock.fixed(TestFleet.NOW, ZoneOffset.UTC);

  @TempDir Path dir;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private WritServer server;
  private HttpServer liar;

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
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("the receipt does not verify");
    assertThat(out()).isEmpty();
  }

  @Test
  void submit_serverThatRewritesTheDecision_isRefused() throws Exception {
    // a real answer for one writ, replayed by a lying server as the answer for another envelope
    byte[] real = postDirect(Files.readAllBytes(writ()));
    liar = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
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
    String liarUrl = "http://127.0.0.1:" + liar.getAddress().getPort();

    assertThat(submit(liarUrl, server.logKey(), writ())).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("the receipt does not verify");
  }

  @Test
  void auditVerify_overHttp_checksTheServersLogAndExtendsAReceiptsCheckpoint() throws Exception {
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
            "--key",
            server.logKey(),
            "--trusted-checkpoint",
            trusted.toString());

    assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
    assertThat(out()).contains("4 entries").contains("consistent with the trusted checkpoint");
  }

  @Test
  void submit_unreachableServer_isUsageError() throws Exception {
    assertThat(submit("http://127.0.0.1:1", server.logKey(), writ())).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("cannot reach");
  }

  @Test
  void submit_badLogKey_isUsageError() throws Exception {
    assertThat(submit(url(), "not-a-key", writ())).isEqualTo(2);
  }

  private byte[] postDirect(byte[] body) throws Exception {
    try (HttpClient http = HttpClient.newHttpClient()) {
      return http.send(
              HttpRequest.newBuilder(URI.create(url() + "/v1/writs"))
                  .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray())
          .body();
    }
  }

  private Path writ() throws Exception {
    Path p = Files.createTempFile(dir, "writ-", ".json");
    Files.write(p, TestFleet.sign(FLEET.writ(Capability.DEPLOY).build(), TestFleet.ALICE));
    return p;
  }

  private String url() {
    return "http://127.0.0.1:" + server.port();
  }

  private int submit(String url, String key, Path writ) {
    return cli("submit", writ.toString(), "--server", url, "--log-key", key);
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
}
