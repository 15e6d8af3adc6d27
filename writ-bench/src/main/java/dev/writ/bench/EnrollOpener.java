package dev.writ.bench;

import dev.writ.agent.ServerHttp;
import dev.writ.core.WritDeniedException;
import dev.writ.core.WritId;
import dev.writ.core.json.CanonicalJson;
import dev.writ.core.json.JsonException;
import dev.writ.core.json.JsonLimits;
import dev.writ.core.json.JsonReader;
import dev.writ.core.json.JsonValue.JsonObject;
import dev.writ.core.json.JsonValue.JsonString;
import dev.writ.identity.svid.TrustBundle;
import dev.writ.identity.tls.SvidKeyManager;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/**
 * The initiator's first step of an enrollment, as the operator tool does it: {@code POST
 * /v1/enroll/open} over TLS 1.3, trusting only the given bundle and the server's SPIFFE ID, with no
 * client certificate (operator routes are authorized by the writ, enrollment.md section 7). One
 * HTTP client for the whole bench, so its connection is kept alive between opens.
 *
 * <p>Thread-safe (the JDK HTTP client is).
 */
final class EnrollOpener implements AutoCloseable {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  /** An answer is a handful of short members; 64 KiB is far above it (enrollment.md 3.1). */
  private static final JsonReader READER =
      new JsonReader(new JsonLimits(64 * 1024, 2, 4 * 1024, 16), JsonReader.Mode.INTEGERS_ONLY);

  private final URI server;
  private final HttpClient http;

  EnrollOpener(URI server, TrustBundle bundle, Clock clock, SecureRandom random)
      throws GeneralSecurityException {
    this.server = server;
    this.http = ServerHttp.client(bundle, SvidKeyManager.empty(), clock, random);
  }

  /**
   * Opens an enrollment for node {@code name} and returns the writ id the server drew.
   *
   * @throws IOException if the server refuses, answers something else than the opened record for
   *     this node, or cannot be reached
   */
  WritId open(String name) throws IOException, InterruptedException {
    byte[] body = CanonicalJson.write(new JsonObject(Map.of("node", new JsonString(name))));
    HttpResponse<byte[]> response =
        http.send(
            HttpRequest.newBuilder(server.resolve("/v1/enroll/open"))
                .timeout(TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    String text = new String(response.body(), StandardCharsets.UTF_8);
    if (response.statusCode() != 200) {
      throw new IOException(
          "enroll open for " + name + " answered " + response.statusCode() + ": " + text);
    }
    try {
      if (READER.read(response.body()) instanceof JsonObject o
          && o.members().get("id") instanceof JsonString(String id)
          && o.members().get("node") instanceof JsonString(String node)
          && node.equals(EnrollFleet.nodeId(name).toString())) {
        return WritId.parse(id);
      }
    } catch (JsonException | WritDeniedException e) {
      throw new IOException("enroll open for " + name + " answered an unreadable body: " + text, e);
    }
    throw new IOException("enroll open for " + name + " answered another record: " + text);
  }

  @Override
  public void close() {
    http.close();
  }
}
