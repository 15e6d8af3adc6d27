package dev.writ.agent;

import dev.writ.core.ContentId;
import dev.writ.core.json.JsonValue;
import dev.writ.core.json.JsonValue.JsonArray;
import dev.writ.core.json.JsonValue.JsonObject;
import dev.writ.core.json.JsonValue.JsonString;
import dev.writ.identity.tls.SvidKeyManager;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * The server routes the agent's loop calls (docs/spec/work.md sections 4, 4.1 and 7; content.md),
 * over one mutual-TLS client: the node's SVID as client certificate, the server accepted only as
 * {@code spiffe://<td>/writ/server} under the bundle. Every answer the agent reads is bounded; an
 * answer that cannot be read is an {@link IOException} (nothing decided).
 *
 * <p>Thread-safe (the JDK client is).
 */
final class AgentRoutes implements AutoCloseable {
  /** Connecting, and each request up to its answer's headers (a stream's body is unbounded). */
  static final Duration TIMEOUT = Duration.ofSeconds(30);

  /** The longest answer read from a route other than the stream and content (proofs, results). */
  static final int MAX_ANSWER_BYTES = 64 * 1024;

  /** A result's answer as the server gave it. */
  record Answer(int status, String body) {}

  private final HttpClient http;
  private final URI server;

  private AgentRoutes(HttpClient http, URI server) {
    this.http = http;
    this.server = server;
  }

  /** A client for {@code config}'s server with its node credentials and bundle. */
  static AgentRoutes open(AgentRunner.Config config) throws IOException {
    try {
      return new AgentRoutes(
          ServerHttp.client(
              config.bundle(),
              SvidKeyManager.of(config.credentials()),
              config.clock(),
              config.random()),
          config.server());
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot build the TLS client: " + e.getMessage(), e);
    }
  }

  /**
   * {@code GET /v1/agent/work}: the open event stream.
   *
   * @throws IOException if it cannot be opened, or the server answers other than 200
   */
  InputStream stream() throws IOException, InterruptedException {
    HttpResponse<InputStream> response =
        http.send(
            HttpRequest.newBuilder(server.resolve("/v1/agent/work"))
                .timeout(TIMEOUT) // until the headers: the stream itself is watched for silence
                .header("Accept", "text/event-stream")
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofInputStream());
    InputStream body = response.body();
    if (response.statusCode() != 200) {
      try (body) {
        String answer = new String(body.readNBytes(4096), StandardCharsets.UTF_8);
        throw new IOException("the server answered " + response.statusCode() + ": " + answer);
      }
    }
    return body;
  }

  /**
   * {@code GET /v1/content/<id>}: empty when the server holds no (intact) bytes for the id (404,
   * 500) or more than {@code limit}.
   *
   * @throws IOException if the server cannot be asked or answers otherwise: nothing is decided
   */
  Optional<byte[]> content(ContentId id, long limit) throws IOException {
    HttpResponse<InputStream> r;
    try {
      r =
          http.send(
              HttpRequest.newBuilder(server.resolve("/v1/content/" + id))
                  .timeout(TIMEOUT)
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.ofInputStream());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while fetching " + id, e);
    }
    try (InputStream in = r.body()) {
      if (r.statusCode() == 404) {
        return Optional.empty(); // CONTENT_UNKNOWN: the server holds no bytes for this id
      }
      if (r.statusCode() == 500) {
        String answer = new String(in.readNBytes(4096), java.nio.charset.StandardCharsets.UTF_8);
        if (answer.contains("\"reason\":\"CONTENT_CORRUPT\"")) {
          return Optional.empty(); // found corrupt and moved aside: no bytes for this id
        }
        // STORE_FAILED or anything else: nothing is decided, the item is tried again later
        throw new IOException("the server answered 500 for " + id + ": " + answer);
      }
      if (r.statusCode() != 200) {
        throw new IOException("the server answered " + r.statusCode() + " for " + id);
      }
      byte[] bytes = in.readNBytes((int) Math.min(limit, Integer.MAX_VALUE - 8) + 1);
      if (bytes.length > limit) {
        return Optional.empty();
      }
      return Optional.of(bytes);
    }
  }

  /**
   * {@code GET /v1/log/consistency?old=&new=}: the proof's hashes, for {@link LogWitness}.
   *
   * @throws IOException if there is no readable proof (nothing is decided)
   */
  List<byte[]> consistency(long oldSize, long newSize) throws IOException {
    Answer a;
    try {
      a =
          send(
              HttpRequest.newBuilder(
                      server.resolve("/v1/log/consistency?old=" + oldSize + "&new=" + newSize))
                  .timeout(TIMEOUT)
                  .GET()
                  .build());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while fetching a consistency proof", e);
    }
    if (a.status() != 200) {
      throw new IOException("no consistency proof from the server: " + a.status());
    }
    JsonObject o = WireJson.object(a.body().getBytes(StandardCharsets.UTF_8));
    if (!(o.members().get("proof") instanceof JsonArray(List<JsonValue> hashes))) {
      throw new IOException("a consistency answer has no proof array");
    }
    List<byte[]> out = new ArrayList<>();
    for (JsonValue h : hashes) {
      if (!(h instanceof JsonString(String s))) {
        throw new IOException("a proof hash is not a string");
      }
      try {
        out.add(Base64.getDecoder().decode(s));
      } catch (IllegalArgumentException e) {
        throw new IOException("a proof hash is not base64", e);
      }
    }
    return out;
  }

  /** {@code POST /v1/agent/results} with a saved result's body. */
  Answer postResult(byte[] body) throws IOException, InterruptedException {
    return send(
        HttpRequest.newBuilder(server.resolve("/v1/agent/results"))
            .timeout(TIMEOUT)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build());
  }

  /** Sends {@code request}; reads at most {@link #MAX_ANSWER_BYTES} of the answer. */
  private Answer send(HttpRequest request) throws IOException, InterruptedException {
    HttpResponse<InputStream> r = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
    try (InputStream in = r.body()) {
      byte[] bytes = in.readNBytes(MAX_ANSWER_BYTES + 1);
      if (bytes.length > MAX_ANSWER_BYTES) {
        throw new IOException("an answer of over " + MAX_ANSWER_BYTES + " bytes from the server");
      }
      return new Answer(r.statusCode(), new String(bytes, StandardCharsets.UTF_8));
    }
  }

  /** Stops now: requests under way fail. */
  void shutdownNow() {
    http.shutdownNow();
  }

  /** Closes the client once its requests are done. */
  @Override
  public void close() {
    http.close();
  }
}
