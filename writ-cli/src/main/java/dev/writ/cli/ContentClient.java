package dev.writ.cli;

import dev.writ.core.ContentId;
import dev.writ.core.Limits;
import dev.writ.core.json.JsonException;
import dev.writ.core.json.JsonLimits;
import dev.writ.core.json.JsonReader;
import dev.writ.core.json.JsonValue;
import dev.writ.core.json.JsonValue.JsonObject;
import dev.writ.core.json.JsonValue.JsonString;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * {@code PUT} and {@code GET /v1/content/sha256:<hex>} (docs/spec/content.md section 4) from the
 * operator's side: what is sent is exactly what was hashed, and bytes received are hashed before
 * anyone sees them. Stateless.
 */
final class ContentClient {
  /** A JSON answer of the content routes is well under 1 KiB; this bounds what is parsed. */
  private static final int MAX_JSON_BYTES = 16 * 1024;

  private static final JsonReader READER =
      new JsonReader(
          new JsonLimits(MAX_JSON_BYTES, 2, MAX_JSON_BYTES, 8), JsonReader.Mode.INTEGERS_ONLY);

  /**
   * What the server answered: the status, and for JSON answers the reason and detail.
   *
   * @param status the HTTP status
   * @param reason the refusal's code, or empty
   * @param detail the refusal's one-line detail, or empty
   */
  record Refusal(int status, Optional<String> reason, Optional<String> detail) {
    /** 429 or 503: the server did not decide; retry later. */
    boolean undecided() {
      return TlsPost.undecided(status);
    }

    /** {@code CODE: detail}, or the HTTP status when the answer had no code. */
    String describe() {
      return reason.orElse("HTTP " + status) + detail.map(d -> ": " + d).orElse("");
    }
  }

  /** A result: the value, or why the server did not give it. */
  sealed interface Result<T> {
    record Ok<T>(T value) implements Result<T> {}

    record Refused<T>(Refusal refusal) implements Result<T> {}
  }

  private ContentClient() {}

  /**
   * Reads {@code file} whole, refusing one over {@link Limits#MAX_CONTENT_BYTES}: a server stores
   * nothing larger.
   */
  static byte[] readContent(Path file) throws CliException {
    try {
      if (!Files.isRegularFile(file)) {
        throw new CliException("no such file: " + file);
      }
      try (InputStream in = Files.newInputStream(file)) {
        byte[] bytes = in.readNBytes(Limits.MAX_CONTENT_BYTES + 1);
        if (bytes.length > Limits.MAX_CONTENT_BYTES) {
          throw new CliException(
              file + " is larger than " + Limits.MAX_CONTENT_BYTES + " bytes, the content limit");
        }
        return bytes;
      }
    } catch (IOException e) {
      throw new CliException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /** Stores {@code bytes} under their id; the id the server confirmed, or its refusal. */
  static Result<ContentId> put(ServerTrust trust, HttpClient http, byte[] bytes)
      throws CliException {
    ContentId id = ContentId.of(bytes);
    URI uri = uri(trust, id);
    HttpResponse<InputStream> response =
        send(
            http,
            uri,
            HttpRequest.newBuilder(uri)
                .header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(bytes)));
    Map<String, JsonValue> body = json(uri, response);
    if (response.statusCode() != 200 && response.statusCode() != 201) {
      return new Result.Refused<>(refusal(response.statusCode(), body));
    }
    if (!(body.get("content") instanceof JsonString(String confirmed))
        || !confirmed.equals(id.toString())) {
      throw new CliException(
          uri + " answered " + response.statusCode() + " without confirming " + id);
    }
    return new Result.Ok<>(id);
  }

  /**
   * The bytes stored under {@code id}, only if they hash to it; or the server's refusal.
   *
   * @throws CliException if the server is unreachable or sends bytes that are not {@code id}'s
   */
  static Result<byte[]> get(ServerTrust trust, HttpClient http, ContentId id) throws CliException {
    URI uri = uri(trust, id);
    HttpResponse<InputStream> response = send(http, uri, HttpRequest.newBuilder(uri).GET());
    if (response.statusCode() != 200) {
      return new Result.Refused<>(refusal(response.statusCode(), json(uri, response)));
    }
    byte[] bytes = upTo(uri, response, Limits.MAX_CONTENT_BYTES);
    if (bytes.length > Limits.MAX_CONTENT_BYTES) {
      throw new CliException(uri + " sent more than " + Limits.MAX_CONTENT_BYTES + " bytes");
    }
    ContentId actual = ContentId.of(bytes);
    if (!actual.equals(id)) {
      throw new CliException(
          uri + " sent " + bytes.length + " bytes that hash to " + actual + ", not to " + id);
    }
    return new Result.Ok<>(bytes);
  }

  private static URI uri(ServerTrust trust, ContentId id) {
    return trust.server().resolve("/v1/content/" + id);
  }

  private static HttpResponse<InputStream> send(
      HttpClient http, URI uri, HttpRequest.Builder request) throws CliException {
    try {
      return http.send(
          request.timeout(ServerTrust.TIMEOUT).build(), HttpResponse.BodyHandlers.ofInputStream());
    } catch (IOException e) {
      throw new CliException("cannot reach " + uri + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException("interrupted while waiting for " + uri, e);
    }
  }

  /** At most {@code max} + 1 bytes of the answer's body: more than {@code max} is too long. */
  private static byte[] upTo(URI uri, HttpResponse<InputStream> response, int max)
      throws CliException {
    try (InputStream in = response.body()) {
      return in.readNBytes(max + 1);
    } catch (IOException e) {
      throw new CliException("reading the answer of " + uri + " failed: " + e.getMessage(), e);
    }
  }

  /** The JSON object of an answer; empty when the answer is not one (e.g. a bare 405). */
  private static Map<String, JsonValue> json(URI uri, HttpResponse<InputStream> response)
      throws CliException {
    byte[] bytes = upTo(uri, response, MAX_JSON_BYTES);
    try {
      if (bytes.length > 0
          && bytes.length <= MAX_JSON_BYTES
          && READER.read(bytes) instanceof JsonObject o) {
        return o.members();
      }
    } catch (JsonException e) {
      // not JSON: described by its status
    }
    return Map.of();
  }

  private static Refusal refusal(int status, Map<String, JsonValue> body) {
    return new Refusal(status, string(body, "reason"), string(body, "detail"));
  }

  private static Optional<String> string(Map<String, JsonValue> body, String name) {
    return body.get(name) instanceof JsonString(String s) ? Optional.of(s) : Optional.empty();
  }
}
