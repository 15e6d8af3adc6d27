package dev.writ.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.HdrHistogram.Histogram;

/**
 * The closed loop: {@code clients} threads each post one pre-signed writ, wait for the whole
 * answer, and take the next, until the writs run out. First the warmup writs, then a barrier, then
 * the measured writs; only the measured phase is timed and recorded. An answer counts as an
 * acknowledged authorization only if it is a 200 whose body starts with the allow decision for the
 * id that was sent; the receipt is not verified here (that would spend the machine's CPU on the
 * client side). Everything else is counted by status and reason, or by exception for a request that
 * got no answer.
 *
 * <p>Latency is measured per request from just before the write to the end of the answer, in
 * microseconds. Closed loop: a slow answer delays that client's next request, so the figures say
 * what the server does under {@code clients} concurrent requests, not under an open arrival rate.
 *
 * <p>One instance runs once; not thread-safe.
 */
final class LoadGenerator {
  /** 1 us to 1 minute at 3 significant digits. */
  private static final long HIGHEST_US = 60_000_000L;

  /** How long past the deadline a client waits for the others to finish warmup. */
  private static final long BARRIER_GRACE_NANOS =
      ClientKind.REQUEST_TIMEOUT.plusSeconds(5).toNanos();

  private static final byte[] ALLOW_PREFIX =
      "{\"decision\":\"allow\",\"id\":\"".getBytes(StandardCharsets.US_ASCII);

  private final BenchFleet.Signed writs;
  private final int warmup;
  private final int clients;
  private final int urlCount;
  private final ClientKind.Factory submitters;
  private final long deadlineNanos;
  private final CpuProbe cpu;

  /**
   * @param writs warmup writs first, then the measured ones
   * @param warmup how many of {@code writs} are warmup
   * @param deadlineNanos a {@link System#nanoTime} after which no new writ is taken
   * @param cpu where CPU time is read at both ends of the measured window
   */
  LoadGenerator(
      BenchFleet.Signed writs,
      int warmup,
      int clients,
      int urlCount,
      ClientKind.Factory submitters,
      long deadlineNanos,
      CpuProbe cpu) {
    if (warmup < 0 || warmup >= writs.envelopes().size()) {
      throw new IllegalArgumentException("warmup must leave at least one measured writ");
    }
    this.writs = writs;
    this.warmup = warmup;
    this.clients = clients;
    this.urlCount = urlCount;
    this.submitters = submitters;
    this.deadlineNanos = deadlineNanos;
    this.cpu = cpu;
  }

  /** What one client thread saw in the measured phase. */
  private static final class Tally {
    final Histogram latencyUs = new Histogram(HIGHEST_US, 3);
    final Map<String, Long> errors = new TreeMap<>();
    long endNanos;
    boolean cutShort;

    void error(String key) {
      errors.merge(key, 1L, Long::sum);
    }
  }

  /** The measured window's start, taken by the barrier when every client finished warmup. */
  private volatile long startNanos;

  private volatile long startEpochMillis;
  private volatile long startCpu;
  private volatile long startServerCpu;
  private volatile Map<String, Long> startServerThreads = Map.of();

  /** Runs both phases and returns the measured figures. */
  LoadResult.Measured run() throws InterruptedException {
    AtomicInteger next = new AtomicInteger();
    CyclicBarrier measuredStart =
        new CyclicBarrier(
            clients,
            () -> {
              startServerThreads = cpu.serverThreads().get();
              startCpu = cpu.selfNanos().getAsLong();
              startServerCpu = cpu.serverNanos().getAsLong();
              next.set(warmup);
              startEpochMillis = System.currentTimeMillis();
              startNanos = System.nanoTime();
            });
    List<Tally> tallies = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    List<Throwable> failures = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      Tally t = new Tally();
      tallies.add(t);
      Thread th =
          Thread.ofPlatform()
              .name("load-client-" + c)
              .unstarted(
                  () -> {
                    try (Submitter s = submitters.open()) {
                      t.cutShort = !loop(s, next, warmup, null);
                      // every client waits for the others; after the deadline each has at most
                      // one request in flight, which the request timeout bounds
                      measuredStart.await(
                          Math.max(0, deadlineNanos - System.nanoTime()) + BARRIER_GRACE_NANOS,
                          TimeUnit.NANOSECONDS);
                      t.cutShort |= !loop(s, next, writs.envelopes().size(), t);
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                      t.cutShort = true;
                    } catch (BrokenBarrierException | TimeoutException e) {
                      // another client failed, or warmup outlived the deadline
                      t.cutShort = true;
                      measuredStart.reset();
                    } catch (RuntimeException | Error e) {
                      synchronized (failures) {
                        failures.add(e);
                      }
                      measuredStart.reset();
                    }
                    t.endNanos = System.nanoTime();
                  });
      threads.add(th);
    }
    threads.forEach(Thread::start);
    for (Thread th : threads) {
      th.join();
    }
    long endCpu = cpu.selfNanos().getAsLong();
    long endServerCpu = cpu.serverNanos().getAsLong();
    Map<String, Long> endServerThreads = cpu.serverThreads().get();
    if (!failures.isEmpty()) {
      IllegalStateException e = new IllegalStateException("a client thread failed");
      failures.forEach(e::addSuppressed);
      throw e;
    }
    if (startNanos == 0) {
      throw new IllegalStateException(
          "the measured phase never started: a client did not finish warmup before the deadline");
    }
    Histogram all = new Histogram(HIGHEST_US, 3);
    Map<String, Long> errors = new TreeMap<>();
    long end = startNanos;
    boolean cutShort = false;
    for (Tally t : tallies) {
      all.add(t.latencyUs);
      t.errors.forEach((k, v) -> errors.merge(k, v, Long::sum));
      end = Math.max(end, t.endNanos);
      cutShort |= t.cutShort;
    }
    Map<String, Long> byThread = new TreeMap<>();
    endServerThreads.forEach(
        (k, v) -> {
          long d = v - startServerThreads.getOrDefault(k, 0L);
          if (d > 0) {
            byThread.put(k, d);
          }
        });
    return new LoadResult.Measured(
        all,
        errors,
        startEpochMillis,
        end - startNanos,
        endCpu - startCpu,
        startServerCpu < 0 || endServerCpu < 0 ? -1 : endServerCpu - startServerCpu,
        byThread,
        cutShort);
  }

  /**
   * Posts writs {@code next..limit-1} as they are handed out; records into {@code t} if given.
   *
   * @return false if the deadline stopped it before the writs ran out
   */
  private boolean loop(Submitter s, AtomicInteger next, int limit, Tally t)
      throws InterruptedException {
    while (true) {
      if (System.nanoTime() - deadlineNanos > 0) {
        return false;
      }
      int i = next.getAndIncrement();
      if (i >= limit) {
        return true;
      }
      byte[] envelope = writs.envelopes().get(i);
      long begin = System.nanoTime();
      Submitter.Answer a;
      try {
        a = s.post(i % urlCount, envelope);
      } catch (IOException e) {
        if (t != null) {
          t.error("no answer: " + e.getClass().getSimpleName());
        }
        continue;
      }
      long took = System.nanoTime() - begin;
      if (t == null) {
        continue;
      }
      if (a.status() == 200 && isAllowOf(a.body(), writs.ids().get(i))) {
        t.latencyUs.recordValue(Math.min(HIGHEST_US, Math.max(1, took / 1000)));
      } else {
        t.error(a.status() + " " + reasonOf(a));
      }
    }
  }

  /** Whether the canonical answer body begins with the allow decision for {@code id}. */
  static boolean isAllowOf(byte[] body, String id) {
    int n = ALLOW_PREFIX.length;
    if (body.length < n + id.length() + 1) {
      return false;
    }
    for (int k = 0; k < n; k++) {
      if (body[k] != ALLOW_PREFIX[k]) {
        return false;
      }
    }
    for (int k = 0; k < id.length(); k++) {
      if (body[n + k] != id.charAt(k)) {
        return false;
      }
    }
    return body[n + id.length()] == '"';
  }

  /** The {@code reason} member of a deny answer, or a note on what the body was instead. */
  static String reasonOf(Submitter.Answer a) {
    String body = new String(a.body(), StandardCharsets.UTF_8);
    String key = "\"reason\":\"";
    int at = body.indexOf(key);
    if (at < 0) {
      return a.status() == 200 ? "(not an allow of the writ sent)" : "(no reason)";
    }
    int from = at + key.length();
    int to = body.indexOf('"', from);
    if (to < 0 || to - from > 64) {
      return "(unreadable reason)";
    }
    return body.substring(from, to);
  }
}
