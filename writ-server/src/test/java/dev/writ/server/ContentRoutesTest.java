package dev.writ.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.writ.core.ContentId;
import dev.writ.core.Limits;
import dev.writ.core.TestFleet;
import dev.writ.identity.tls.MtlsContexts;
import dev.writ.identity.tls.SvidKeyManager;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code PUT} and {@code GET /v1/content/sha256:<hex>} (docs/spec/content.md) on a real server over
 * its TLS 1.3 listener, by a client without a certificate.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ContentRoutesTest {
  private static final TestFleet FLEET = TestFleet.standard();
  private static final Clock CLOCK = Clock.fixed(TestFleet.NOW, ZoneOffset.UTC);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);
  private static final byte[] HELLO = "hello, fleet\n".getBytes(UTF_8);
  private static final ContentId HELLO_ID = ContentId.of(HELLO);

  @TempDir Path dir;

  private WritServer server;
  private HttpClient http;

  @BeforeEach
  void start() throws IOException {
    serve(ServerConfig.embedded(0, FLEET.root(), dir.resolve("data"), CLOCK));
  }

  @AfterEach
  void stop() throws IOException {
    if (server != null) {
      server.close();
    }
    if (http != null) {
      http.close();
    }
  }

  @Test
  void put_thenGet_roundTripsTheBytes() throws Exception {
    HttpResponse<byte[]> put = put(HELLO_ID.toString(), HELLO);

    assertThat(put.statusCode()).isEqualTo(201);
    assertThat(put.headers().firstValue("content-type")).hasValue("application/json");
    assertThat(text(put)).isEqualTo("{\"content\":\"" + HELLO_ID + "\",\"size\":13}");
    HttpResponse<byte[]> get = get(HELLO_ID.toString());
    assertThat(get.statusCode()).isEqualTo(200);
    assertThat(get.body()).isEqualTo(HELLO);
    assertThat(get.headers().firstValue("content-type")).hasValue("application/octet-stream");
    assertThat(get.headers().firstValue("cache-control"))
        .hasValue("public, max-age=31536000, immutable");
    assertThat(storedFile(HELLO_ID)).exists();
  }

  @Test
  void put_sameContentTwice_isIdempotentWith200() throws Exception {
    assertThat(put(HELLO_ID.toString(), HELLO).statusCode()).isEqualTo(201);

    HttpResponse<byte[]> again = put(HELLO_ID.toString(), HELLO);

    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(text(again)).isEqualTo("{\"content\":\"" + HELLO_ID + "\",\"size\":13}");
    assertThat(get(HELLO_ID.toString()).body()).isEqualTo(HELLO);
  }

  @Test
  void put_bytesThatDoNotHashToTheId_deniesWithContentMismatchAndStoresNothing() throws Exception {
    ContentId other = ContentId.of("other".getBytes(UTF_8));

    HttpResponse<byte[]> put = put(other.toString(), HELLO);

    assertThat(put.statusCode()).isEqualTo(400);
    assertThat(text(put))
        .startsWith("{\"decision\":\"deny\",\"detail\":\"the 13 bytes hash to " + HELLO_ID)
        .endsWith("\"reason\":\"CONTENT_MISMATCH\"}");
    assertThat(storedFile(other)).doesNotExist();
    assertThat(storedFile(HELLO_ID)).doesNotExist();
    assertThat(get(other.toString()).statusCode()).isEqualTo(404);
  }

  @Test
  void put_differentBytesUnderAnIdAlreadyStored_deniesAndKeepsTheStoredBytes() throws Exception {
    put(HELLO_ID.toString(), HELLO);

    HttpResponse<byte[]> put = put(HELLO_ID.toString(), "hello, fleeT\n".getBytes(UTF_8));

    assertThat(put.statusCode()).isEqualTo(400);
    assertThat(text(put)).contains("\"reason\":\"CONTENT_MISMATCH\"");
    assertThat(get(HELLO_ID.toString()).body()).isEqualTo(HELLO);
  }

  @Test
  void put_declaredLengthOverTheLimit_isOversizeWithoutReadingTheBody() throws Exception {
    String answer =
        rawRequest(
            "PUT /v1/content/"
                + HELLO_ID
                + " HTTP/1.1\r\nHost: localhost\r\nContent-Length: "
                + (Limits.MAX_CONTENT_BYTES + 1)
                + "\r\n\r\n");

    assertThat(answer).startsWith("HTTP/1.1 413 ");
    assertThat(answer).contains("\"reason\":\"OVERSIZE\"");
    assertThat(storedFile(HELLO_ID)).doesNotExist();
  }

  @Test
  void put_streamedBodyOverTheLimit_isOversizeAndStoresNothing() throws Exception {
    long length = Limits.MAX_CONTENT_BYTES + 1L;
    HttpResponse<byte[]> put =
        send(
            HttpRequest.newBuilder(uri("/v1/content/" + HELLO_ID))
                .PUT(HttpRequest.BodyPublishers.ofInputStream(() -> zeros(length))));

    assertThat(put.statusCode()).isEqualTo(413);
    assertThat(text(put)).contains("\"reason\":\"OVERSIZE\"");
    assertThat(storedFile(HELLO_ID)).doesNotExist();
    try (Stream<Path> temps = Files.list(dir.resolve("data/content/tmp"))) {
      assertThat(temps).isEmpty();
    }
  }

  /** Ids a content path refuses: only {@code sha256:<64 lowercase hex>} is accepted. */
  private static final List<String> MALFORMED_IDS =
      List.of(
          "sha256:A963E87AE48C91DA3EA9C3399321D0354D3289ECC12C9EF18BD1DF2354B114A2",
          "bafkreifjmpuhvzemshnd5kodhgjsdubvjuzit3gbfsppdc6r34rvjmiuui",
          "sha256:a963e87ae48c91da3ea9c3399321d0354d3289ecc12c9ef18bd1df2354b114a",
          "sha256:a963e87ae48c91da3ea9c3399321d0354d3289ecc12c9ef18bd1df2354b114a2/x",
          "sha512:a963e87ae48c91da3ea9c3399321d0354d3289ecc12c9ef18bd1df2354b114a2",
          "a963e87ae48c91da3ea9c3399321d0354d3289ecc12c9ef18bd1df2354b114a2",
          "sha256%3Aa963e87ae48c91da3ea9c3399321d0354d3289ecc12c9ef18bd1df2354b114a2",
          "");

  @Test
  void putAndGet_malformedIdInThePath_areMalformed() throws Exception {
    for (String id : MALFORMED_IDS) {
      HttpResponse<byte[]> put = put(id, HELLO);
      HttpResponse<byte[]> get = get(id);

      for (HttpResponse<byte[]> r : List.of(put, get)) {
        assertThat(r.statusCode()).as(id).isEqualTo(400);
        assertThat(text(r)).as(id).contains("\"reason\":\"MALFORMED\"");
      }
    }
    assertThat(storedFile(HELLO_ID)).doesNotExist();
  }

  @Test
  void get_unknownId_isNotFound() throws Exception {
    HttpResponse<byte[]> get = get(HELLO_ID.toString());

    assertThat(get.statusCode()).isEqualTo(404);
    assertThat(text(get)).contains("\"reason\":\"CONTENT_UNKNOWN\"");
  }

  @Test
  void get_fileCorruptedOnDiskAfterUpload_neverServesTheWrongBytes() throws Exception {
    put(HELLO_ID.toString(), HELLO);
    byte[] corrupted = "hello, fleeT\n".getBytes(UTF_8);
    Path file = storedFile(HELLO_ID);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    Files.write(file, corrupted);

    HttpResponse<byte[]> get = get(HELLO_ID.toString());

    assertThat(get.statusCode()).isEqualTo(500);
    assertThat(get.headers().firstValue("content-type")).hasValue("application/json");
    assertThat(text(get)).contains("\"reason\":\"CONTENT_CORRUPT\"").doesNotContain("fleeT");
    assertThat(get(HELLO_ID.toString()).statusCode()).isEqualTo(404);
    // uploading the right bytes again restores the id
    assertThat(put(HELLO_ID.toString(), HELLO).statusCode()).isEqualTo(201);
    assertThat(get(HELLO_ID.toString()).body()).isEqualTo(HELLO);
  }

  @Test
  void put_concurrentlyOfOneId_storesItOnceAndAnswersEveryone() throws Exception {
    byte[] big = new byte[1024 * 1024];
    for (int i = 0; i < big.length; i++) {
      big[i] = (byte) (i * 131 + 17);
    }
    ContentId id = ContentId.of(big);
    int clients = ContentRoutes.MAX_TRANSFERS;
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    List<Integer> statuses = new ArrayList<>();
    try {
      List<Future<Integer>> results = new ArrayList<>();
      for (int i = 0; i < clients; i++) {
        Callable<Integer> call =
            () -> {
              go.await();
              return put(id.toString(), big).statusCode();
            };
        results.add(pool.submit(call));
      }
      go.countDown();
      for (Future<Integer> f : results) {
        statuses.add(f.get(60, TimeUnit.SECONDS));
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(statuses).containsOnly(200, 201);
    assertThat(statuses).filteredOn(s -> s == 201).hasSize(1);
    assertThat(get(id.toString()).body()).isEqualTo(big);
  }

  @Test
  void otherMethods_areNotAllowed() throws Exception {
    HttpResponse<byte[]> delete =
        send(HttpRequest.newBuilder(uri("/v1/content/" + HELLO_ID)).DELETE());
    HttpResponse<byte[]> post =
        send(
            HttpRequest.newBuilder(uri("/v1/content/" + HELLO_ID))
                .POST(HttpRequest.BodyPublishers.ofByteArray(HELLO)));

    for (HttpResponse<byte[]> r : List.of(delete, post)) {
      assertThat(r.statusCode()).isEqualTo(405);
      assertThat(r.headers().firstValue("allow")).hasValue("GET, PUT");
    }
    assertThat(storedFile(HELLO_ID)).doesNotExist();
  }

  @Test
  void put_overTheRate_isTooManyRequestsAndStoresNothing() throws Exception {
    server.close();
    serve(ServerConfig.embedded(0, FLEET.root(), dir.resolve("data2"), CLOCK).withLimits(1, 1, 16));
    HttpResponse<byte[]> limited = null;
    for (int i = 0; i < 4 && limited == null; i++) { // 1/s with a burst of 1: one of 4 is over
      HttpResponse<byte[]> r = put(HELLO_ID.toString(), HELLO);
      if (r.statusCode() == 429) {
        limited = r;
      } else {
        assertThat(r.statusCode()).isIn(200, 201);
      }
    }

    assertThat(limited).isNotNull();
    assertThat(limited.headers().firstValue("retry-after")).hasValue("1");
    assertThat(text(limited)).contains("\"reason\":\"RATE_LIMITED\"");
  }

  @Test
  void metrics_countContentAnswersByOperationAndResult() throws Exception {
    put(HELLO_ID.toString(), HELLO);
    put(HELLO_ID.toString(), HELLO);
    get(HELLO_ID.toString());
    get(ContentId.of(new byte[0]).toString());

    String m = text(fetch("/metrics"));

    assertThat(m).contains("writ_content_total{op=\"put\",result=\"created\"} 1.0");
    assertThat(m).contains("writ_content_total{op=\"put\",result=\"present\"} 1.0");
    assertThat(m).contains("writ_content_total{op=\"get\",result=\"served\"} 1.0");
    assertThat(m).contains("writ_content_total{op=\"get\",result=\"CONTENT_UNKNOWN\"} 1.0");
  }

  private Path storedFile(ContentId id) {
    String hex = id.hex();
    return dir.resolve("data/content/sha256").resolve(hex.substring(0, 2)).resolve(hex);
  }

  private HttpResponse<byte[]> put(String id, byte[] body)
      throws IOException, InterruptedException {
    return send(
        HttpRequest.newBuilder(uri("/v1/content/" + id))
            .PUT(HttpRequest.BodyPublishers.ofByteArray(body)));
  }

  private HttpResponse<byte[]> get(String id) throws IOException, InterruptedException {
    return fetch("/v1/content/" + id);
  }

  private HttpResponse<byte[]> fetch(String path) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(uri(path)).GET());
  }

  private HttpResponse<byte[]> send(HttpRequest.Builder request)
      throws IOException, InterruptedException {
    return http.send(
        request.timeout(REQUEST_TIMEOUT).build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  /** Writes {@code head} on a new TLS connection and reads the answer until the server closes. */
  private String rawRequest(String head) throws IOException {
    try (SSLSocket s =
        MtlsContexts.clientSocket(
            TlsClients.context(
                TlsClients.bundle(server), TlsClients.SERVER_ID, CLOCK, SvidKeyManager.empty()))) {
      s.connect(new InetSocketAddress(server.host(), server.port()), 30_000);
      s.setSoTimeout(30_000);
      s.getOutputStream().write(head.getBytes(UTF_8));
      s.getOutputStream().flush();
      return new String(s.getInputStream().readNBytes(64 * 1024), UTF_8);
    }
  }

  private static InputStream zeros(long length) {
    return new InputStream() {
      private long left = length;

      @Override
      public int read() {
        if (left == 0) {
          return -1;
        }
        left--;
        return 0;
      }

      @Override
      public int read(byte[] b, int off, int len) {
        if (left == 0) {
          return -1;
        }
        int n = (int) Math.min(len, left);
        java.util.Arrays.fill(b, off, off + n, (byte) 0);
        left -= n;
        return n;
      }
    };
  }

  private static String text(HttpResponse<byte[]> r) {
    return new String(r.body(), UTF_8);
  }

  private void serve(ServerConfig config) throws IOException {
    server = WritServer.start(config);
    if (http != null) {
      http.close();
    }
    http = TlsClients.anonymous(server, CLOCK);
  }

  private URI uri(String path) {
    return server.uri().resolve(path);
  }
}
