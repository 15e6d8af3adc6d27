package dev.writ.it.server;

import dev.writ.core.WritId;
import dev.writ.log.NoteVerifierKey;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What the servers told the clients, across every run of a test: each acknowledged allow (a 200
 * whose receipt verifies) by writ id, which may happen only once per id; every verified receipt,
 * for the final log to contain; and the writs whose outcome a client never learned (no answer, or a
 * 503), to replay at the end.
 *
 * <p>Not thread-safe: the test thread feeds it after the posting threads finished.
 */
final class Tally {
  /** How a fresh writ's first post may end besides an allow and no answer. */
  enum FirstUse {
    /** A fresh writ must be allowed or unanswered (or a 503); a 403 fails the test. */
    ALLOW_ONLY,
    /**
     * A 403 SPENT is accepted: a Ratis client retry after a leader change can spend a writ and then
     * report the retry's SPENT. It is counted, and the final log must hold its one allow.
     */
    SPENT_AFTER_RETRY_ACCEPTED
  }

  /** Counts for one run; filled by the test thread only. */
  static final class Run {
    final String name;
    int attempts;
    int acknowledged;
    int spentOnFirstUse;
    int noAnswer;
    long firstAllowMillis = -1;
    long lastAllowMillis = -1;
    long maxLatencyMillis;
    final Map<String, Integer> unavailable = new TreeMap<>();
    final Map<String, Integer> errors = new TreeMap<>();
    long wallMillis;

    Run(String name) {
      this.name = name;
    }

    @Override
    public String toString() {
      String timing =
          firstAllowMillis < 0
              ? ""
              : "; allows answered "
                  + firstAllowMillis
                  + " to "
                  + lastAllowMillis
                  + " ms into the load, slowest answer "
                  + maxLatencyMillis
                  + " ms";
      return name
          + ": "
          + attempts
          + " posted, "
          + acknowledged
          + " acknowledged allows, "
          + noAnswer
          + " without answer "
          + errors
          + ", 503s "
          + unavailable
          + ", 403 SPENT on first use "
          + spentOnFirstUse
          + timing
          + (wallMillis > 0 ? "; " + wallMillis + " ms in all" : "");
    }
  }

  /** The server's LEDGER_TIMEOUT (api.md section 6): a shorter wait for a 503 is no timeout. */
  private static final long LEDGER_TIMEOUT_MILLIS = 10_000;

  private final NoteVerifierKey key;
  private final Map<WritId, Receipt> acknowledged = new LinkedHashMap<>();
  private final Map<WritId, SignedWrit> writs = new LinkedHashMap<>();
  private final Map<WritId, SignedWrit> unknown = new LinkedHashMap<>();
  private final Map<WritId, Receipt> spentOnFirstUse = new LinkedHashMap<>();
  private final List<Receipt> receipts = new ArrayList<>();
  private final List<Run> runs = new ArrayList<>();

  Tally(NoteVerifierKey key) {
    this.key = key;
  }

  /** Judges the first posts of fresh writs. */
  Run recordFresh(String name, List<LoadRun.Attempt> attempts, FirstUse policy) {
    Run run = new Run(name);
    runs.add(run);
    for (LoadRun.Attempt a : attempts) {
      run.attempts++;
      SignedWrit w = a.writ();
      writs.put(w.id(), w);
      if (a.answer().isEmpty()) {
        run.noAnswer++;
        run.errors.merge(errorKind(a.error()), 1, Integer::sum);
        unknown.put(w.id(), w);
        continue;
      }
      Answer answer = a.answer().get();
      run.maxLatencyMillis = Math.max(run.maxLatencyMillis, a.doneMillis() - a.sentMillis());
      switch (answer.status()) {
        case 200 -> {
          acknowledge(w, verifyAllow(w, answer, a.target()));
          run.acknowledged++;
          run.firstAllowMillis =
              run.firstAllowMillis < 0
                  ? a.doneMillis()
                  : Math.min(run.firstAllowMillis, a.doneMillis());
          run.lastAllowMillis = Math.max(run.lastAllowMillis, a.doneMillis());
        }
        case 503 -> {
          String reason = answer.reasonOrEmpty();
          if (!reason.equals("LEDGER_UNAVAILABLE") && !reason.equals("OVERLOADED")) {
            throw new AssertionError(w + " at " + a.target() + ": a 503 with " + answer);
          }
          run.unavailable.merge(reason, 1, Integer::sum);
          unknown.put(w.id(), w);
        }
        case 403 -> {
          if (policy == FirstUse.ALLOW_ONLY) {
            throw new AssertionError(w + " was fresh, yet " + a.target() + " answered " + answer);
          }
          spentOnFirstUse.put(w.id(), verifySpent(w, answer, a.target()));
          run.spentOnFirstUse++;
        }
        default ->
            throw new AssertionError(w + " at " + a.target() + ": unexpected answer " + answer);
      }
    }
    return run;
  }

  /** The exception class of a transport error, without its message. */
  private static String errorKind(String error) {
    int colon = error.indexOf(':');
    String kind = colon < 0 ? error : error.substring(0, colon);
    return kind.substring(kind.lastIndexOf('.') + 1);
  }

  /** Judges replays of acknowledged writs: every one must be a 403 SPENT with a receipt. */
  void recordReplays(List<LoadRun.Attempt> attempts, int expected) {
    if (attempts.size() != expected) {
      throw new AssertionError(attempts.size() + " replays posted, not " + expected);
    }
    for (LoadRun.Attempt a : attempts) {
      Answer answer =
          a.answer()
              .orElseThrow(
                  () -> new AssertionError("replay of " + a.writ() + ": no answer: " + a.error()));
      if (answer.status() != 403) {
        throw new AssertionError("replay of acknowledged " + a.writ() + " answered " + answer);
      }
      verifySpent(a.writ(), answer, a.target());
    }
  }

  /**
   * Judges the replays of writs whose first outcome was unknown: each is now a 200 (never spent
   * before) or a 403 SPENT (spent by a post nobody heard back from).
   */
  Run recordUnknownReplays(List<LoadRun.Attempt> attempts, int expected) {
    if (attempts.size() != expected) {
      throw new AssertionError(attempts.size() + " replays posted, not " + expected);
    }
    Run run = new Run("replay of unknown outcomes");
    for (LoadRun.Attempt a : attempts) {
      run.attempts++;
      SignedWrit w = a.writ();
      Answer answer =
          a.answer().orElseThrow(() -> new AssertionError("replay of " + w + ": " + a.error()));
      switch (answer.status()) {
        case 200 -> {
          acknowledge(w, verifyAllow(w, answer, a.target()));
          run.acknowledged++;
        }
        case 403 -> verifySpent(w, answer, a.target());
        default -> throw new AssertionError("replay of " + w + " answered " + answer);
      }
      unknown.remove(w.id());
    }
    runs.add(run);
    return run;
  }

  /**
   * Judges a race of one writ posted by many clients at once: every post is answered; at most one
   * is a 200; every other is a 403 SPENT whose leaf comes after the allow's, or a 503
   * LEDGER_UNAVAILABLE that the client waited at least the server's ledger timeout for (a timeout,
   * which api.md section 2 allows; the writ is then replayed at the end). Without such a timeout,
   * exactly one post is a 200.
   */
  Run recordRace(String name, List<LoadRun.Attempt> attempts) {
    Run run = new Run(name);
    runs.add(run);
    Receipt allow = null;
    List<Receipt> spent = new ArrayList<>();
    for (LoadRun.Attempt a : attempts) {
      run.attempts++;
      SignedWrit w = a.writ();
      writs.put(w.id(), w);
      Answer answer =
          a.answer().orElseThrow(() -> new AssertionError(name + ": " + w + ": " + a.error()));
      long waited = a.doneMillis() - a.sentMillis();
      run.maxLatencyMillis = Math.max(run.maxLatencyMillis, waited);
      switch (answer.status()) {
        case 200 -> {
          if (allow != null) {
            throw new AssertionError(name + ": " + w + " allowed twice, again at " + a.target());
          }
          allow = verifyAllow(w, answer, a.target());
          acknowledge(w, allow);
          run.acknowledged++;
        }
        case 403 -> spent.add(verifySpent(w, answer, a.target()));
        case 503 -> {
          if (!answer.reasonOrEmpty().equals("LEDGER_UNAVAILABLE")
              || waited < LEDGER_TIMEOUT_MILLIS) {
            throw new AssertionError(
                name + ": " + w + " at " + a.target() + " after " + waited + " ms: " + answer);
          }
          run.unavailable.merge("LEDGER_UNAVAILABLE after timeout", 1, Integer::sum);
          if (allow == null) {
            unknown.put(w.id(), w);
          }
        }
        default -> throw new AssertionError(name + ": " + w + " answered " + answer);
      }
    }
    if (allow == null && run.unavailable.isEmpty()) {
      throw new AssertionError(name + ": no post of the writ was allowed, none timed out");
    }
    if (allow != null) {
      for (Receipt s : spent) {
        if (s.index() <= allow.index()) {
          throw new AssertionError(name + ": SPENT " + s + " comes before the allow " + allow);
        }
      }
    }
    return run;
  }

  private void acknowledge(SignedWrit w, Receipt r) {
    Receipt before = acknowledged.putIfAbsent(w.id(), r);
    if (before != null) {
      throw new AssertionError(w + " acknowledged twice: " + before + " and " + r);
    }
    unknown.remove(w.id());
  }

  private Receipt verifyAllow(SignedWrit w, Answer answer, LoadRun.Target at) {
    Receipt r = verified(w, answer, at);
    if (!r.decision().equals("allow") || !r.id().equals(Optional.of(w.id().hex()))) {
      throw new AssertionError(w + " at " + at + ": a 200 that is not this writ's allow: " + r);
    }
    return r;
  }

  private Receipt verifySpent(SignedWrit w, Answer answer, LoadRun.Target at) {
    Receipt r = verified(w, answer, at);
    if (!r.decision().equals("deny")
        || !r.reason().equals(Optional.of("SPENT"))
        || !r.id().equals(Optional.of(w.id().hex()))) {
      throw new AssertionError(w + " at " + at + ": not a SPENT denial: " + answer);
    }
    return r;
  }

  private Receipt verified(SignedWrit w, Answer answer, LoadRun.Target at) {
    Receipt r;
    try {
      r = Receipt.verify(answer, key, w.envelope());
    } catch (AssertionError e) {
      throw new AssertionError(w + " at " + at + ": " + e.getMessage() + " in " + answer, e);
    }
    receipts.add(r);
    return r;
  }

  /** Every acknowledged allow, by id, in the order acknowledged. */
  Map<WritId, Receipt> acknowledged() {
    return new LinkedHashMap<>(acknowledged);
  }

  /** The writs acknowledged so far, to replay. */
  List<SignedWrit> acknowledgedWrits() {
    return acknowledged.keySet().stream().map(writs::get).toList();
  }

  /** Writs whose outcome no client learned yet. */
  List<SignedWrit> unknown() {
    return List.copyOf(unknown.values());
  }

  /** Fresh writs answered 403 SPENT on their first post. */
  Map<WritId, Receipt> spentOnFirstUse() {
    return new LinkedHashMap<>(spentOnFirstUse);
  }

  /** Every receipt that verified, allow or denial. */
  List<Receipt> receipts() {
    return List.copyOf(receipts);
  }

  List<Run> runs() {
    return List.copyOf(runs);
  }
}
