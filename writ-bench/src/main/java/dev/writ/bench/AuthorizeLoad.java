package dev.writ.bench;

import dev.writ.core.WritDeniedException;
import dev.writ.sign.SigningException;
import dev.writ.sign.SoftwareKey;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import javax.net.ssl.SSLContext;

/**
 * The authorize load generator (scripts/bench-authorize runs it): writes a bench fleet's trust root
 * and initiator key, or pre-signs writs and posts them over TLS 1.3 to one or more Writ servers
 * with closed-loop client threads, then prints one summary line and optionally writes the result as
 * JSON. {@link LoadConfig#USAGE} lists the options.
 *
 * <p>Exit status: 0 after a completed run (whatever its figures), 64 for a usage error, 1 for any
 * other failure.
 */
public final class AuthorizeLoad {
  /** The endpoint the load posts to (docs/spec/api.md section 2). */
  static final String WRITS_PATH = "/v1/writs";

  /** Writs are not sent closer than this to their expiry. */
  private static final Duration EXPIRY_MARGIN = Duration.ofSeconds(15);

  private AuthorizeLoad() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err, Clock.systemUTC()));
  }

  static int run(String[] args, PrintStream out, PrintStream err, Clock clock) {
    if (args.length == 1 && (args[0].equals("-h") || args[0].equals("--help"))) {
      out.print(LoadConfig.USAGE);
      return 0;
    }
    LoadConfig config;
    try {
      config = LoadConfig.parse(args);
    } catch (IllegalArgumentException e) {
      err.println("authorize-load: " + e.getMessage());
      err.print(LoadConfig.USAGE);
      return 64;
    }
    try {
      if (config.writeRoot().isPresent()) {
        BenchFleet.write(
            config.writeRoot().get(), config.keyFile(), clock.instant(), new SecureRandom());
        out.println("wrote " + config.writeRoot().get() + " and " + config.keyFile());
        return 0;
      }
      LoadResult result = load(config, clock, err);
      out.println(result.summary());
      if (config.json().isPresent()) {
        Files.write(config.json().get(), result.toJson());
      }
      return 0;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      err.println("authorize-load: interrupted");
      return 1;
    } catch (SigningException | WritDeniedException | IOException | RuntimeException e) {
      err.println("authorize-load: " + e.getMessage());
      return 1;
    }
  }

  private static LoadResult load(LoadConfig config, Clock clock, PrintStream err)
      throws SigningException, WritDeniedException, InterruptedException, IOException {
    SecureRandom random = new SecureRandom();
    SoftwareKey initiator = BenchFleet.readInitiator(config.keyFile(), random);
    int total = config.warmup() + config.writs();
    long signStart = System.nanoTime();
    BenchFleet.Signed writs =
        BenchFleet.sign(
            initiator, total, clock.instant(), random, Runtime.getRuntime().availableProcessors());
    long signingNanos = System.nanoTime() - signStart;
    err.printf(
        "authorize-load: signed %d writs in %.2f s (not part of the measured window)%n",
        total, signingNanos / 1e9);
    // the writs expire WRIT_WINDOW after signing began: stop taking them well before that
    Duration validLeft = BenchFleet.WRIT_WINDOW.minusNanos(signingNanos).minus(EXPIRY_MARGIN);
    Duration max = config.maxDuration().compareTo(validLeft) < 0 ? config.maxDuration() : validLeft;
    if (max.isNegative() || max.isZero()) {
      throw new IllegalStateException("signing took longer than the writs stay valid");
    }
    SSLContext tls = BenchTls.client(config.bundle().orElseThrow(), clock, random);
    LoadResult.Measured measured;
    try (ClientKind.Factory factory = config.client().factory(config.urls(), tls)) {
      LoadGenerator generator =
          new LoadGenerator(
              writs,
              config.warmup(),
              config.clients(),
              config.urls().size(),
              factory,
              System.nanoTime() + max.toNanos(),
              CpuProbe.of(config.serverPids()));
      measured = generator.run();
    }
    return new LoadResult(
        config.label(),
        config.urls(),
        config.clients(),
        config.client(),
        config.writs(),
        config.warmup(),
        signingNanos,
        measured);
  }
}
