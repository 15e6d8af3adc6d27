package dev.writ.server;

import dev.writ.core.ContentId;
import dev.writ.core.content.ContentException;
import dev.writ.core.content.ContentStore;
import dev.writ.core.content.Stored;
import dev.writ.core.json.CanonicalJson;
import dev.writ.core.json.JsonValue;
import dev.writ.core.json.JsonValue.JsonInteger;
import dev.writ.core.json.JsonValue.JsonObject;
import dev.writ.core.json.JsonValue.JsonString;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * {@code PUT} and {@code GET /v1/content/sha256:<hex>} (docs/spec/content.md section 4) over the
 * server's {@link ContentStore}. Uploads are hashed while they are written and published only if
 * they hash to the id in the path; downloads are hashed in memory and sent only if they still do.
 * Both pass the request rate of {@link Limiter} and a bound on transfers in progress. Storing
 * content authorizes nothing: a writ names the id.
 *
 * <p>Thread-safe: the store, limiter and metrics are, and the transfer bound is a semaphore.
 */
final class ContentRoutes {
  static final String PREFIX = "/v1/content/";

  /**
   * Transfers in progress at once (docs/spec/content.md section 4.3): a download holds up to 64 MiB
   * in memory while it is hashed and sent, so four bound that to 256 MiB.
   */
  static final int MAX_TRANSFERS = 4;

  /** The code of a 500 when the file system failed (docs/spec/content.md section 5). */
  static final String STORE_FAILED = "STORE_FAILED";

  private static final String JSON = "application/json";
  private static final String OCTETS = "application/octet-stream";
  private static final String IMMUTABLE = "public, max-age=31536000, immutable";

  private final ContentStore store;
  private final Limiter limiter;
  private final ServerMetrics metrics;
  private final Semaphore transfers = new Semaphore(MAX_TRANSFERS);

  ContentRoutes(ContentStore store, Limiter limiter, ServerMetrics metrics) {
    this.store = store;
    this.limiter = limiter;
    this.metrics = metrics;
  }

  /** Answers a request whose path starts with {@link #PREFIX}. */
  void handle(String path, Request request, Response response, Callback callback) {
    String method = request.getMethod();
    boolean put = HttpMethod.PUT.is(method);
    if (!put && !HttpMethod.GET.is(method)) {
      response.getHeaders().put(HttpHeader.ALLOW, "GET, PUT");
      response.setStatus(HttpStatus.METHOD_NOT_ALLOWED_405);
      response.write(true, ByteBuffer.allocate(0), callback);
      return;
    }
    String op = put ? "put" : "get";
    Answer answer;
    if (!limiter.tryAcquireRate()) {
      response.getHeaders().put(HttpHeader.RETRY_AFTER, "1");
      answer = Answer.error(Reply.TOO_MANY_REQUESTS, Reply.RATE_LIMITED, "over the request rate");
    } else if (!transfers.tryAcquire()) {
      answer =
          Answer.error(
              Reply.SERVICE_UNAVAILABLE,
              Reply.OVERLOADED,
              MAX_TRANSFERS + " content transfers are in progress");
    } else {
      try {
        answer = serve(put, path.substring(PREFIX.length()), request);
      } finally {
        transfers.release();
      }
    }
    metrics.content(op, answer.result());
    if (put && answer.status() >= Reply.BAD_REQUEST) {
      // the rest of the body may be unread: the connection cannot carry another request
      response.getHeaders().put(HttpHeader.CONNECTION, "close");
    }
    if (answer.status() == HttpStatus.OK_200 && !put) {
      response.getHeaders().put(HttpHeader.CACHE_CONTROL, IMMUTABLE);
    }
    response.setStatus(answer.status());
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, answer.contentType());
    response.write(true, answer.body(), callback);
  }

  private Answer serve(boolean put, String idText, Request request) {
    Optional<ContentId> id = ContentId.parseSha256(idText);
    if (id.isEmpty()) {
      return Answer.error(
          Reply.BAD_REQUEST,
          "MALFORMED",
          "a content path is /v1/content/sha256:<64 lowercase hex digits>");
    }
    try {
      return put ? put(id.get(), request) : get(id.get());
    } catch (ContentException e) {
      return Answer.error(status(e), e.failure().code(), e.detail());
    } catch (IOException e) {
      return Answer.error(
          HttpStatus.INTERNAL_SERVER_ERROR_500,
          STORE_FAILED,
          "the content store failed: " + e.getMessage());
    }
  }

  private Answer put(ContentId id, Request request) throws ContentException, IOException {
    long declared = request.getLength();
    if (declared > store.maxBytes()) {
      return Answer.error(
          Reply.PAYLOAD_TOO_LARGE,
          "OVERSIZE",
          "Content-Length " + declared + " is over " + store.maxBytes() + " bytes");
    }
    Stored stored;
    try (InputStream in = Content.Source.asInputStream(request)) {
      stored = store.put(in, id);
    }
    Map<String, JsonValue> m = new LinkedHashMap<>();
    m.put("content", new JsonString(stored.id().toString()));
    m.put("size", new JsonInteger(stored.size()));
    return new Answer(
        stored.created() ? HttpStatus.CREATED_201 : HttpStatus.OK_200,
        JSON,
        CanonicalJson.write(new JsonObject(m)),
        stored.created() ? "created" : "present");
  }

  private Answer get(ContentId id) throws ContentException, IOException {
    return new Answer(HttpStatus.OK_200, OCTETS, store.read(id), "served");
  }

  private static int status(ContentException e) {
    return switch (e.failure()) {
      case MISMATCH -> Reply.BAD_REQUEST;
      case OVERSIZE -> Reply.PAYLOAD_TOO_LARGE;
      case UNKNOWN -> HttpStatus.NOT_FOUND_404;
      case CORRUPT -> HttpStatus.INTERNAL_SERVER_ERROR_500;
    };
  }

  /** A status, its body and the result label metrics count it under. Immutable. */
  private static final class Answer {
    private final int status;
    private final String contentType;
    private final byte[] body;
    private final String result;

    Answer(int status, String contentType, byte[] body, String result) {
      this.status = status;
      this.contentType = contentType;
      this.body = body;
      this.result = result;
    }

    /** {@code {"decision":"deny","detail":TEXT,"reason":CODE}}, as api.md's refusals. */
    static Answer error(int status, String code, String detail) {
      return new Answer(status, JSON, Reply.refusal(status, code, detail).bytes(), code);
    }

    int status() {
      return status;
    }

    String contentType() {
      return contentType;
    }

    ByteBuffer body() {
      return ByteBuffer.wrap(body).asReadOnlyBuffer();
    }

    String result() {
      return result;
    }
  }
}
