package dev.writ.agent;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;

/**
 * Closes a stream that has been silent for too long (the server pings every 15 s), so a dead
 * connection is noticed and the agent reconnects. Thread-safe: one virtual thread watches, the
 * reader feeds it.
 */
final class Watchdog {
  private final Thread thread;
  private volatile long last = System.nanoTime();
  private volatile boolean stopped;

  private Watchdog(InputStream in, Duration silence) {
    this.thread =
        Thread.ofVirtual()
            .name("writ-agent-watchdog")
            .unstarted(
                () -> {
                  while (!stopped) {
                    try {
                      Thread.sleep(Duration.ofSeconds(1));
                    } catch (InterruptedException e) {
                      return;
                    }
                    if (System.nanoTime() - last > silence.toNanos()) {
                      try {
                        in.close();
                      } catch (IOException e) {
                        // closing is all it can do
                      }
                      return;
                    }
                  }
                });
  }

  static Watchdog start(InputStream in, Duration silence) {
    Watchdog w = new Watchdog(in, silence);
    w.thread.start();
    return w;
  }

  void fed() {
    last = System.nanoTime();
  }

  void stop() {
    stopped = true;
    thread.interrupt();
  }
}
