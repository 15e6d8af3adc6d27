package dev.writ.server;

import dev.writ.core.Limits;
import dev.writ.core.Reason;
import dev.writ.core.json.CanonicalJson;
import dev.writ.core.json.JsonValue;
import dev.writ.core.json.JsonValue.JsonInteger;
import dev.writ.core.json.JsonValue.JsonString;
import dev.writ.log.TilePath;
import dev.writ.state.AuditLogReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The HTTP surface of docs/spec/api.md: {@code POST /v1/writs}, the log ({@code /checkpoint},
 * {@code /tile/...}, {@code /v1/log/key}), {@code /v1/status}, {@code /healthz} and {@code
 * /metrics}, enrollment and SVID renewal (docs/spec/enrollment.md section 3), and the content store
 * ({@link ContentRoutes}, docs/spec/content.md). Any other path is 404, another method on a known
 * path 405. Request bodies are bounded before they are read whole, and writs, enrollment and
 * renewal pass the rate and in-flight limits first. The renewal routes get the client certificate
 * chain of the request's TLS connection (none if the client sent none).
 *
 * <p>Thread-safe: every part it holds is. Blocks a Jetty worker thread while the ledger commits.
 */
final class Routes extends Handler.Abstract {
  static final String WRITS = "/v1/writs";
  static final String HEALTH = "/healthz";
  static final String STATUS = "/v1/status";
  static final String LOG_KEY = "/v1/log/key";
  static final String CHECKPOINT = "/checkpoint";
  static final String METRICS = "/metrics";
  static final String TILE_PREFIX = "/tile/";
  static final String ENROLL_OPEN = "/v1/enroll/open";
  static final String ENROLL_CHALLENGE = "/v1/enroll/challenge";
  static final String ENROLL = "/v1/enroll";
  static final String BUNDLE = "/v1/bundle";
  static final String SVID_CHALLENGE = "/v1/svid/challenge";
  static final String SVID_RENEW = "/v1/svid/renew";

  /**
   * The largest request body read: an envelope larger than {@link Limits#MAX_ENVELOPE_BYTES} is
   * OVERSIZE by docs/spec/writ.md, so no more is ever buffered.
   */
  static final int MAX_BODY_BYTES = Limits.MAX_ENVELOPE_BYTES;

  private static final String JSON = "application/json";
  private static final String TEXT = "text/plain; charset=utf-8";
  private static final String OCTETS = "application/octet-stream";
  private static final String PEM = "application/x-pem-file";
  private static final String IMMUTABLE = "public, max-age=31536000, immutable";

  /** What {@code /v1/status} reports about the replica. */
  interface Status {
    String peer();

    String role();

    long applied();
  }

  private final Authority authority;
  private final CheckpointSigner checkpoints;
  private final AuditLogReader log;
  private final ServerMetrics metrics;
  private final Limiter limiter;
  private final Status status;
  private final Enrollment enrollment;
  private final Renewal renewal;
  private final EnrollAudit enrollAudit;
  private final String bundlePem;
  private final ContentRoutes content;
  private final WorkRoutes work;

  Routes(
      Enrollment enrollment,
      Renewal renewal,
      EnrollAudit enrollAudit,
      String bundlePem,
      Authority authority,
      CheckpointSigner checkpoints,
      AuditLogReader log,
      ServerMetrics metrics,
      Limiter limiter,
      Status status,
      ContentRoutes content,
      WorkRoutes work) {
    this.enrollment = enrollment;
    this.renewal = renewal;
    this.enrollAudit = enrollAudit;
    this.bundlePem = bundlePem;
    this.authority = authority;
    this.checkpoints = checkpoints;
    this.log = log;
    this.metrics = metrics;
    this.limiter = limiter;
    this.status = status;
    this.content = content;
    this.work = work;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws IOException {
    String path = request.getHttpURI().getPath();
    String method = request.getMethod();
    if (path != null && path.startsWith(TILE_PREFIX)) {
      if (!HttpMethod.GET.is(method)) {
        return notAllowed(response, callback, "GET");
      }
      return tile(path.substring(1), response, callback);
    }
    if (path != null && path.startsWith(ContentRoutes.PREFIX)) {
      content.handle(path, request, response, callback);
      return true;
    }
    if (path != null && WorkRoutes.handles(path)) {
      work.handle(path, request, response, callback);
      return true;
    }
    switch (path) {
      case WRITS -> {
        if (!HttpMethod.POST.is(method)) {
          return notAllowed(response, callback, "POST");
        }
        writs(request, response, callback);
      }
      case ENROLL_OPEN, ENROLL_CHALLENGE, ENROLL, SVID_CHALLENGE, SVID_RENEW -> {
        if (!HttpMethod.POST.is(method)) {
          return notAllowed(response, callback, "POST");
        }
        enroll(path, request, response, callback);
      }
      case HEALTH, STATUS, LOG_KEY, CHECKPOINT, METRICS, BUNDLE -> {
        if (!HttpMethod.GET.is(method)) {
          return notAllowed(response, callback, "GET");
        }
        get(path, response, callback);
      }
      case null, default -> send(response, callback, HttpStatus.NOT_FOUND_404, TEXT, new byte[0]);
    }
    return true;
  }

  private void get(String path, Response response, Callback callback) {
    switch (path) {
      case HEALTH -> send(response, callback, HttpStatus.OK_200, TEXT, utf8("ok"));
      case BUNDLE -> send(response, callback, HttpStatus.OK_200, PEM, utf8(bundlePem));
      case STATUS -> send(response, callback, HttpStatus.OK_200, JSON, statusBody());
      case LOG_KEY ->
          send(response, callback, HttpStatus.OK_200, TEXT, utf8(checkpoints.vkey() + "\n"));
      case CHECKPOINT -> {
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        send(response, callback, HttpStatus.OK_200, TEXT, checkpoints.current().note());
      }
      case METRICS ->
          send(response, callback, HttpStatus.OK_200, ServerMetrics.CONTENT_TYPE, metrics.scrape());
      default -> send(response, callback, HttpStatus.NOT_FOUND_404, TEXT, new byte[0]);
    }
  }

  private byte[] statusBody() {
    Map<String, JsonValue> m = new LinkedHashMap<>();
    m.put("applied", new JsonInteger(status.applied()));
    m.put("log_size", new JsonInteger(log.size()));
    m.put("peer", new JsonString(status.peer()));
    m.put("role", new JsonString(status.role()));
    return CanonicalJson.write(new JsonValue.JsonObject(m));
  }

  private boolean tile(String relative, Response response, Callback callback) {
    Optional<TilePath> parsed = TilePath.parse(relative);
    Optional<byte[]> bytes =
        parsed.flatMap(
            t ->
                switch (t.kind()) {
                  case HASHES -> log.tile(t.tile());
                  case ENTRIES -> log.entryBundle(t.tile());
                });
    if (bytes.isEmpty()) {
      send(response, callback, HttpStatus.NOT_FOUND_404, TEXT, new byte[0]);
      return true;
    }
    response
        .getHeaders()
        .put(HttpHeader.CACHE_CONTROL, parsed.get().tile().partial() ? "no-store" : IMMUTABLE);
    send(response, callback, HttpStatus.OK_200, OCTETS, bytes.get());
    return true;
  }

  private void writs(Request request, Response response, Callback callback) throws IOException {
    Reply reply;
    if (!limiter.tryAcquireRate()) {
      response.getHeaders().put(HttpHeader.RETRY_AFTER, "1");
      reply = Reply.rateLimited();
    } else if (!limiter.tryEnter()) {
      reply = Reply.overloaded();
    } else {
      try {
        reply = decide(request);
      } finally {
        limiter.exit();
      }
    }
    metrics.answered(reply);
    if (reply.status() == Reply.PAYLOAD_TOO_LARGE) {
      // the rest of the body stays unread: the connection cannot carry another request
      response.getHeaders().put(HttpHeader.CONNECTION, "close");
    }
    send(response, callback, reply.status(), JSON, reply.bytes());
  }

  private Reply decide(Request request) throws IOException {
    long declared = request.getLength();
    if (declared > MAX_BODY_BYTES) {
      return authority.oversize(new byte[0]);
    }
    byte[] body;
    try (InputStream in = Content.Source.asInputStream(request)) {
      body = in.readNBytes(MAX_BODY_BYTES + 1);
    }
    return body.length > MAX_BODY_BYTES ? authority.oversize(body) : authority.decide(body);
  }

  /**
   * The enrollment and renewal endpoints (docs/spec/enrollment.md section 3), under the same
   * limiter.
   */
  private void enroll(String path, Request request, Response response, Callback callback)
      throws IOException {
    Reply reply;
    if (!limiter.tryAcquireRate()) {
      response.getHeaders().put(HttpHeader.RETRY_AFTER, "1");
      reply = Reply.rateLimited();
    } else if (!limiter.tryEnter()) {
      reply = Reply.overloaded();
    } else {
      try {
        reply = enrollOrRenew(path, request);
      } finally {
        limiter.exit();
      }
    }
    if (reply.status() == Reply.PAYLOAD_TOO_LARGE) {
      response.getHeaders().put(HttpHeader.CONNECTION, "close");
    }
    send(response, callback, reply.status(), JSON, reply.bytes());
  }

  private Reply enrollOrRenew(String path, Request request) throws IOException {
    long declared = request.getLength();
    byte[] body = new byte[0];
    if (declared <= EnrollBodies.MAX_BYTES) {
      try (InputStream in = Content.Source.asInputStream(request)) {
        body = in.readNBytes(EnrollBodies.MAX_BYTES + 1);
      }
    }
    boolean oversize = declared > EnrollBodies.MAX_BYTES || body.length > EnrollBodies.MAX_BYTES;
    return switch (path) {
      case SVID_CHALLENGE, SVID_RENEW -> {
        List<X509Certificate> peer = peerChain(request);
        if (oversize) {
          yield renewal.oversize(peer, EnrollBodies.MAX_BYTES);
        }
        yield path.equals(SVID_CHALLENGE)
            ? renewal.challenge(peer, body)
            : renewal.renew(peer, body);
      }
      default -> {
        if (oversize) {
          yield enrollAudit.refuse(
              body, Optional.empty(), Reason.OVERSIZE, "body over " + EnrollBodies.MAX_BYTES);
        }
        yield switch (path) {
          case ENROLL_OPEN -> enrollment.open(body);
          case ENROLL_CHALLENGE -> enrollment.challenge(body);
          default -> enrollment.complete(body);
        };
      }
    };
  }

  /**
   * The certificate chain the client presented in this request's TLS handshake, leaf first; empty
   * without a client certificate (or, fail closed, without TLS session data). Jetty's {@code
   * SecureRequestCustomizer} (installed by {@link ServerTls}) exposes the session's data as a
   * request attribute.
   */
  static List<X509Certificate> peerChain(Request request) {
    if (request.getAttribute(EndPoint.SslSessionData.ATTRIBUTE)
            instanceof EndPoint.SslSessionData ssl
        && ssl.peerCertificates() != null) {
      return List.of(ssl.peerCertificates());
    }
    return List.of();
  }

  private static boolean notAllowed(Response response, Callback callback, String allow) {
    response.getHeaders().put(HttpHeader.ALLOW, allow);
    send(response, callback, HttpStatus.METHOD_NOT_ALLOWED_405, TEXT, new byte[0]);
    return true;
  }

  private static void send(
      Response response, Callback callback, int status, String contentType, byte[] body) {
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
    response.write(true, ByteBuffer.wrap(body), callback);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
