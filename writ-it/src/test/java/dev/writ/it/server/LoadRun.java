package dev.writ.it.server;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Client threads that post pre-signed writs, each once, as fast as the servers answer, until the
 * writs run out, {@link #stop} is called or the run's time limit passes. Every attempt is recorded
 * as it happened, answer or transport error, for the test thread to judge afterwards.
 *
 * <p>Thread-safe: the posting threads share only the writ counter and the synchronized attempt
 * list.
 */
final class LoadRun {
  /** A server a client posts to. */
  record Target(String peer, URI base) {}

  /**
   * One post: the writ, where it went, and the answer or why there was none.
   *
   * @param error the transport failure when {@code answer} is empty
   * @param sentMillis when the post started, after the run's start
   * @param doneMillis when it was answered or failed, after the run's start
   */
  record Attempt(
      SignedWrit writ,
      Target target,
      Optional<Answer> answer,
      String error,
      long sentMillis,
      long doneMillis) {}

  /** A refused or reset connection is retried with the next writ after this pause. */
  private static final Duration BACKOFF = Duration.ofMillis(20);

  private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(40);

  private final List<SignedWrit> writs;
  private final Supplier<Optional<Target>> targets;
  private final Supplier<WritClient> clients;
  private final long started;
  private final long deadline;
  private final AtomicInteger next = new AtomicInteger();
  private final List<Attempt> attempts = Collections.synchronizedList(new ArrayList<>());
  private final List<Thread> threads = new ArrayList<>();
  private final CountDownLatch firstAnswer = new CountDownLatch(1);
  private volatile boolean stopped;

  private LoadRun(
      List<SignedWrit> writs,
      Supplier<Optional<Target>> targets,
      Supplier<WritClient> clients,
      Duration limit) {
    this.writs = List.copyOf(writs);
    this.targets = targets;
    this.clients = clients;
    this.started = System.nanoTime();
    this.deadline = started + limit.toNanos();
  }

  /**
   * Starts {@code threads} posters over {@code writs}, each with its own client from {@code group};
   * each post goes to the peer the group picks then (none is up: wait).
   */
  static LoadRun start(List<SignedWrit> writs, int threads, PeerGroup group, Duration limit) {
    return start(writs, threads, group::pick, group::newClient, limit);
  }

  /**
   * Starts {@code threads} posters over {@code writs}, each with a client from {@code clients};
   * each post goes to the target {@code targets} picks then (empty: none is up, wait).
   */
  private static LoadRun start(
      List<SignedWrit> writs,
      int threads,
      Supplier<Optional<Target>> targets,
      Supplier<WritClient> clients,
      Duration limit) {
    LoadRun run = new LoadRun(writs, targets, clients, limit);
    for (int i = 0; i < threads; i++) {
      Thread t = new Thread(run::post, "writ-load-" + i);
      t.setDaemon(true);
      run.threads.add(t);
      t.start();
    }
    return run;
  }

  private void post() {
    try (WritClient client = clients.get()) {
      while (!stopped && System.nanoTime() - deadline < 0) {
        Optional<Target> target = targets.get();
        if (target.isEmpty()) {
          Thread.sleep(BACKOFF);
          continue;
        }
        int i = next.getAndIncrement();
        if (i >= writs.size()) {
          return;
        }
        SignedWrit writ = writs.get(i);
        long sent = millis();
        try {
          Answer a = client.post(target.get().base(), writ.envelope());
          attempts.add(new Attempt(writ, target.get(), Optional.of(a), "", sent, millis()));
          firstAnswer.countDown();
        } catch (IOException | RuntimeException e) {
          // no answer: the writ's outcome is unknown, and the test replays it at the end
          attempts.add(
              new Attempt(writ, target.get(), Optional.empty(), e.toString(), sent, millis()));
          Thread.sleep(BACKOFF);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Milliseconds since the run started. */
  long millis() {
    return (System.nanoTime() - started) / 1_000_000;
  }

  /**
   * Waits until some post was answered (a cold server takes a while for its first commit) and
   * returns when, in milliseconds into the run.
   *
   * @throws AssertionError if none is answered in time
   */
  long awaitFirstAnswer(Duration timeout) throws InterruptedException {
    if (!firstAnswer.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("no post answered within " + timeout);
    }
    return millis();
  }

  /** Tells the posters to stop after the request each has in flight. */
  void stop() {
    stopped = true;
  }

  /** Stops, waits for every poster and returns every attempt. */
  List<Attempt> finish() throws InterruptedException {
    stop();
    long until = System.nanoTime() + JOIN_TIMEOUT.toNanos();
    for (Thread t : threads) {
      t.join(Duration.ofNanos(Math.max(1, until - System.nanoTime())));
      if (t.isAlive()) {
        throw new IllegalStateException(t.getName() + " did not finish within " + JOIN_TIMEOUT);
      }
    }
    synchronized (attempts) {
      return List.copyOf(attempts);
    }
  }

  /** Runs until every writ was posted once (or the limit passed) and returns the attempts. */
  List<Attempt> awaitAll() throws InterruptedException {
    for (Thread t : threads) {
      t.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime()) + JOIN_TIMEOUT.toNanos()));
    }
    return finish();
  }
}
