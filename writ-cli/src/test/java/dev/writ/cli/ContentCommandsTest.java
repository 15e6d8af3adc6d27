package dev.writ.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import dev.writ.core.ContentId;
import dev.writ.core.Limits;
import dev.writ.core.SpiffeId;
import dev.writ.identity.svid.TrustDomain;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code writ content id|put|get} against a TLS stand-in for the server's content routes that
 * stores bytes by their hash as docs/spec/content.md says, and can be told to misbehave: answer a
 * fixed refusal, or send other bytes than the ones asked for. The real routes are tested in
 * writ-server ({@code ContentRoutesTest}).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ContentCommandsTest {
  private static final TrustDomain TD = new TrustDomain("fleet.test");
  private static final SpiffeId SERVER = new SpiffeId("fleet.test", "/writ/server");
  private static final byte[] HELLO = "hello, fleet\n".getBytes(UTF_8);
  private static final String HELLO_ID =
      "sha256:a963e87ae48c91da3ea9c3399321d0354d3289ecc12c9ef18bd1df2354b114a2";
  private static final String PREFIX = "/v1/content/";

  private final Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);

  @TempDir Path dir;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private final List<FakeEnrollServer> servers = new ArrayList<>();

  /** The stand-in's store, by the id in the path. */
  private final Map<String, byte[]> stored = new ConcurrentHashMap<>();

  /** Every request the content route received, as {@code METHOD path}. */
  private final List<String> requests = new CopyOnWriteArrayList<>();

  /** When set, every request is answered with this status and JSON. */
  private volatile Optional<FakeEnrollServer.Reply> cannedReply = Optional.empty();

  /** When set, GET sends these bytes whatever was asked. */
  private volatile Optional<byte[]> tamperedBytes = Optional.empty();

  @AfterEach
  void stop() {
    servers.forEach(FakeEnrollServer::close);
  }

  private FakeEnrollServer server(SpiffeId presented) throws Exception {
    FakeEnrollServer s = FakeEnrollServer.start(dir.resolve("ca-" + servers.size()), TD, presented);
    servers.add(s);
    s.handle(PREFIX, this::contentRoute);
    return s;
  }

  /** PUT and GET /v1/content/ID as the spec says, unless told to misbehave. */
  private void contentRoute(HttpExchange exchange) throws IOException {
    byte[] body = exchange.getRequestBody().readAllBytes();
    String id = exchange.getRequestURI().getPath().substring(PREFIX.length());
    requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath());
    if (cannedReply.isPresent()) {
      answer(exchange, cannedReply.get().status(), cannedReply.get().json().getBytes(UTF_8));
      return;
    }
    if (exchange.getRequestMethod().equals("PUT")) {
      if (!ContentId.of(body).toString().equals(id)) {
        answer(exchange, 400, refusal("CONTENT_MISMATCH"));
        return;
      }
      boolean created = stored.putIfAbsent(id, body) == null;
      answer(
          exchange,
          created ? 201 : 200,
          ("{\"content\":\"" + id + "\",\"size\":" + body.length + "}").getBytes(UTF_8));
      return;
    }
    byte[] bytes = tamperedBytes.orElse(stored.get(id));
    if (bytes == null) {
      answer(exchange, 404, refusal("CONTENT_UNKNOWN"));
      return;
    }
    answer(exchange, 200, bytes);
  }

  private static byte[] refusal(String code) {
    return ("{\"decision\":\"deny\",\"detail\":\"stand-in\",\"reason\":\"" + code + "\"}")
        .getBytes(UTF_8);
  }

  private static void answer(HttpExchange exchange, int status, byte[] bytes) throws IOException {
    exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    try (OutputStream o = exchange.getResponseBody()) {
      o.write(bytes);
    }
  }

  private int writ(String... args) {
    out.reset();
    err.reset();
    WritCli.Env env =
        new WritCli.Env(
            new PrintStream(out, true, UTF_8),
            new PrintStream(err, true, UTF_8),
            Map.of(),
            Clock.fixed(now, ZoneOffset.UTC),
            new SecureRandom());
    return WritCli.run(env, args);
  }

  private String err() {
    return err.toString(UTF_8);
  }

  private String out() {
    return out.toString(UTF_8);
  }

  private Path hello() throws IOException {
    return Files.write(dir.resolve("hello.txt"), HELLO);
  }

  private String bundle(FakeEnrollServer s) throws IOException {
    return s.writeBundle(dir.resolve("bundle.pem")).toString();
  }

  private int put(FakeEnrollServer s, Path file) throws IOException {
    return writ("content", "put", file.toString(), "--server", s.url(), "--bundle", bundle(s));
  }

  private int get(FakeEnrollServer s, String id, Path file) throws IOException {
    return writ(
        "content", "get", id, "--server", s.url(), "--bundle", bundle(s), "-o", file.toString());
  }

  @Test
  void id_printsTheFilesContentIdAloneOnALine() throws Exception {
    assertThat(writ("content", "id", hello().toString())).as(err()).isZero();

    assertThat(out()).isEqualTo(HELLO_ID + "\n");
  }

  @Test
  void id_missingFile_isAUsageError() {
    assertThat(writ("content", "id", dir.resolve("nope").toString())).isEqualTo(2);

    assertThat(err()).startsWith("writ: no such file: ");
    assertThat(out()).isEmpty();
  }

  @Test
  void put_storesTheFileAndPrintsItsIdAloneOnALine() throws Exception {
    FakeEnrollServer s = server(SERVER);

    assertThat(put(s, hello())).as(err()).isZero();

    assertThat(out()).isEqualTo(HELLO_ID + "\n");
    assertThat(stored.get(HELLO_ID)).isEqualTo(HELLO);
    assertThat(requests).containsExactly("PUT " + PREFIX + HELLO_ID);
  }

  @Test
  void put_twice_succeedsBothTimes() throws Exception {
    FakeEnrollServer s = server(SERVER);
    assertThat(put(s, hello())).isZero();

    assertThat(put(s, hello())).as(err()).isZero();

    assertThat(out()).isEqualTo(HELLO_ID + "\n");
  }

  @Test
  void put_thenGet_writesTheSameBytes() throws Exception {
    FakeEnrollServer s = server(SERVER);
    put(s, hello());
    Path copy = dir.resolve("copy.txt");

    assertThat(get(s, HELLO_ID, copy)).as(err()).isZero();

    assertThat(Files.readAllBytes(copy)).isEqualTo(HELLO);
    assertThat(out()).isEqualTo(HELLO_ID + "\n");
  }

  @Test
  void get_cidSpelling_fetchesTheSameContent() throws Exception {
    FakeEnrollServer s = server(SERVER);
    put(s, hello());
    Path copy = dir.resolve("copy.txt");

    assertThat(get(s, "bafkreifjmpuhvzemshnd5kodhgjsdubvjuzit3gbfsppdc6r34rvjmiuui", copy))
        .as(err())
        .isZero();

    assertThat(Files.readAllBytes(copy)).isEqualTo(HELLO);
    assertThat(requests).last().isEqualTo("GET " + PREFIX + HELLO_ID);
  }

  @Test
  void get_serverSendsOtherBytes_writesNothingAndFails() throws Exception {
    FakeEnrollServer s = server(SERVER);
    put(s, hello());
    tamperedBytes = Optional.of("hello, fleeT\n".getBytes(UTF_8));
    Path copy = dir.resolve("copy.txt");

    assertThat(get(s, HELLO_ID, copy)).isEqualTo(2);

    assertThat(err()).contains("bytes that hash to sha256:").contains("not to " + HELLO_ID);
    assertThat(copy).doesNotExist();
    assertThat(out()).isEmpty();
  }

  @Test
  void get_existingOutputAndServerSendsOtherBytes_leavesTheFileAlone() throws Exception {
    FakeEnrollServer s = server(SERVER);
    put(s, hello());
    tamperedBytes = Optional.of(new byte[0]);
    Path copy = Files.writeString(dir.resolve("copy.txt"), "before");

    assertThat(get(s, HELLO_ID, copy)).isEqualTo(2);

    assertThat(Files.readString(copy)).isEqualTo("before");
  }

  @Test
  void get_unknownId_isRefusedWithTheServersReasonAndWritesNothing() throws Exception {
    FakeEnrollServer s = server(SERVER);
    Path copy = dir.resolve("copy.txt");

    assertThat(get(s, HELLO_ID, copy)).isEqualTo(1);

    assertThat(err()).contains("CONTENT_UNKNOWN: stand-in");
    assertThat(copy).doesNotExist();
  }

  @Test
  void get_malformedId_isAUsageErrorWithoutContactingTheServer() throws Exception {
    FakeEnrollServer s = server(SERVER);

    assertThat(get(s, "sha256:abc", dir.resolve("copy.txt"))).isEqualTo(2);

    assertThat(err()).contains("sha256:<64 hex>");
    assertThat(requests).isEmpty();
  }

  @Test
  void put_refusedByTheServer_exitsOneWithTheReason() throws Exception {
    FakeEnrollServer s = server(SERVER);
    cannedReply =
        Optional.of(
            new FakeEnrollServer.Reply(400, new String(refusal("CONTENT_MISMATCH"), UTF_8)));

    assertThat(put(s, hello())).isEqualTo(1);

    assertThat(err()).contains("did not store").contains("CONTENT_MISMATCH: stand-in");
    assertThat(out()).isEmpty();
  }

  @Test
  void put_rateLimited_exitsThreeToRetry() throws Exception {
    FakeEnrollServer s = server(SERVER);
    cannedReply =
        Optional.of(
            new FakeEnrollServer.Reply(429, "{\"decision\":\"deny\",\"reason\":\"RATE_LIMITED\"}"));

    assertThat(put(s, hello())).isEqualTo(3);

    assertThat(err()).contains("RATE_LIMITED").contains("retry later");
  }

  @Test
  void put_serverConfirmsAnotherId_fails() throws Exception {
    FakeEnrollServer s = server(SERVER);
    String other = ContentId.of(new byte[0]).toString();
    cannedReply =
        Optional.of(new FakeEnrollServer.Reply(201, "{\"content\":\"" + other + "\",\"size\":0}"));

    assertThat(put(s, hello())).isEqualTo(2);

    assertThat(err()).contains("without confirming " + HELLO_ID);
    assertThat(out()).isEmpty();
  }

  @Test
  void put_serverWithAnotherSpiffeId_failsTheTlsCheckAndSendsNothing() throws Exception {
    FakeEnrollServer s = server(new SpiffeId("fleet.test", "/node/web-1"));

    assertThat(put(s, hello())).isEqualTo(2);

    assertThat(err()).startsWith("writ: cannot reach ");
    assertThat(stored).isEmpty();
  }

  @Test
  void put_httpUrl_isRefused() throws Exception {
    FakeEnrollServer s = server(SERVER);

    assertThat(
            writ(
                "content",
                "put",
                hello().toString(),
                "--server",
                s.url().replace("https:", "http:"),
                "--bundle",
                bundle(s)))
        .isEqualTo(2);

    assertThat(err()).contains("not ").contains("TLS 1.3 only");
  }

  @Test
  void put_withoutBundle_isAUsageError() throws Exception {
    FakeEnrollServer s = server(SERVER);

    assertThat(writ("content", "put", hello().toString(), "--server", s.url())).isEqualTo(2);

    assertThat(err()).contains("needs --bundle FILE");
  }

  @Test
  void put_fileOverTheContentLimit_isRefusedBeforeAnythingIsSent() throws Exception {
    FakeEnrollServer s = server(SERVER);
    Path big = dir.resolve("big.bin");
    try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
      f.setLength(Limits.MAX_CONTENT_BYTES + 1L);
    }

    assertThat(put(s, big)).isEqualTo(2);

    assertThat(err()).contains("larger than " + Limits.MAX_CONTENT_BYTES);
    assertThat(stored).isEmpty();
    assertThat(requests).isEmpty();
  }
}
