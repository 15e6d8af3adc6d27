package dev.writ.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * How the load generator's client threads talk HTTP/1.1 to the server. The three differ only in the
 * CPU they take from the machine the server shares: {@link #JDK_SHARED} and {@link #JDK_PER_CLIENT}
 * are {@code java.net.http.HttpClient} (one for all threads, or one per thread); {@link #SOCKET} is
 * a minimal blocking client on one keep-alive socket per thread and URL.
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

  /** A factory of one submitter per client thread; close it after every submitter is closed. */
  Factory factory(List<URI> urls) {
    return switch (this) {
      case JDK_SHARED -> {
        HttpClient shared = JdkSubmitter.newClient();
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
              return new JdkSubmitter(JdkSubmitter.newClient(), urls, true);
            }

            @Override
            public void close() {}
          };
      case SOCKET ->
          new Factory() {
            @Override
            public Submitter open() {
              return new SocketSubmitter(urls);
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
