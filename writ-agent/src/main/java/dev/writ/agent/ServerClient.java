package dev.writ.agent;

import dev.writ.core.json.CanonicalJson;
import dev.writ.core.json.JsonException;
import dev.writ.core.json.JsonLimits;
import dev.writ.core.json.JsonReader;
import dev.writ.core.json.JsonValue;
import dev.writ.core.json.JsonValue.JsonObject;
import dev.writ.core.json.JsonValue.JsonString;
import dev.writ.identity.svid.TrustBundle;
import dev.writ.identity.tls.SvidKeyManager;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;

/**
 * The agent's HTTPS client to the one server it was given (docs/spec/enrollment.md sections 3 and
 * 4): TLS 1.3, trusting only the given bundle and only the server's SPIFFE ID, presenting the
 * node's SVID when it has one. Posts canonical JSON and turns a refusal into an {@link
 * EnrollException} carrying the server's reason code.
 *
 * <p>Thread-safe (the JDK client is); close it when done.
 */
final class ServerClient implements AutoCloseable {
  /** Connect and request timeout. */
  static final Duration TIMEOUT = Duration.ofSeconds(30);

  /** Answers carry a PEM chain and bundle and a receipt with a proof; far below this. */
  private static final JsonReader READER =
      new JsonReader(new JsonLimits(256 * 1024, 4, 128 * 1024, 64), JsonReader.Mode.INTEGERS_ONLY);

  private final HttpClient http;
  private final URI server;

  private ServerClient(HttpClient http, URI server) {
    this.http = http;
    this.server = server;
  }

  /**
   * A client of {@code server} (an {@code https} URI) that authenticates it as {@code
   * spiffe://<bundle's trust domain>/writ/server} and presents {@code keys} (empty: no client
   * certificate).
   */
  static ServerClient connect(
      URI server, TrustBundle bundle, SvidKeyManager keys, Clock clock, SecureRandom random)
      throws EnrollException {
    try {
      return new ServerClient(ServerHttp.client(bundle, keys, clock, random), server);
    } catch (GeneralSecurityException e) {
      throw new EnrollException("cannot build the TLS client: " + e.getMessage(), e);
    }
  }

  /**
   * Posts {@code body} to {@code path} and returns the 200 answer.
   *
   * @throws EnrollException with the server's reason for any other status, without one when the
   *     server cannot be reached or answers unreadably
   */
  JsonObject post(String path, Map<String, JsonValue> body) throws EnrollException {
    URI uri = server.resolve(path);
    HttpResponse<byte[]> response;
    try {
      response =
          http.send(
              HttpRequest.newBuilder(uri)
                  .timeout(TIMEOUT)
                  .header("Content-Type", "application/json")
                  .POST(
                      HttpRequest.BodyPublishers.ofByteArray(
                          CanonicalJson.write(new JsonObject(body))))
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new EnrollException("cannot reach " + uri + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EnrollException("interrupted", e);
    }
    JsonObject o;
    try {
      if (!(READER.read(response.body()) instanceof JsonObject obj)) {
        throw new EnrollException(
            uri + " answered " + response.statusCode() + " without a JSON object");
      }
      o = obj;
    } catch (JsonException e) {
      throw new EnrollException(
          uri + " answered " + response.statusCode() + " with unreadable JSON", e);
    }
    if (response.statusCode() != 200) {
      String reason = o.members().get("reason") instanceof JsonString(String s) ? s : "UNKNOWN";
      String detail = o.members().get("detail") instanceof JsonString(String s) ? ": " + s : "";
      throw new EnrollException(
          reason, "refused (" + response.statusCode() + " " + reason + ")" + detail);
    }
    return o;
  }

  @Override
  public void close() {
    http.close();
  }

  static JsonString str(String s) {
    return new JsonString(s);
  }

  static String string(JsonObject o, String name) throws EnrollException {
    if (o.members().get(name) instanceof JsonString(String s)) {
      return s;
    }
    throw new EnrollException("the server's answer has no " + name);
  }

  static byte[] bytes(JsonObject o, String name) throws EnrollException {
    try {
      return Base64.getDecoder().decode(string(o, name));
    } catch (IllegalArgumentException e) {
      throw new EnrollException("the server's " + name + " is not base64", e);
    }
  }
}
