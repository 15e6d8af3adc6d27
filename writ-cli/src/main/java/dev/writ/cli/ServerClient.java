package dev.writ.cli;

import dev.writ.core.json.CanonicalJson;
import dev.writ.core.json.JsonException;
import dev.writ.core.json.JsonLimits;
import dev.writ.core.json.JsonReader;
import dev.writ.core.json.JsonValue;
import dev.writ.core.json.JsonValue.JsonObject;
import dev.writ.core.json.JsonValue.JsonString;
import dev.writ.log.LogVerificationException;
import dev.writ.log.NoteVerifierKey;
import dev.writ.log.Receipt;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLException;

/**
 * Posts a writ to a server over TLS 1.3 and verifies the receipt of the answer (docs/spec/api.md
 * sections 1 to 3). Used by {@code writ submit} and the quickstart. Stateless.
 */
final class ServerClient {
  /** An answer is a few KiB (a receipt holds at most 64 hashes and one leaf). */
  private static final int MAX_ANSWER_BYTES = 256 * 1024;

  private static final JsonReader READER =
      new JsonReader(
          new JsonLimits(MAX_ANSWER_BYTES, 8, MAX_ANSWER_BYTES, 64), JsonReader.Mode.INTEGERS_ONLY);

  /** What the server answered, and the verified receipt when there is one to verify. */
  record Answer(int status, Map<String, JsonValue> body, Optional<Receipt> receipt) {
    /** 429 or 503: the server did not decide; the writ may be retried. */
    boolean undecided() {
      return status == 429 || status == 503;
    }

    boolean allowed() {
      return status == 200 && receipt.isPresent();
    }

    Optional<String> field(String name) {
      return body.get(name) instanceof JsonString s ? Optional.of(s.value()) : Optional.empty();
    }

    /** The answer as one canonical JSON line, with {@code "receipt_verified":true} if it was. */
    String line() {
      Map<String, JsonValue> m = new LinkedHashMap<>(body);
      if (receipt.isPresent()) {
        m.put("receipt_verified", new JsonValue.JsonBool(true));
      }
      return new String(CanonicalJson.write(new JsonObject(m)), StandardCharsets.UTF_8);
    }
  }

  private ServerClient() {}

  /**
   * Posts {@code envelope} to the server's {@code /v1/writs} with {@code http}, a client of {@link
   * ServerTrust#client}, and verifies the receipt.
   *
   * @throws CliException if the server cannot be reached or fails the TLS check, answers something
   *     that is not an answer of api.md, or a receipt that does not verify against {@code key}
   */
  static Answer submit(ServerTrust trust, HttpClient http, NoteVerifierKey key, byte[] envelope)
      throws CliException {
    URI server = trust.server();
    HttpResponse<byte[]> response = post(http, server.resolve("/v1/writs"), envelope);
    Map<String, JsonValue> body = parse(server, response);
    int status = response.statusCode();
    Answer bare = new Answer(status, body, Optional.empty());
    if (bare.undecided()) {
      return bare;
    }
    String decision = bare.field("decision").orElse("");
    boolean allowed = status == 200 && decision.equals("allow");
    boolean denied = (status == 400 || status == 403 || status == 413) && decision.equals("deny");
    if (!allowed && !denied) {
      throw new CliException("unexpected answer from " + server + ": HTTP " + status);
    }
    if (!(body.get("receipt") instanceof JsonObject receipt)) {
      throw new CliException("the answer has no receipt; it is not a decision");
    }
    // a 413's record hashes what the server read: nothing, since the length was declared
    byte[] hashed = status == 413 ? new byte[0] : envelope;
    try {
      Receipt verified =
          Receipt.verify(
              new String(CanonicalJson.write(receipt), StandardCharsets.UTF_8),
              key,
              hashed,
              decision,
              bare.field("reason"),
              bare.field("id"));
      return new Answer(status, body, Optional.of(verified));
    } catch (LogVerificationException e) {
      throw new CliException("the receipt does not verify: " + e.getMessage(), e);
    }
  }

  private static HttpResponse<byte[]> post(HttpClient http, URI uri, byte[] envelope)
      throws CliException {
    try {
      return http.send(
          HttpRequest.newBuilder(uri)
              .timeout(ServerTrust.TIMEOUT)
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofByteArray(envelope))
              .build(),
          HttpResponse.BodyHandlers.ofByteArray());
    } catch (SSLException e) {
      throw new CliException(
          "TLS with "
              + uri
              + " failed (is it the Writ server of this bundle, speaking TLS 1.3?): "
              + e.getMessage(),
          e);
    } catch (IOException e) {
      throw new CliException("cannot reach " + uri + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException("interrupted while waiting for " + uri, e);
    }
  }

  private static Map<String, JsonValue> parse(URI server, HttpResponse<byte[]> response)
      throws CliException {
    byte[] body = response.body();
    if (body.length <= MAX_ANSWER_BYTES) {
      try {
        if (READER.read(body) instanceof JsonObject o) {
          return o.members();
        }
      } catch (JsonException e) {
        // reported below with the status
      }
    }
    throw new CliException(
        "the answer from " + server + " (HTTP " + response.statusCode() + ") is not an answer");
  }
}
