package dev.writ.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * Listed in {@code writ --help} so the server is discoverable; the {@code writ} launcher runs
 * {@code writ server} from the server's own jar (writ-server, no signing code inside) and never
 * reaches this class. Reaching it means this jar was started directly.
 */
@Command(
    name = "server",
    description = {
      "Run the Writ server (docs/spec/api.md): see 'writ server --help'.",
      "It runs from its own jar, writ-server/target/writ-server.jar, which holds no operator",
      "signing code; the writ launcher starts it."
    })
final class ServerCommand implements Callable<Integer> {
  private final WritCli.Env env;

  @Parameters(arity = "0..*", hidden = true)
  List<String> ignored;

  ServerCommand(WritCli.Env env) {
    this.env = env;
  }

  @Override
  public Integer call() {
    env.err()
        .println(
            "writ: the server is not in this jar; run './writ server --help' from the repository"
                + " or 'java -jar writ-server/target/writ-server.jar --help'");
    return WritCli.USAGE;
  }
}
