package dev.writ.cli;

import dev.writ.core.json.JsonException;
import dev.writ.core.json.JsonLimits;
import dev.writ.core.json.JsonReader;
import dev.writ.core.json.JsonValue.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import javax.net.ssl.SSLException;

/**
 * One GET of a JSON read route on the server's TLS listener (docs/spec/work.md section 8) and its
 * JSON answer, read up to a bound and parsed strictly, with plain errors. Stateless.
 */
final class TlsGet {
  /**
   * The largest answer read: {@code GET /v1/work/<id>/results} for 64 targets (work.md section 2)
   * is 64 result records of at most 16 KiB (log.md section 13), each twice in base64 (the leaf and
   * the receipt's leaf) with a checkpoint and 64 proof hashes: under 4 MiB. 8 MiB leaves room.
   */
  static final int MAX_ANSWER_BYTES = 8 * 1024 * 1024;

  /**
   * Depth 5: {@code {"results":[{"receipt":{"inclusion":[...]}}]}}. Strings: a checkpoint note is
   * at most 64 KiB, a leaf in base64 under 88 KiB. Members: a rollout of up to 4,096 open works
   * (work.md section 2, {@code OVERLOADED} beyond).
   */
  private static final JsonReader READER =
      new JsonReader(
          new JsonLimits(MAX_ANSWER_BYTES, 5, 128 * 1024, 4096), JsonReader.Mode.INTEGERS_ONLY);

  private TlsGet() {}

  /**
   * GETs {@code uri} with {@code http} (a client of {@link ServerTrust#client}).
   *
   * @throws CliException if the server cannot be reached, fails the TLS check, or answers more than
   *     {@link #MAX_ANSWER_BYTES} or something that is not a JSON object
   */
  static TlsPost.Answer get(HttpClient http, URI uri) throws CliException {
    HttpResponse<InputStream> response;
    try {
      response =
          http.send(
              HttpRequest.newBuilder(uri)
                  .timeout(ServerTrust.TIMEOUT)
                  .header("Accept", "application/json")
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.ofInputStream());
    } catch (SSLException e) {
      throw new CliException(
          "TLS with "
              + uri
              + " failed (is it the Writ server of this bundle, speaking TLS 1.3?): "
              + e.getMessage(),
          e);
    } catch (IOException e) {
      throw new CliException("cannot reach " + uri + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException("interrupted while waiting for " + uri, e);
    }
    byte[] bytes;
    try (InputStream in = response.body()) {
      bytes = in.readNBytes(MAX_ANSWER_BYTES + 1);
    } catch (IOException e) {
      throw new CliException("cannot read the answer of " + uri + ": " + e.getMessage(), e);
    }
    if (bytes.length > MAX_ANSWER_BYTES) {
      throw new CliException(uri + " answered more than " + MAX_ANSWER_BYTES + " bytes");
    }
    try {
      if (READER.read(bytes) instanceof JsonObject o) {
        return new TlsPost.Answer(response.statusCode(), o.members());
      }
    } catch (JsonException e) {
      // reported below with the status
    }
    throw new CliException(
        uri + " answered HTTP " + response.statusCode() + " without a JSON object");
  }
}
