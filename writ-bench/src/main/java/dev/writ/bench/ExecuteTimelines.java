package dev.writ.bench;

import dev.writ.core.SpiffeId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * When each agent reached each step of each writ, read from the lines {@code AgentRunner} logs
 * (stamped with {@link System#nanoTime()} as they arrive): {@code acting on <id>} (every check
 * passed), {@code ran <id>: ..., N ms} (executed, result signed and saved in the outbox; N is the
 * result's {@code exec.wall_ms}) and {@code result <id> done recorded} (the server answered 200).
 *
 * <p>Thread-safe: the agents' loops report concurrently; the bench thread waits and reads.
 */
final class ExecuteTimelines {
  private static final Pattern ACTING = Pattern.compile("^acting on ([0-9a-f]{32}) .*");
  private static final Pattern RAN =
      Pattern.compile("^ran ([0-9a-f]{32}): (\\S+ exit -?\\d+), .*, (\\d+) ms$");
  private static final Pattern RECORDED =
      Pattern.compile("^result ([0-9a-f]{32}) (\\S+).* recorded, leaf \\d+$");
  private static final Pattern REFUSED = Pattern.compile("^refused ([0-9a-f]{32}) (.*)$");

  /** One node's steps of one writ; {@code 0} is "not yet". */
  static final class Marks {
    volatile long acting;
    volatile long ran;
    volatile long recorded;
    volatile long wallMs = -1;
    volatile String failure = "";
  }

  private record Key(String writ, SpiffeId node) {}

  private final Map<Key, Marks> marks = new ConcurrentHashMap<>();
  private final Map<String, CountDownLatch> pending = new ConcurrentHashMap<>();
  private final List<String> other = new ArrayList<>();

  /** Expects {@code targets} results of writ {@code id} (hex); call before submitting it. */
  void expect(String id, List<SpiffeId> targets) {
    for (SpiffeId t : targets) {
      marks.put(new Key(id, t), new Marks());
    }
    pending.put(id, new CountDownLatch(targets.size()));
  }

  /** One log line of {@code node}'s agent, stamped {@code nanos}. */
  void line(SpiffeId node, long nanos, String line) {
    Matcher acting = ACTING.matcher(line);
    Matcher ran = RAN.matcher(line);
    Matcher recorded = RECORDED.matcher(line);
    Matcher refused = REFUSED.matcher(line);
    if (acting.matches()) {
      marks(acting.group(1), node).ifPresent(k -> k.acting = nanos);
    } else if (ran.matches()) {
      long wall = Long.parseLong(ran.group(3));
      String end = ran.group(2);
      marks(ran.group(1), node)
          .ifPresent(
              k -> {
                k.ran = nanos;
                k.wallMs = wall;
                if (!end.equals("EXITED exit 0")) {
                  k.failure = "ran: " + line;
                }
              });
    } else if (recorded.matches()) {
      recorded(recorded.group(1), recorded.group(2), node, nanos, line);
    } else if (refused.matches()) {
      String detail = refused.group(2);
      marks(refused.group(1), node).ifPresent(k -> k.failure = "refused " + detail);
    } else if (!line.startsWith("agent ")) {
      synchronized (other) {
        other.add(node + ": " + line);
      }
    }
  }

  private void recorded(String id, String decision, SpiffeId node, long nanos, String line) {
    Optional<Marks> k = marks(id, node);
    if (k.isEmpty() || k.get().recorded != 0) {
      return;
    }
    k.get().recorded = nanos;
    if (!decision.equals("done") && k.get().failure.isEmpty()) {
      k.get().failure = line;
    }
    CountDownLatch latch = pending.get(id);
    if (latch != null) {
      latch.countDown();
    }
  }

  private Optional<Marks> marks(String id, SpiffeId node) {
    return Optional.ofNullable(marks.get(new Key(id, node)));
  }

  /** Waits until every expected result of {@code id} was recorded; false after {@code limit}. */
  boolean await(String id, Duration limit) throws InterruptedException {
    CountDownLatch latch = pending.get(id);
    if (latch == null) {
      throw new IllegalStateException("writ " + id + " was not expected");
    }
    return latch.await(limit.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** The marks of {@code node} for writ {@code id}. */
  Marks of(String id, SpiffeId node) {
    Marks k = marks.get(new Key(id, node));
    if (k == null) {
      throw new IllegalStateException("writ " + id + " on " + node + " was not expected");
    }
    return k;
  }

  /** Forgets writ {@code id}, once read. */
  void forget(String id, List<SpiffeId> targets) {
    pending.remove(id);
    for (SpiffeId t : targets) {
      marks.remove(new Key(id, t));
    }
  }

  /**
   * The lines that were none of the steps (reconnects, kept results, ignored events) since the last
   * call: a measured writ during which one appeared ran on a disturbed agent.
   */
  List<String> drainOther() {
    synchronized (other) {
      List<String> out = List.copyOf(other);
      other.clear();
      return out;
    }
  }
}
