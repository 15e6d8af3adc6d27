package dev.writ.bench;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The command line of {@link AuthorizeLoad}, parsed and checked once. Either {@code --write-root}
 * (write the fleet and stop) or a load run against {@code https} servers, authenticated by the
 * trust bundle they printed.
 *
 * <p>Immutable.
 */
record LoadConfig(
    Optional<Path> writeRoot,
    Path keyFile,
    List<URI> urls,
    Optional<Path> bundle,
    int clients,
    int writs,
    int warmup,
    ClientKind client,
    Optional<Path> json,
    String label,
    List<Long> serverPids,
    Duration maxDuration) {

  static final int DEFAULT_CLIENTS = 64;
  static final int DEFAULT_WRITS = 100_000;
  static final int DEFAULT_WARMUP = 20_000;

  /** A run stops taking new writs after this long, so a stalled server cannot hang the bench. */
  static final Duration DEFAULT_MAX_DURATION = Duration.ofMinutes(5);

  /** Every client thread holds sockets and a histogram; more than this is a typo. */
  static final int MAX_CLIENTS = 4096;

  /** Pre-signed envelopes are held in memory, about 800 bytes each. */
  static final int MAX_WRITS = 5_000_000;

  static final String USAGE =
      """
      Usage:
        AuthorizeLoad --write-root ROOT.json --key KEY.pem
            writes a new bench fleet: the signed trust root and the initiator's (unencrypted,
            bench-only) key
        AuthorizeLoad --key KEY.pem --url https://127.0.0.1:P[,https://...] --bundle FILE
                      [options]
            pre-signs --warmup + --writs writs, then --clients closed-loop client threads post
            them to POST /v1/writs round-robin over the URLs, over TLS 1.3 (each thread keeps
            its connections open, so handshakes are not what is measured); warmup writs are
            not measured
      Options:
        --bundle FILE     the servers' trust bundle ('writ server' prints it as 'bundle FILE');
                          the servers are accepted as spiffe://bench.writ.dev/writ/server only
        --clients N       client threads, each with one request in flight (default 64)
        --writs N         measured writs (default 100000)
        --warmup N        writs sent before the measured window (default 20000)
        --client KIND     socket (default), jdk-shared or jdk-per-client
        --json FILE       also write the result as JSON
        --label TEXT      a name for this run in the summary and the JSON
        --server-pid P[,P...]  server processes whose CPU time to report (Linux /proc)
        --max-seconds N   stop taking new writs after N seconds (default 300)
      """;

  /**
   * Parses {@code args}.
   *
   * @throws IllegalArgumentException with a one-line message for any usage error
   */
  static LoadConfig parse(String[] args) {
    Optional<Path> writeRoot = Optional.empty();
    Path key = null;
    List<URI> urls = new ArrayList<>();
    Optional<Path> bundle = Optional.empty();
    int clients = DEFAULT_CLIENTS;
    int writs = DEFAULT_WRITS;
    int warmup = DEFAULT_WARMUP;
    ClientKind client = ClientKind.SOCKET;
    Optional<Path> json = Optional.empty();
    String label = "";
    List<Long> pids = new ArrayList<>();
    Duration max = DEFAULT_MAX_DURATION;
    for (int i = 0; i < args.length; i++) {
      String opt = args[i];
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(opt + " needs a value (or is not an option)");
      }
      String v = args[++i];
      switch (opt) {
        case "--write-root" -> writeRoot = Optional.of(Path.of(v));
        case "--key" -> key = Path.of(v);
        case "--url" -> {
          for (String u : v.split(",", -1)) {
            urls.add(url(u));
          }
        }
        case "--bundle" -> bundle = Optional.of(Path.of(v));
        case "--clients" -> clients = positive(opt, v, MAX_CLIENTS);
        case "--writs" -> writs = positive(opt, v, MAX_WRITS);
        case "--warmup" -> warmup = nonNegative(opt, v, MAX_WRITS);
        case "--client" -> client = ClientKind.parse(v);
        case "--json" -> json = Optional.of(Path.of(v));
        case "--label" -> label = v;
        case "--server-pid" -> {
          for (String p : v.split(",", -1)) {
            pids.add((long) positive(opt, p, Integer.MAX_VALUE));
          }
        }
        case "--max-seconds" -> max = Duration.ofSeconds(positive(opt, v, 86_400));
        default -> throw new IllegalArgumentException("unknown option " + opt);
      }
    }
    if (key == null) {
      throw new IllegalArgumentException("--key is required");
    }
    if (writeRoot.isEmpty() && urls.isEmpty()) {
      throw new IllegalArgumentException("give --write-root FILE, or --url for a load run");
    }
    if (writeRoot.isPresent() && (!urls.isEmpty() || bundle.isPresent())) {
      throw new IllegalArgumentException("--write-root and --url or --bundle do not go together");
    }
    if (!urls.isEmpty() && bundle.isEmpty()) {
      throw new IllegalArgumentException(
          "--bundle FILE is required with --url: the servers' trust bundle, which 'writ server'"
              + " prints as 'bundle FILE'");
    }
    if ((long) writs + warmup > MAX_WRITS) {
      throw new IllegalArgumentException("--writs plus --warmup must be at most " + MAX_WRITS);
    }
    return new LoadConfig(
        writeRoot,
        key,
        List.copyOf(urls),
        bundle,
        clients,
        writs,
        warmup,
        client,
        json,
        label,
        List.copyOf(pids),
        max);
  }

  private static URI url(String s) {
    URI u;
    try {
      u = new URI(s);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("--url is not a URL: " + s, e);
    }
    if ("http".equals(u.getScheme())) {
      throw new IllegalArgumentException(
          "--url must be https://host:port, got " + s + ": the server speaks TLS 1.3 only");
    }
    if (!"https".equals(u.getScheme()) || u.getHost() == null || u.getPort() < 1) {
      throw new IllegalArgumentException("--url must be https://host:port, got " + s);
    }
    if (u.getRawPath() != null && !u.getRawPath().isEmpty() && !u.getRawPath().equals("/")) {
      throw new IllegalArgumentException("--url takes the server's base URL, no path: " + s);
    }
    return URI.create("https://" + u.getHost() + ":" + u.getPort() + "/");
  }

  private static int positive(String opt, String v, int max) {
    int n = nonNegative(opt, v, max);
    if (n == 0) {
      throw new IllegalArgumentException(opt + " must be at least 1");
    }
    return n;
  }

  private static int nonNegative(String opt, String v, int max) {
    int n;
    try {
      n = Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(opt + " must be a whole number, got " + v, e);
    }
    if (n < 0 || n > max) {
      throw new IllegalArgumentException(opt + " must be between 0 and " + max + ", got " + v);
    }
    return n;
  }
}
