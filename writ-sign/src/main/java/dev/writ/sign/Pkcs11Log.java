package dev.writ.sign;

import java.lang.System.Logger.Level;

/**
 * Routes ipkcs11wrapper's log lines to {@link System.Logger} instead of stdout. The wrapper's INFO
 * lines (sessions opened, module banners) are chatty, so they go out at DEBUG. The wrapper never
 * logs PINs, and masks sensitive attribute values in its debug templates.
 */
final class Pkcs11Log implements org.xipki.pkcs11.wrapper.Logger {
  private static final System.Logger LOG = System.getLogger("dev.writ.sign.pkcs11");

  @Override
  public void info(String format, Object... arguments) {
    log(Level.DEBUG, format, arguments);
  }

  @Override
  public void warn(String format, Object... arguments) {
    log(Level.WARNING, format, arguments);
  }

  @Override
  public void error(String format, Object... arguments) {
    log(Level.ERROR, format, arguments);
  }

  @Override
  public void debug(String format, Object... arguments) {
    log(Level.TRACE, format, arguments);
  }

  @Override
  public void trace(String format, Object... arguments) {
    log(Level.TRACE, format, arguments);
  }

  @Override
  public boolean isDebugEnabled() {
    return LOG.isLoggable(Level.TRACE);
  }

  @Override
  public boolean isInfoEnabled() {
    return LOG.isLoggable(Level.DEBUG);
  }

  @Override
  public boolean isWarnEnabled() {
    return LOG.isLoggable(Level.WARNING);
  }

  @Override
  public boolean isTraceEnabled() {
    return LOG.isLoggable(Level.TRACE);
  }

  private static void log(Level level, String format, Object... arguments) {
    if (LOG.isLoggable(level)) {
      LOG.log(level, () -> fill(format, arguments));
    }
  }

  /** Replaces each {@code {}} in {@code format} with the next argument (the SLF4J convention). */
  static String fill(String format, Object... arguments) {
    StringBuilder out = new StringBuilder(format.length() + 32);
    int from = 0;
    for (Object argument : arguments) {
      int at = format.indexOf("{}", from);
      if (at < 0) {
        break;
      }
      out.append(format, from, at).append(argument);
      from = at + 2;
    }
    return out.append(format, from, format.length()).toString();
  }
}
