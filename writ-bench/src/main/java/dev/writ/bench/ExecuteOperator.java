package dev.writ.bench;

import dev.writ.agent.ServerHttp;
import dev.writ.core.ContentId;
import dev.writ.core.SpiffeId;
import dev.writ.core.Tier;
import dev.writ.core.WritDeniedException;
import dev.writ.core.WritId;
import dev.writ.core.json.CanonicalJson;
import dev.writ.core.json.JsonException;
import dev.writ.core.json.JsonLimits;
import dev.writ.core.json.JsonReader;
import dev.writ.core.json.JsonValue;
import dev.writ.core.json.JsonValue.JsonArray;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The operator's side of an execute, over TLS 1.3 with server authentication only, as {@code writ
 * content put}, {@code writ execute} and {@code writ submit} send it: store the content, open the
 * request (work.md section 2), submit the signed writ (section 3). One HTTP client for the whole
 * bench, so its connection stays alive between requests.
 *
 * <p>Thread-safe (the JDK HTTP client is).
 */
final class ExecuteOperator implements AutoCloseable {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  /** Answers are short objects; a receipt is the largest, far below 1 MiB. */
  private static final JsonReader READER =
      new JsonReader(new JsonLimits(1 << 20, 8, 1 << 20, 256), JsonReader.Mode.INTEGERS_ONLY);

  /** The opened request: the id the server drew and the exact targets it resolved. */
  record Opened(WritId id, List<SpiffeId> targets) {
    Opened {
      targets = List.copyOf(targets);
    }
  }

  private final URI server;
  private final HttpClient http;

  ExecuteOperator(URI server, TrustBundle bundle, Clock clock, SecureRandom random)
      throws GeneralSecurityException {
    this.server = server;
    this.http = ServerHttp.client(bundle, SvidKeyManager.empty(), clock, random);
  }

  /**
   * {@code PUT /v1/content/<id>}.
   *
   * @throws IOException unless the server stored the bytes (201) or had them (200)
   */
  ContentId put(byte[] bytes) throws IOException, InterruptedException {
    ContentId id = ContentId.of(bytes);
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(server.resolve("/v1/content/" + id))
                .timeout(TIMEOUT)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(bytes))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 201 && r.statusCode() != 200) {
      throw new IOException(
          "content put of " + id + " answered " + r.statusCode() + ": " + r.body());
    }
    return id;
  }

  /**
   * {@code GET /v1/content/<id>}, as the agent fetches content before it acts.
   *
   * @throws IOException unless the server answers 200 with exactly those bytes
   */
  void get(ContentId id) throws IOException, InterruptedException {
    HttpResponse<byte[]> r =
        http.send(
            HttpRequest.newBuilder(server.resolve("/v1/content/" + id))
                .timeout(TIMEOUT)
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    if (r.statusCode() != 200 || !ContentId.of(r.body()).equals(id)) {
      throw new IOException("content get of " + id + " answered " + r.statusCode());
    }
  }

  /**
   * {@code POST /v1/work/open} of an execute of {@code content} in {@code tier} on {@code glob}.
   *
   * @throws IOException if the server refuses, or answers without an id or a target list
   */
  Opened open(ContentId content, String glob, Tier tier, String rollout)
      throws IOException, InterruptedException {
    Map<String, JsonValue> body = new TreeMap<>();
    body.put("cap", new JsonString("execute"));
    body.put("content", new JsonString(content.toString()));
    body.put("glob", new JsonString(glob));
    body.put("rollout", new JsonString(rollout));
    body.put("tier", new JsonString(tier.wire()));
    JsonObject o = post("/v1/work/open", CanonicalJson.write(new JsonObject(body)));
    try {
      if (o.members().get("id") instanceof JsonString(String id)
          && o.members().get("targets") instanceof JsonArray(List<JsonValue> list)) {
        List<SpiffeId> targets = new ArrayList<>();
        for (JsonValue v : list) {
          if (!(v instanceof JsonString(String s))) {
            throw new IOException("work open answered a target that is not a string");
          }
          targets.add(SpiffeId.parse(s));
        }
        return new Opened(WritId.parse(id), targets);
      }
    } catch (WritDeniedException e) {
      throw new IOException("work open answered an unreadable id or target: " + e.getMessage(), e);
    }
    throw new IOException("work open answered no id or no targets");
  }

  /**
   * {@code POST /v1/writs}; returns when the server answered.
   *
   * @throws IOException unless the answer is 200 with decision {@code allow}
   */
  void submit(byte[] envelope) throws IOException, InterruptedException {
    JsonObject o = post("/v1/writs", envelope);
    if (!(o.members().get("decision") instanceof JsonString(String d)) || !d.equals("allow")) {
      throw new IOException("submit was not allowed: " + o);
    }
  }

  private JsonObject post(String path, byte[] body) throws IOException, InterruptedException {
    HttpResponse<byte[]> r =
        http.send(
            HttpRequest.newBuilder(server.resolve(path))
                .timeout(TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    String text = new String(r.body(), StandardCharsets.UTF_8);
    if (r.statusCode() != 200) {
      throw new IOException(path + " answered " + r.statusCode() + ": " + text);
    }
    try {
      if (READER.read(r.body()) instanceof JsonObject o) {
        return o;
      }
    } catch (JsonException e) {
      throw new IOException(path + " answered an unreadable body: " + text, e);
    }
    throw new IOException(path + " answered something else than an object: " + text);
  }

  @Override
  public void close() {
    http.close();
  }
}
