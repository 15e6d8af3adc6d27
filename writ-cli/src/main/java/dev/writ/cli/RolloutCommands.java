package dev.writ.cli;

import dev.writ.core.json.CanonicalJson;
import dev.writ.core.json.JsonValue;
import dev.writ.core.json.JsonValue.JsonInteger;
import dev.writ.core.json.JsonValue.JsonObject;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "rollout",
    mixinStandardHelpOptions = true,
    description = {"Follow the work of a rollout (docs/spec/work.md section 8)."},
    subcommands = {RolloutCommands.Status.class})
final class RolloutCommands implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Exit status when items are still pending (not finished, or --timeout passed). */
  static final int PENDING = 3;

  /** A rollout name (writ.md section 7.2). */
  private static final Pattern ROLLOUT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

  /** Width of the progress bar, in characters. */
  static final int BAR_WIDTH = 10;

  @Command(
      name = "status",
      mixinStandardHelpOptions = true,
      description = {
        "Show the per-target state of a rollout: GET /v1/rollouts/R over TLS 1.3 (the server",
        "authenticated by --bundle and its SPIFFE ID). On a terminal a progress bar",
        "([######xx--] 3/5 done 1 refused 1 pending; # done, x refused, - pending) and one",
        "line per target, redrawn in place; otherwise the summary line, and the per-target",
        "lines at the end; --json prints the answer, with counts, as one JSON line per poll.",
        "With --watch it polls every second until no item is pending or --timeout passes.",
        "This is what the server reports; 'writ result show ID' verifies the results.",
        "Exit status: 0 every item done, 1 an item refused, 2 usage error, unknown rollout,",
        "unreachable server, failed TLS check or an answer that does not hold, 3 items still",
        "pending (after --timeout with --watch)."
      })
  static final class Status implements Callable<Integer> {
    private final WritCli.Env env;

    @Parameters(index = "0", paramLabel = "R", description = "The rollout name.")
    String rollout;

    @Option(
        names = "--server",
        required = true,
        paramLabel = "URL",
        description = "The server's TLS listener, https://HOST:PORT.")
    String server;

    @Option(
        names = "--bundle",
        required = true,
        paramLabel = "FILE",
        description = "The trust bundle (the server's CA certificates, PEM), from the operator.")
    Path bundle;

    @Option(names = "--json", description = "One JSON line per poll instead of text.")
    boolean json;

    @Option(names = "--watch", description = "Poll every second until no item is pending.")
    boolean watch;

    @Option(
        names = "--timeout",
        paramLabel = "T",
        defaultValue = "60s",
        description = "How long --watch polls, e.g. 90s, 10m (default: ${DEFAULT-VALUE}).")
    String timeout;

    private int drawnLines;
    private String lastSummary = "";

    Status(WritCli.Env env) {
      this.env = env;
    }

    @Override
    public Integer call() throws CliException {
      if (!ROLLOUT.matcher(rollout).matches()) {
        throw new CliException(
            "a rollout name matches [A-Za-z0-9][A-Za-z0-9._-]{0,127}, not \"" + rollout + "\"");
      }
      Duration limit = RequestCommand.ttl(timeout);
      ServerTrust trust = ServerTrust.of(server, bundle);
      URI uri =
          trust
              .server()
              .resolve("/v1/rollouts/" + URLEncoder.encode(rollout, StandardCharsets.UTF_8));
      Instant deadline = env.clock().instant().plus(limit);
      // one poll a second: the count bounds the loop even if the clock stands still
      long maxPolls = watch ? limit.toSeconds() + 1 : 1;
      RolloutProgress progress;
      try (HttpClient http = trust.client(env.clock(), env.random())) {
        for (long poll = 1; ; poll++) {
          progress = fetch(http, uri);
          show(progress, poll);
          boolean finished = progress.count(RolloutProgress.State.PENDING) == 0;
          if (finished || poll >= maxPolls || !env.clock().instant().isBefore(deadline)) {
            break;
          }
          sleep();
        }
      }
      if (!json && !env.terminal()) {
        lines(progress, env.out());
      }
      return exitStatus(progress);
    }

    private int exitStatus(RolloutProgress progress) {
      long pending = progress.count(RolloutProgress.State.PENDING);
      if (pending > 0) {
        env.err()
            .println(
                "writ: "
                    + pending
                    + " item(s) of rollout "
                    + rollout
                    + " still pending"
                    + (watch ? " after " + timeout : ""));
        return PENDING;
      }
      return progress.count(RolloutProgress.State.REFUSED) > 0 ? WritCli.DENIED : WritCli.OK;
    }

    private RolloutProgress fetch(HttpClient http, URI uri) throws CliException {
      TlsPost.Answer answer = TlsGet.get(http, uri);
      if (answer.status() == 404) {
        throw new CliException(
            "no work has rollout "
                + rollout
                + " ("
                + answer.string("reason").orElse("HTTP 404")
                + ")");
      }
      if (answer.status() != 200) {
        throw new CliException(
            uri
                + " answered HTTP "
                + answer.status()
                + answer.string("reason").map(r -> " " + r).orElse(""));
      }
      RolloutProgress progress = RolloutProgress.parse(answer.body(), rollout);
      if (json) {
        Map<String, JsonValue> m = new LinkedHashMap<>(answer.body());
        for (RolloutProgress.State s : RolloutProgress.State.values()) {
          m.put(s.wire(), new JsonInteger(progress.count(s)));
        }
        m.put("total", new JsonInteger(progress.total()));
        env.out()
            .println(new String(CanonicalJson.write(new JsonObject(m)), StandardCharsets.UTF_8));
      }
      return progress;
    }

    private void show(RolloutProgress progress, long poll) {
      if (json) {
        return;
      }
      String summary = summary(progress);
      PrintStream out = env.out();
      if (env.terminal()) {
        if (drawnLines > 0) {
          // back to the first line drawn, then clear everything below it
          out.print("\033[" + drawnLines + "F\033[J");
        }
        out.println(summary);
        drawnLines = 1 + lines(progress, out);
        out.flush();
      } else if (poll == 1 || !summary.equals(lastSummary)) {
        out.println(summary);
      }
      lastSummary = summary;
    }

    private void sleep() throws CliException {
      try {
        Thread.sleep(Duration.ofSeconds(1));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CliException("interrupted while watching rollout " + rollout, e);
      }
    }
  }

  /** {@code [######xx--] 3/5 done 1 refused 1 pending}. */
  static String summary(RolloutProgress p) {
    long done = p.count(RolloutProgress.State.DONE);
    long refused = p.count(RolloutProgress.State.REFUSED);
    long pending = p.count(RolloutProgress.State.PENDING);
    long total = p.total();
    return bar(done, refused, total)
        + " "
        + done
        + "/"
        + total
        + " done "
        + refused
        + " refused "
        + pending
        + " pending";
  }

  /** {@value #BAR_WIDTH} characters: done as {@code #}, refused as {@code x}, pending {@code -}. */
  static String bar(long done, long refused, long total) {
    int d = total == 0 ? 0 : (int) (done * BAR_WIDTH / total);
    int r = total == 0 ? 0 : (int) ((done + refused) * BAR_WIDTH / total) - d;
    return "[" + "#".repeat(d) + "x".repeat(r) + "-".repeat(BAR_WIDTH - d - r) + "]";
  }

  /** One line per target; returns how many were printed. */
  static int lines(RolloutProgress p, PrintStream out) {
    int n = 0;
    for (RolloutProgress.Work w : p.works()) {
      for (RolloutProgress.Item i : w.items()) {
        out.println(
            String.format(
                java.util.Locale.ROOT,
                "  %-8s %s  %s %s%s%s",
                i.state().wire(),
                i.node(),
                w.cap(),
                w.id(),
                w.tier().map(t -> " (" + t + ")").orElse(""),
                i.index().map(x -> "  leaf " + x).orElse("")));
        n++;
      }
    }
    return n;
  }
}
