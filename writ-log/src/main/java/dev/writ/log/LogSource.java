package dev.writ.log;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Where {@link LogAuditor} reads a c2sp.org/tlog-tiles log from: a folder ({@link #folder}) or an
 * HTTP(S) base URL ({@link #http}). Reads are by tlog-tiles path relative to the log's prefix
 * ({@code checkpoint}, {@code tile/0/000}, {@code tile/entries/000}) and bounded: a resource longer
 * than the caller's limit is refused after at most that limit plus one byte.
 *
 * <p>Closed set: a folder or HTTP. Implementations are thread-safe; {@link #close()} releases an
 * HTTP client's resources and does nothing for a folder.
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
    return new HttpSource(base, timeout);
  }
}
