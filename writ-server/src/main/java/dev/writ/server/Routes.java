package dev.writ.server;

import dev.writ.core.Limits;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The HTTP surface: {@code POST /v1/writs} and {@code GET /healthz}; any other path is 404, any
 * other method on a known path 405. Request bodies are bounded before they are read whole.
 *
 * <p>Thread-safe: holds only the thread-safe {@link Authority}. Blocks a Jetty worker thread while
 * the ledger commits.
 */
final class Routes extends Handler.Abstract {
  static final String WRITS = "/v1/writs";
  static final String HEALTH = "/healthz";

  /**
   * The largest request body read: an envelope larger than {@link Limits#MAX_ENVELOPE_BYTES} is
   * OVERSIZE by docs/spec/writ.md, so no more is ever buffered.
   */
  static final int MAX_BODY_BYTES = Limits.MAX_ENVELOPE_BYTES;

  private static final String JSON = "application/json";
  private static final String TEXT = "text/plain; charset=utf-8";

  private final Authority authority;

  Routes(Authority authority) {
    this.authority = authority;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws IOException {
    String path = request.getHttpURI().getPath();
    String method = request.getMethod();
    switch (path) {
      case WRITS -> {
        if (!HttpMethod.POST.is(method)) {
          return text(response, callback, HttpStatus.METHOD_NOT_ALLOWED_405, "POST", "");
        }
        writs(request, response, callback);
      }
      case HEALTH -> {
        if (!HttpMethod.GET.is(method)) {
          return text(response, callback, HttpStatus.METHOD_NOT_ALLOWED_405, "GET", "");
        }
        text(response, callback, HttpStatus.OK_200, null, "ok");
      }
      case null, default -> text(response, callback, HttpStatus.NOT_FOUND_404, null, "");
    }
    return true;
  }

  private void writs(Request request, Response response, Callback callback) throws IOException {
    long declared = request.getLength();
    byte[] body = declared > MAX_BODY_BYTES ? null : readBounded(request);
    Reply reply = body == null ? Reply.oversize() : authority.decide(body);
    response.setStatus(reply.status());
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, JSON);
    response.write(true, ByteBuffer.wrap(reply.bytes()), callback);
  }

  /** The body, or null if it is longer than {@link #MAX_BODY_BYTES}. */
  private static byte[] readBounded(Request request) throws IOException {
    try (InputStream in = Content.Source.asInputStream(request)) {
      byte[] bytes = in.readNBytes(MAX_BODY_BYTES + 1);
      return bytes.length > MAX_BODY_BYTES ? null : bytes;
    }
  }

  private static boolean text(
      Response response, Callback callback, int status, String allow, String text) {
    response.setStatus(status);
    if (allow != null) {
      response.getHeaders().put(HttpHeader.ALLOW, allow);
    }
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, TEXT);
    response.write(true, ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)), callback);
    return true;
  }
}
