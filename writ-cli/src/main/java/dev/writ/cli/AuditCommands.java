package dev.writ.cli;

import dev.writ.log.AuditedLog;
import dev.writ.log.Checkpoint;
import dev.writ.log.LogAuditException;
import dev.writ.log.LogAuditor;
import dev.writ.log.LogSource;
import dev.writ.log.LogVerificationException;
import dev.writ.log.NoteVerifierKey;
import dev.writ.log.SignedNotes;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "audit",
    mixinStandardHelpOptions = true,
    description = "Audit a transparency log (docs/spec/log.md).",
    subcommands = {AuditCommands.Verify.class})
final class AuditCommands implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(
      name = "verify",
      mixinStandardHelpOptions = true,
      description = {
        "Replay a c2sp.org/tlog-tiles log from a directory or a Writ server (https, TLS 1.3,",
        "with --bundle): recompute every leaf",
        "hash, every tile and the root, check the checkpoint signature and, given a",
        "trusted checkpoint, prove the log extends it (RFC 9162 consistency).",
        "The first fault is printed as 'FAIL KIND: FILE entry|hash|size N: detail'.",
        "Exit status: 0 the log checks out, 1 a fault in the log, 2 bad input."
      })
  static final class Verify implements Callable<Integer> {
    private final WritCli.Env env;

    @Option(
        names = "--log",
        required = true,
        paramLabel = "DIR|URL",
        description =
            "The log's root directory (holding 'checkpoint' and 'tile/'), or a Writ server's base"
                + " URL (e.g. https://127.0.0.1:7300; http:// is refused).")
    String log;

    @Option(
        names = "--bundle",
        paramLabel = "FILE",
        description =
            "With an https --log: the server's trust bundle (PEM, 'writ server' prints its path"
                + " as 'bundle FILE'), from the operator.")
    Path bundle;

    @Option(
        names = "--key",
        required = true,
        paramLabel = "VKEY",
        description =
            "The log's signed-note verifier key (name+keyid+base64), or @FILE to read it from"
                + " a file.")
    String key;

    @Option(
        names = "--trusted-checkpoint",
        paramLabel = "FILE",
        description =
            "A signed checkpoint seen earlier (see --save-checkpoint): the log must extend it,"
                + " or the audit fails with FORK.")
    Path trustedCheckpoint;

    @Option(
        names = "--save-checkpoint",
        paramLabel = "FILE",
        description = "After a successful audit, write the audited checkpoint here (atomically).")
    Path saveCheckpoint;

    Verify(WritCli.Env env) {
      this.env = env;
    }

    @Override
    public Integer call() throws CliException {
      NoteVerifierKey vkey = verifierKey(key);
      Optional<String> trusted =
          trustedCheckpoint == null
              ? Optional.empty()
              : Optional.of(new String(Files2.read(trustedCheckpoint), StandardCharsets.UTF_8));
      AuditedLog audited;
      try {
        audited = audit(vkey, trusted);
      } catch (LogAuditException e) {
        env.out().println(failure(e));
        return WritCli.DENIED;
      }
      Checkpoint c = audited.checkpoint();
      env.out()
          .printf(
              Locale.ROOT,
              "ok: log %s, %d entries, root %s%n",
              c.origin(),
              c.size(),
              Base64.getEncoder().encodeToString(c.root()));
      env.out().println("ok: checkpoint signed by " + vkey);
      if (trusted.isPresent()) {
        env.out()
            .println(
                "ok: consistent with the trusted checkpoint of size "
                    + trustedSize(trusted.get(), vkey));
      }
      if (saveCheckpoint != null) {
        Files2.writeString(saveCheckpoint, audited.signedNote());
        env.out().println("ok: saved the checkpoint to " + saveCheckpoint);
      }
      return WritCli.OK;
    }

    /** The log read from the folder, or from the server over TLS with the bundle. */
    private AuditedLog audit(NoteVerifierKey vkey, Optional<String> trusted)
        throws CliException, LogAuditException {
      if (!isUrl(log)) {
        if (bundle != null) {
          throw new CliException("--bundle is for a server URL; --log " + log + " is a directory");
        }
        try (LogSource source = LogSource.folder(logDirectory(log))) {
          return LogAuditor.verify(source, vkey, trusted);
        }
      }
      ServerTrust trust = ServerTrust.of("--log", log, bundle);
      try (HttpClient http = trust.client(env.clock(), env.random());
          LogSource source = httpSource(trust, http)) {
        return LogAuditor.verify(source, vkey, trusted);
      }
    }

    private String failurePath(LogAuditException e) {
      if (e.path().isPresent()) {
        return isUrl(log)
            ? (log.endsWith("/") ? log : log + "/") + e.path().get()
            : Path.of(log).resolve(e.path().get()).toString();
      }
      return trustedCheckpoint == null ? log : trustedCheckpoint.toString();
    }

    private String failure(LogAuditException e) {
      StringBuilder sb = new StringBuilder("FAIL ");
      sb.append(e.kind().name()).append(": ").append(failurePath(e));
      if (e.index().isPresent()) {
        sb.append(' ').append(indexLabel(e.kind())).append(' ').append(e.index().getAsLong());
      }
      return sb.append(": ").append(detail(e)).toString();
    }
  }

  /** What a {@link LogAuditException}'s index counts, per kind (see its Javadoc). */
  static String indexLabel(LogAuditException.Kind kind) {
    return switch (kind) {
      case TRUNCATED_LOG, TAMPERED_ENTRY -> "entry";
      case TAMPERED_TILE -> "hash";
      case TOO_LARGE, ROOT_MISMATCH -> "size";
      case FORK -> "trusted size";
      case BAD_CHECKPOINT_SIGNATURE, MALFORMED_CHECKPOINT, MISSING_TILE, UNREADABLE -> "index";
    };
  }

  /** The exception's detail without the "KIND at PATH [N]: " prefix the line already shows. */
  private static String detail(LogAuditException e) {
    String m = String.valueOf(e.getMessage());
    String prefix =
        e.kind().name()
            + " at "
            + e.path().orElse("")
            + (e.index().isPresent() ? " [" + e.index().getAsLong() + "]" : "")
            + ": ";
    return m.startsWith(prefix) ? m.substring(prefix.length()) : m;
  }

  private static boolean isUrl(String log) {
    String lower = log.toLowerCase(Locale.ROOT);
    return lower.startsWith("http://") || lower.startsWith("https://");
  }

  /** How long one tile fetch may take before the audit fails as unreadable. */
  private static final Duration FETCH_TIMEOUT = Duration.ofSeconds(30);

  /** The log under the server's base URL (c2sp.org/tlog-tiles), read with {@code http}. */
  private static LogSource httpSource(ServerTrust trust, HttpClient http) throws CliException {
    try {
      return LogSource.http(trust.server(), http, FETCH_TIMEOUT);
    } catch (IllegalArgumentException e) {
      throw new CliException("not a log URL: " + trust.server() + ": " + e.getMessage(), e);
    }
  }

  /** The log directory. */
  static Path logDirectory(String log) throws CliException {
    Path dir;
    try {
      dir = Path.of(log);
    } catch (InvalidPathException e) {
      throw new CliException("not a directory path: " + log, e);
    }
    if (!Files.isDirectory(dir)) {
      throw new CliException("no such log directory: " + dir);
    }
    return dir;
  }

  /** Parses {@code VKEY} or the contents of {@code @FILE} (surrounding whitespace ignored). */
  static NoteVerifierKey verifierKey(String arg) throws CliException {
    String text;
    try {
      text =
          arg.startsWith("@")
              ? new String(Files2.read(Path.of(arg.substring(1))), StandardCharsets.UTF_8).strip()
              : arg.strip();
    } catch (InvalidPathException e) {
      throw new CliException("not a file path: " + arg.substring(1), e);
    }
    try {
      return NoteVerifierKey.parse(text);
    } catch (LogVerificationException e) {
      throw new CliException("bad log verifier key: " + e.getMessage(), e);
    }
  }

  /** The size of a trusted checkpoint the auditor has already opened and accepted. */
  private static long trustedSize(String note, NoteVerifierKey key) throws CliException {
    try {
      return Checkpoint.parse(
              SignedNotes.open(note.getBytes(StandardCharsets.UTF_8), List.of(key)).text())
          .size();
    } catch (LogVerificationException e) {
      throw new CliException("trusted checkpoint changed during the audit: " + e.getMessage(), e);
    }
  }
}
