package dev.writ.log;

import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Where {@link LogAuditor} reads a c2sp.org/tlog-tiles log from: a folder ({@link #folder}) or an
 * HTTP(S) base URL ({@link #http}). Reads are by tlog-tiles path relative to the log's prefix
 * ({@code checkpoint}, {@code tile/0/000}, {@code tile/entries/000}) and bounded: a resource longer
 * than the caller's limit is refused after at most that limit plus one byte.
 *
 * <p>Closed set: a folder or HTTP. Implementations are thread-safe; {@link #close()} releases the
 * resources of an HTTP client the source made itself and does nothing for a folder or for a client
 * the caller gave.
 */
public sealed interface LogSource extends AutoCloseable permits FolderSource, HttpSource {
  /**
   * The bytes at {@code path}, or empty if there is none (no file; HTTP 404).
   *
   * @throws LogAuditException {@link LogAuditException.Kind#TOO_LARGE} if longer than {@code max}
   *     bytes (index: the bytes read, at most {@code max + 1}); {@link
   *     LogAuditException.Kind#UNREADABLE} for any other failure (an I/O error, an HTTP status
   *     other than 200 and 404, a timeout)
   */
  Optional<byte[]> read(String path, int max) throws LogAuditException;

  /** Where the log is, for messages: the folder or the base URL. */
  String location();

  @Override
  void close();

  /** The log under folder {@code root}. */
  static LogSource folder(Path root) {
    return new FolderSource(root);
  }

  /**
   * The log under base URL {@code base} ({@code http} or {@code https}; a missing trailing slash is
   * added, so {@code https://h/log} reads {@code https://h/log/checkpoint}), read with a fresh
   * {@link java.net.http.HttpClient}: {@code timeout} bounds connecting and, separately, each whole
   * request (headers and body). Redirects are not followed (a 3xx is {@code UNREADABLE}).
   *
   * @throws IllegalArgumentException if {@code base} is not an absolute http(s) URL without query
   *     or fragment, or {@code timeout} is not positive
   */
  static LogSource http(URI base, Duration timeout) {
    return HttpSource.ownClient(base, timeout);
  }

  /**
   * The log under base URL {@code base}, read with the caller's {@code client}: how it connects is
   * the caller's choice, e.g. TLS 1.3 to a Writ server authenticated by its trust bundle (the
   * caller builds the client with that {@link javax.net.ssl.SSLContext}). {@code timeout} bounds
   * each whole request. The source does not own the client: {@link #close()} leaves it open.
   *
   * @throws IllegalArgumentException as {@link #http(URI, Duration)}, and if {@code client} follows
   *     redirects (a 3xx must stay {@code UNREADABLE}, never lead to another host)
   */
  static LogSource http(URI base, HttpClient client, Duration timeout) {
    return HttpSource.callerClient(base, client, timeout);
  }
}
