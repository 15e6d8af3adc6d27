package dev.writ.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SSLContext;

/**
 * How the load generator's client threads talk HTTP/1.1 over TLS 1.3 to the server. The three
 * differ only in the CPU they take from the machine the server shares: {@link #JDK_SHARED} and
 * {@link #JDK_PER_CLIENT} are {@code java.net.http.HttpClient} (one for all threads, or one per
 * thread); {@link #SOCKET} is a minimal blocking client on one keep-alive TLS socket per thread and
 * URL. All keep connections open, so the TLS handshakes are a start-up cost, not what is measured.
 */
enum ClientKind {
  /** One {@link HttpClient} shared by every client thread (its pool opens one connection each). */
  JDK_SHARED("jdk-shared"),
  /** One {@link HttpClient} per client thread. */
  JDK_PER_CLIENT("jdk-per-client"),
  /** {@link SocketSubmitter}: blocking socket, no selector thread, no futures. */
  SOCKET("socket");

  /** A connection attempt that takes longer fails the request. */
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

  /** Longer than the server's ledger timeout (10 s), so the server answers first. */
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

  private final String wire;

  ClientKind(String wire) {
    this.wire = wire;
  }

  /** The name on the command line and in results. */
  String wire() {
    return wire;
  }

  static ClientKind parse(String s) {
    for (ClientKind k : values()) {
      if (k.wire.equals(s.toLowerCase(Locale.ROOT))) {
        return k;
      }
    }
    throw new IllegalArgumentException(
        "--client must be jdk-shared, jdk-per-client or socket, got " + s);
  }

  /**
   * A factory of one submitter per client thread, each connecting with {@code tls} (a client
   * context of {@link BenchTls}); close it after every submitter is closed.
   */
  Factory factory(List<URI> urls, SSLContext tls) {
    return switch (this) {
      case JDK_SHARED -> {
        HttpClient shared = JdkSubmitter.newClient(tls);
        yield new Factory() {
          @Override
          public Submitter open() {
            return new JdkSubmitter(shared, urls, false);
          }

          @Override
          public void close() {
            shared.close();
          }
        };
      }
      case JDK_PER_CLIENT ->
          new Factory() {
            @Override
            public Submitter open() {
              return new JdkSubmitter(JdkSubmitter.newClient(tls), urls, true);
            }

            @Override
            public void close() {}
          };
      case SOCKET ->
          new Factory() {
            @Override
            public Submitter open() {
              return new SocketSubmitter(urls, tls);
            }

            @Override
            public void close() {}
          };
    };
  }

  /** Makes submitters. Thread-safe. */
  interface Factory extends AutoCloseable {
    Submitter open();

    @Override
    void close();
  }
}
