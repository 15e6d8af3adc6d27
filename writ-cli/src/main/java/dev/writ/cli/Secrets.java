package dev.writ.cli;

import java.io.Console;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;

/**
 * Where passwords and PINs come from, in order: a file named on the command line (first line), an
 * environment variable, an interactive prompt. Without any of them the command stops with a message
 * saying how to supply one; nothing is ever guessed or defaulted.
 */
final class Secrets {
  static final String PASSWORD_ENV = "WRIT_KEY_PASSWORD";
  static final String PIN_ENV = "WRIT_PKCS11_PIN";

  private final Map<String, String> env;

  Secrets(Map<String, String> env) {
    this.env = env;
  }

  char[] password(Optional<Path> file, String what, boolean confirm) throws CliException {
    return secret(file, PASSWORD_ENV, "password for " + what, confirm, "--password-file");
  }

  char[] pin(Optional<Path> file, String token) throws CliException {
    return secret(file, PIN_ENV, "PIN for token " + token, false, "--pin-file");
  }

  /** The interactive console, or null: System.console() can be null (seen in test forks). */
  @SuppressWarnings("SystemConsoleNull")
  private static Console terminal() {
    Console c = System.console();
    return c != null && c.isTerminal() ? c : null;
  }

  private char[] secret(
      Optional<Path> file, String envName, String prompt, boolean confirm, String option)
      throws CliException {
    if (file.isPresent()) {
      try {
        String text = Files.readString(file.get(), StandardCharsets.UTF_8);
        int nl = text.indexOf('\n');
        return (nl >= 0 ? text.substring(0, nl) : text).toCharArray();
      } catch (IOException e) {
        throw new CliException("cannot read " + file.get() + ": " + e.getMessage(), e);
      }
    }
    String fromEnv = env.get(envName);
    if (fromEnv != null && !fromEnv.isEmpty()) {
      return fromEnv.toCharArray();
    }
    Console console = terminal();
    if (console == null) {
      throw new CliException("need a " + prompt + ": pass " + option + " FILE or set " + envName);
    }
    char[] first = console.readPassword("%s: ", prompt);
    if (first == null || first.length == 0) {
      throw new CliException("no " + prompt + " given");
    }
    if (confirm) {
      char[] again = console.readPassword("again: ");
      if (again == null || !Arrays.equals(first, again)) {
        throw new CliException("the two entries differ");
      }
    }
    return first;
  }
}
