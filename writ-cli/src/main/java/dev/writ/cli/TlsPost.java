package dev.writ.cli;

import dev.writ.core.json.CanonicalJson;
import dev.writ.core.json.JsonException;
import dev.writ.core.json.JsonLimits;
import dev.writ.core.json.JsonReader;
import dev.writ.core.json.JsonValue;
import dev.writ.core.json.JsonValue.JsonObject;
import dev.writ.core.json.JsonValue.JsonString;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Optional;

/** One JSON POST to the server's TLS listener and its JSON answer, with plain errors. */
final class TlsPost {
  /** An enrollment answer is a few KiB; this bounds what is read before parsing. */
  private static final int MAX_ANSWER_BYTES = 256 * 1024;

  private static final JsonReader READER =
      new JsonReader(
          new JsonLimits(MAX_ANSWER_BYTES, 8, MAX_ANSWER_BYTES, 64), JsonReader.Mode.INTEGERS_ONLY);

  /** The status and the JSON object the server answered. */
  record Answer(int status, Map<String, JsonValue> body) {
    Optional<String> string(String name) {
      return body.get(name) instanceof JsonString(String s) ? Optional.of(s) : Optional.empty();
    }
  }

  private TlsPost() {}

  /** 429 or 503: the server did not decide; the request may be retried (api.md). */
  static boolean undecided(int status) {
    return status == 429 || status == 503;
  }

  static Answer post(HttpClient http, URI uri, JsonObject body) throws CliException {
    HttpResponse<byte[]> response;
    try {
      response =
          http.send(
              HttpRequest.newBuilder(uri)
                  .timeout(ServerTrust.TIMEOUT)
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofByteArray(CanonicalJson.write(body)))
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new CliException("cannot reach " + uri + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException("interrupted while waiting for " + uri, e);
    }
    byte[] bytes = response.body();
    if (bytes.length <= MAX_ANSWER_BYTES) {
      try {
        if (READER.read(bytes) instanceof JsonObject o) {
          return new Answer(response.statusCode(), o.members());
        }
      } catch (JsonException e) {
        // reported below with the status
      }
    }
    throw new CliException(
        uri + " answered HTTP " + response.statusCode() + " without a JSON object");
  }

  static String required(Map<String, JsonValue> body, String name) throws CliException {
    if (body.get(name) instanceof JsonString(String s)) {
      return s;
    }
    throw new CliException("the server's answer has no " + name);
  }
}
