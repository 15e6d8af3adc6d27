package dev.writ.log;

import dev.writ.log.LogAuditException.Kind;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodySubscriber;
import java.net.http.HttpResponse.BodySubscribers;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A log served over HTTP(S) as c2sp.org/tlog-tiles: {@code GET <base><path>}; 200 is the resource,
 * 404 is none, anything else is an error. Each request has one deadline for headers and body
 * together; a body longer than the caller's limit is cut off after one byte more and refused.
 *
 * <p>Thread-safe (the JDK client is); {@link #close()} shuts a client the source made down without
 * waiting, and leaves a caller's client alone.
 */
final class HttpSource implements LogSource {
  private final URI base;
  private final Duration timeout;
  private final HttpClient client;
  private final boolean owned;

  /** With a client of its own that connects within {@code timeout} and follows no redirect. */
  static HttpSource ownClient(URI base, Duration timeout) {
    URI checked = checkedBase(base);
    checkTimeout(timeout);
    return new HttpSource(
        checked,
        timeout,
        HttpClient.newBuilder()
            .connectTimeout(timeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build(),
        true);
  }

  /** With the caller's client, which must not follow redirects; never closed here. */
  static HttpSource callerClient(URI base, HttpClient client, Duration timeout) {
    URI checked = checkedBase(base);
    checkTimeout(timeout);
    if (client.followRedirects() != HttpClient.Redirect.NEVER) {
      throw new IllegalArgumentException(
          "the log client must not follow redirects, it follows " + client.followRedirects());
    }
    return new HttpSource(checked, timeout, client, false);
  }

  private HttpSource(URI base, Duration timeout, HttpClient client, boolean owned) {
    this.base = base;
    this.timeout = timeout;
    this.client = client;
    this.owned = owned;
  }

  /** {@code base} with a trailing slash, if it is an absolute http(s) URL without query. */
  private static URI checkedBase(URI base) {
    String scheme = base.getScheme() == null ? "" : base.getScheme().toLowerCase(Locale.ROOT);
    if (!base.isAbsolute()
        || !(scheme.equals("http") || scheme.equals("https"))
        || base.getRawAuthority() == null
        || base.getRawQuery() != null
        || base.getRawFragment() != null) {
      throw new IllegalArgumentException(
          "a log URL is an absolute http(s) URL without query or fragment: " + base);
    }
    String path = base.getRawPath() == null ? "" : base.getRawPath();
    return path.endsWith("/") ? base : URI.create(base + "/");
  }

  private static void checkTimeout(Duration timeout) {
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive: " + timeout);
    }
  }

  @Override
  public Optional<byte[]> read(String path, int max) throws LogAuditException {
    HttpRequest request = HttpRequest.newBuilder(base.resolve(path)).timeout(timeout).GET().build();
    CompletableFuture<HttpResponse<byte[]>> pending =
        client.sendAsync(
            request,
            info ->
                info.statusCode() == 200
                    ? new BoundedBody(max)
                    : BodySubscribers.replacing(new byte[0]));
    HttpResponse<byte[]> response;
    try {
      response = pending.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      pending.cancel(true);
      throw unreadable(path, "no complete answer within " + timeout, e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw unreadable(path, cause.toString(), cause);
    } catch (InterruptedException e) {
      pending.cancel(true);
      Thread.currentThread().interrupt();
      throw unreadable(path, "interrupted", e);
    }
    int status = response.statusCode();
    if (status == 404) {
      return Optional.empty();
    }
    if (status != 200) {
      throw new LogAuditException(Kind.UNREADABLE, path, -1, "HTTP status " + status);
    }
    byte[] bytes = response.body();
    if (bytes.length > max) {
      throw new LogAuditException(
          Kind.TOO_LARGE, path, bytes.length, "longer than " + max + " bytes");
    }
    return Optional.of(bytes);
  }

  @Override
  public String location() {
    return base.toString();
  }

  /**
   * Stops a client the source made at once, abandoning requests still running (never waits for a
   * peer); a caller's client is the caller's to close.
   */
  @Override
  public void close() {
    if (owned) {
      client.shutdownNow();
    }
  }

  private static LogAuditException unreadable(String path, String detail, Throwable cause) {
    return new LogAuditException(Kind.UNREADABLE, path, -1, detail, cause);
  }

  /** Collects at most {@code max + 1} bytes of a body, then cancels the rest of it. */
  private static final class BoundedBody implements BodySubscriber<byte[]> {
    private final int max;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private Flow.Subscription subscription;

    BoundedBody(int max) {
      this.max = max;
    }

    @Override
    public CompletionStage<byte[]> getBody() {
      return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
      if (result.isDone()) {
        return;
      }
      for (ByteBuffer b : items) {
        int take = Math.min(b.remaining(), max + 1 - out.size());
        byte[] chunk = new byte[take];
        b.get(chunk);
        out.writeBytes(chunk);
        if (out.size() > max) {
          subscription.cancel();
          result.complete(out.toByteArray());
          return;
        }
      }
    }

    @Override
    public void onError(Throwable t) {
      result.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
      result.complete(out.toByteArray());
    }
  }
}
