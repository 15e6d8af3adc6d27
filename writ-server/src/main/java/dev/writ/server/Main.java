package dev.writ.server;

import dev.writ.core.TrustRoot;
import dev.writ.core.WritDeniedException;
import dev.writ.state.StateCluster.PeerAddress;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code writ server} (docs/spec/api.md section 8): the server's own entry point, in its own jar,
 * so the server process carries no operator signing code (DESIGN.md section 9). Prints the TLS
 * listen address, the trust bundle file, the log key and the peer id, then serves until SIGTERM or
 * SIGINT.
 */
@Command(
    name = "writ server",
    mixinStandardHelpOptions = true,
    version = "writ server 0.1.0",
    description = {
      "Runs the Writ authority: verifies writs, spends and audits them in the replicated ledger,"
          + " and serves receipts and the transparency log over HTTPS, TLS 1.3 only"
          + " (docs/spec/api.md).",
      "Without --peers it runs one embedded peer under --data; with --peers and --id it is one"
          + " peer of a 3- or 5-peer group, each peer its own process."
    },
    sortOptions = false)
public final class Main implements Callable<Integer> {
  @Option(names = "--data", required = true, paramLabel = "DIR", description = "this peer's data")
  Path data;

  @Option(
      names = "--root",
      required = true,
      paramLabel = "FILE",
      description = "the signed trust root (root.json) to pin")
  Path root;

  @Option(
      names = "--listen",
      paramLabel = "HOST:PORT",
      description =
          "the TLS 1.3 listener, bound to exactly this address (a wildcard only if given);"
              + " port 0 picks a free one (default: ${DEFAULT-VALUE})",
      defaultValue = ServerConfig.DEFAULT_HOST + ":" + ServerConfig.DEFAULT_PORT)
  String listen;

  @Option(
      names = "--ca",
      paramLabel = "DIR",
      description =
          "the SPIFFE CA's key and certificate, created if missing; share it between peers"
              + " (default: DIR/ca)")
  Path ca;

  @Option(
      names = "--log-key",
      paramLabel = "FILE",
      description = "log key file, created if missing (default: DIR/log.key)")
  Path logKey;

  @Option(
      names = "--origin",
      paramLabel = "NAME",
      description = "the log's origin and log key name (default: ${DEFAULT-VALUE})",
      defaultValue = ServerConfig.DEFAULT_ORIGIN)
  String origin;

  @Option(
      names = "--peers",
      paramLabel = "ID=HOST:PORT,...",
      split = ",",
      description = "every peer of the group with its Raft address (3 or 5)")
  List<String> peers = new ArrayList<>();

  @Option(names = "--id", paramLabel = "ID", description = "this process's peer id in --peers")
  String id;

  @Option(
      names = "--rate",
      paramLabel = "N",
      description = "requests/s admitted to POST /v1/writs (default: ${DEFAULT-VALUE})",
      defaultValue = "" + ServerConfig.DEFAULT_RATE)
  long rate;

  @Option(
      names = "--max-in-flight",
      paramLabel = "N",
      description = "requests waiting for the ledger at once (default: ${DEFAULT-VALUE})",
      defaultValue = "" + ServerConfig.DEFAULT_MAX_IN_FLIGHT)
  int maxInFlight;

  private final CountDownLatch stop = new CountDownLatch(1);

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /**
   * Runs the command line; returns the exit code (0 after a clean stop, 2 on bad input, 1 on
   * failure).
   */
  static int run(String[] args) {
    CommandLine cl = new CommandLine(new Main());
    cl.setExecutionExceptionHandler(
        (e, cmd, parsed) -> {
          PrintWriter err = cmd.getErr();
          err.println("writ server: " + e.getMessage());
          if (System.getenv("WRIT_DEBUG") != null) {
            e.printStackTrace(err);
          }
          return e instanceof IllegalArgumentException ? 2 : 1;
        });
    return cl.execute(args);
  }

  @Override
  public Integer call() throws IOException, InterruptedException {
    ServerConfig config = config();
    WritServer server = WritServer.start(config);
    Thread hook =
        new Thread(
            () -> {
              try {
                server.close();
              } catch (IOException e) {
                System.err.println("writ server: did not stop cleanly: " + e.getMessage());
              } finally {
                stop.countDown();
              }
            },
            "writ-server-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    System.out.println("listening " + server.uri());
    System.out.println("bundle " + server.bundleFile());
    System.out.println("log key " + server.logKey());
    System.out.println("peer " + config.localId().orElse("p0"));
    System.out.flush();
    stop.await();
    return 0;
  }

  private ServerConfig config() throws IOException {
    int colon = listen.lastIndexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException("--listen must be host:port, got " + listen);
    }
    int port;
    try {
      port = Integer.parseInt(listen.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--listen port is not a number: " + listen, e);
    }
    String host = listen.substring(0, colon);
    if (host.length() > 2 && host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1); // [::1]:7300
    }
    if (!Files.isRegularFile(root)) {
      throw new IllegalArgumentException("--root " + root + " is not a file");
    }
    TrustRoot pinned;
    try {
      pinned = TrustRoot.pin(Files.readAllBytes(root));
    } catch (WritDeniedException e) {
      throw new IllegalArgumentException(
          "--root " + root + " is not a valid trust root: " + e.getMessage(), e);
    }
    List<PeerAddress> group = peers.stream().map(PeerAddress::parse).toList();
    Path keyFile = logKey != null ? logKey : data.resolve("log.key");
    return new ServerConfig(
        host,
        port,
        ca != null ? ca : data.resolve("ca"),
        pinned,
        data,
        keyFile,
        origin,
        group,
        Optional.ofNullable(id),
        rate,
        Math.max(1, rate / 10),
        maxInFlight,
        Clock.systemUTC());
  }
}
