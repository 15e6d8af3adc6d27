package dev.writ.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code writ} command. Exit codes: 0 success (and "allow" for verify), 1 a denial or a failed
 * check, 2 a usage or input error. Errors are one plain line on stderr, never a stack trace (set
 * {@code WRIT_DEBUG=1} to see the cause chain).
 */
@Command(
    name = "writ",
    mixinStandardHelpOptions = true,
    versionProvider = WritCli.Version.class,
    description = {
      "Writ: a fleet control plane that cannot authorize itself.",
      "Every action needs a single-use writ signed by operator keys the server never holds."
    },
    subcommands = {
      QuickstartCommand.class,
      KeyCommands.class,
      RootCommands.class,
      RequestCommand.class,
      SignCommand.class,
      ApproveCommand.class,
      InspectCommand.class,
      VerifyCommand.class,
      ServerCommand.class,
      SubmitCommand.class,
      WorkCommands.Deploy.class,
      WorkCommands.Execute.class,
      RolloutCommands.class,
      ResultCommands.class,
      ContentCommands.class,
      EnrollCommands.class,
      AgentCommands.class,
      AuditCommands.class,
      SpecCommands.class,
      CommandLine.HelpCommand.class
    })
public final class WritCli implements Runnable {
  static final int OK = 0;
  static final int DENIED = 1;
  static final int USAGE = 2;

  /**
   * What commands may touch: streams, environment, clock, randomness, and whether standard output
   * is a terminal (progress is then redrawn in place).
   */
  record Env(
      PrintStream out,
      PrintStream err,
      Map<String, String> vars,
      Clock clock,
      SecureRandom random,
      boolean terminal) {
    /** Output that is not a terminal (tests, pipes, files). */
    Env(
        PrintStream out,
        PrintStream err,
        Map<String, String> vars,
        Clock clock,
        SecureRandom random) {
      this(out, err, vars, clock, random, false);
    }

    Secrets secrets() {
      return new Secrets(vars);
    }
  }

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  public static void main(String[] args) {
    Env env =
        new Env(
            new PrintStream(System.out, true, StandardCharsets.UTF_8),
            new PrintStream(System.err, true, StandardCharsets.UTF_8),
            System.getenv(),
            Clock.systemUTC(),
            new SecureRandom(),
            isTerminal());
    System.exit(run(env, args));
  }

  /** Whether standard input and output are a terminal (not merely that a console exists). */
  @SuppressWarnings("SystemConsoleNull") // still null when the JDK is run without a console
  private static boolean isTerminal() {
    java.io.Console console = System.console();
    return console != null && console.isTerminal();
  }

  /** Runs the CLI with explicit I/O; tests call this in-process. */
  static int run(Env env, String... args) {
    CommandLine cl = new CommandLine(new WritCli(), new Factory(env));
    cl.setOut(new PrintWriter(env.out(), true, StandardCharsets.UTF_8));
    cl.setErr(new PrintWriter(env.err(), true, StandardCharsets.UTF_8));
    cl.setExitCodeExceptionMapper(e -> e instanceof CliException ? USAGE : DENIED);
    cl.setParameterExceptionHandler(
        (ex, a) -> {
          env.err().println("writ: " + ex.getMessage());
          env.err().println("Try 'writ " + commandPath(ex.getCommandLine()) + " --help'.");
          return USAGE;
        });
    cl.setExecutionExceptionHandler(
        (ex, commandLine, parseResult) -> {
          env.err().println("writ: " + ex.getMessage());
          if ("1".equals(env.vars().get("WRIT_DEBUG"))) {
            ex.printStackTrace(env.err());
          }
          return ex instanceof CliException ? USAGE : DENIED;
        });
    return cl.execute(args);
  }

  private static String commandPath(CommandLine cl) {
    String name = cl.getCommandSpec().qualifiedName(" ");
    return name.startsWith("writ ") ? name.substring(5) : "";
  }

  /** Gives every command the same {@link Env}. */
  private record Factory(Env env) implements CommandLine.IFactory {
    @Override
    public <K> K create(Class<K> cls) throws Exception {
      for (var c : cls.getDeclaredConstructors()) {
        if (c.getParameterCount() == 1 && c.getParameterTypes()[0] == Env.class) {
          c.setAccessible(true);
          return cls.cast(c.newInstance(env));
        }
      }
      return CommandLine.defaultFactory().create(cls);
    }
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = WritCli.class.getPackage().getImplementationVersion();
      return new String[] {"writ " + (v == null ? "development build" : v)};
    }
  }
}
