package dev.writ.it.server;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Every server process one test started, so that a failing test prints the tail of each one's
 * output and the test kills whatever still runs at the end.
 *
 * <p>Thread-safe.
 */
public final class Children implements AutoCloseable {
  /** A cold JVM, Ratis and a replay of the Raft log on a busy 2-core machine. */
  static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

  private static final int TAIL_LINES = 30;

  private final Path logDir;
  private final List<ServerProcess> all = new ArrayList<>();
  private int launches;

  public Children(Path logDir) {
    this.logDir = logDir;
  }

  /** Launches {@code writ server args} as {@code name-<n>}; returns at once. */
  synchronized ServerProcess launch(String name, List<String> args) throws IOException {
    ServerProcess p = ServerProcess.launch(name + "-" + launches++, args, logDir);
    all.add(p);
    return p;
  }

  /** Launches and waits until the server printed its ready lines. */
  public ServerProcess start(String name, List<String> args)
      throws IOException, InterruptedException {
    ServerProcess p = launch(name, args);
    p.awaitReady(READY_TIMEOUT);
    return p;
  }

  /** The tail of every child's output, oldest first. */
  public synchronized String tails() {
    StringBuilder b = new StringBuilder();
    for (ServerProcess p : all) {
      b.append(p.tail(TAIL_LINES));
    }
    return b.toString();
  }

  /** Kills every child still running. */
  @Override
  public synchronized void close() {
    for (ServerProcess p : all) {
      p.close();
    }
  }
}
