package dev.writ.cli;

import dev.writ.core.ContentId;
import dev.writ.core.WritDeniedException;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "content",
    mixinStandardHelpOptions = true,
    description = {
      "Content-addressed bytes (docs/spec/content.md): 'id' computes a file's",
      "content id, 'put' stores a file on the server and prints its id, 'get'",
      "fetches bytes by id and writes them only if they hash to it. Storing content",
      "authorizes nothing: a writ names the id, and agents check the bytes again."
    },
    subcommands = {ContentCommands.Id.class, ContentCommands.Put.class, ContentCommands.Get.class})
final class ContentCommands implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** What every server command of this group takes. */
  static final class ServerOptions {
    @Option(
        names = "--server",
        paramLabel = "URL",
        defaultValue = "https://127.0.0.1:7300",
        description =
            "The server's TLS listener, https://HOST:PORT (default: ${DEFAULT-VALUE}); http:// is"
                + " refused.")
    String server;

    @Option(
        names = "--bundle",
        paramLabel = "FILE",
        description =
            "The trust bundle (the server's CA certificates, PEM; 'writ server' prints its path as"
                + " 'bundle FILE'), from the operator, not from the server you are checking.")
    Path bundle;

    ServerTrust trust() throws CliException {
      return ServerTrust.of("--server", server, bundle);
    }
  }

  /** Reports a refusal on stderr: exit 3 when the server did not decide, else 1. */
  static int refused(WritCli.Env env, String what, ContentClient.Refusal refusal) {
    if (refusal.undecided()) {
      env.err()
          .println(
              "writ: the server did not "
                  + what
                  + " ("
                  + refusal.describe()
                  + ");"
                  + " retry later");
      return SubmitCommand.NOT_DECIDED;
    }
    env.err().println("writ: the server did not " + what + ": " + refusal.describe());
    return WritCli.DENIED;
  }

  @Command(
      name = "id",
      mixinStandardHelpOptions = true,
      description = {
        "Print the content id of FILE (sha256:<64 hex>), computed locally: the id a",
        "writ's 'content' names and 'writ content put' stores the file under.",
        "Exit status: 0 printed, 2 unreadable file or over the 64 MiB content limit."
      })
  static final class Id implements Callable<Integer> {
    private final WritCli.Env env;

    @Parameters(index = "0", paramLabel = "FILE", description = "The file.")
    Path file;

    Id(WritCli.Env env) {
      this.env = env;
    }

    @Override
    public Integer call() throws CliException {
      env.out().println(ContentId.of(ContentClient.readContent(file)));
      return WritCli.OK;
    }
  }

  @Command(
      name = "put",
      mixinStandardHelpOptions = true,
      description = {
        "Store FILE on the server (PUT /v1/content/sha256:<hex> over TLS 1.3, the",
        "server authenticated by the trust bundle and its SPIFFE ID) and print its",
        "content id alone on one line, for scripts:",
        "  ID=$(writ content put FILE --bundle B)",
        "The server stores the bytes only if they hash to the id; storing twice is",
        "harmless.",
        "Exit status: 0 stored, 1 refused by the server, 2 usage error, unreadable or",
        "oversized file, unreachable server or one that fails the TLS check, 3 not",
        "decided (rate limited, overloaded: retry later)."
      })
  static final class Put implements Callable<Integer> {
    private final WritCli.Env env;

    @Parameters(index = "0", paramLabel = "FILE", description = "The file to store (<= 64 MiB).")
    Path file;

    @picocli.CommandLine.Mixin ServerOptions options = new ServerOptions();

    Put(WritCli.Env env) {
      this.env = env;
    }

    @Override
    public Integer call() throws CliException {
      ServerTrust trust = options.trust();
      byte[] bytes = ContentClient.readContent(file);
      ContentClient.Result<ContentId> result;
      try (HttpClient http = trust.client(env.clock(), env.random())) {
        result = ContentClient.put(trust, http, bytes);
      }
      return switch (result) {
        case ContentClient.Result.Ok<ContentId>(ContentId id) -> {
          env.out().println(id);
          yield WritCli.OK;
        }
        case ContentClient.Result.Refused<ContentId>(ContentClient.Refusal r) ->
            refused(env, "store " + file, r);
      };
    }
  }

  @Command(
      name = "get",
      mixinStandardHelpOptions = true,
      description = {
        "Fetch the bytes stored under ID (GET /v1/content/sha256:<hex> over TLS 1.3)",
        "and write them to FILE only if they hash to ID; print ID. ID is",
        "sha256:<64 hex> or the CIDv1 spelling a writ may use.",
        "Exit status: 0 written, 1 refused by the server (e.g. CONTENT_UNKNOWN),",
        "2 usage error, bytes that do not hash to ID (nothing written), unreachable",
        "server or one that fails the TLS check, 3 not decided (rate limited,",
        "overloaded: retry later)."
      })
  static final class Get implements Callable<Integer> {
    private final WritCli.Env env;

    @Parameters(index = "0", paramLabel = "ID", description = "The content id.")
    String id;

    @Option(
        names = {"-o", "--out"},
        required = true,
        paramLabel = "FILE",
        description = "Where to write the verified bytes (replaced atomically).")
    Path out;

    @picocli.CommandLine.Mixin ServerOptions options = new ServerOptions();

    Get(WritCli.Env env) {
      this.env = env;
    }

    @Override
    public Integer call() throws CliException {
      ContentId contentId;
      try {
        contentId = ContentId.parse(id);
      } catch (WritDeniedException e) {
        throw new CliException("ID " + e.detail() + ", not \"" + id + "\"", e);
      }
      ServerTrust trust = options.trust();
      ContentClient.Result<byte[]> result;
      try (HttpClient http = trust.client(env.clock(), env.random())) {
        result = ContentClient.get(trust, http, contentId);
      }
      return switch (result) {
        case ContentClient.Result.Ok<byte[]>(byte[] bytes) -> {
          Files2.write(out, bytes);
          env.out().println(contentId);
          yield WritCli.OK;
        }
        case ContentClient.Result.Refused<byte[]>(ContentClient.Refusal r) ->
            refused(env, "send " + contentId, r);
      };
    }
  }
}
