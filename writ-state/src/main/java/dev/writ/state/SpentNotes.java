package dev.writ.state;

import dev.writ.core.SpendLedger;
import dev.writ.core.WritId;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The spent-writ set: one note per spent id (id to retain-until, Unix seconds), never a counter.
 * Log time is the largest {@code at} of any applied command; notes whose retain-until is before log
 * time are pruned, only while applying a command, so replicas prune identically.
 *
 * <p>Not thread-safe: the state machine guards it.
 */
final class SpentNotes {
  private record Note(long retainUntil, WritId id) {}

  private static final Comparator<Note> BY_EXPIRY =
      Comparator.comparingLong(Note::retainUntil).thenComparing(Note::id);

  private final Map<WritId, Long> notes = new HashMap<>();
  private final TreeSet<Note> byExpiry = new TreeSet<>(BY_EXPIRY);
  private long logTime;

  /** Advances log time to {@code at} (never backwards) and drops notes that have expired. */
  void advanceTo(long at) {
    logTime = Math.max(logTime, at);
    while (!byExpiry.isEmpty() && byExpiry.first().retainUntil() < logTime) {
      notes.remove(byExpiry.pollFirst().id());
    }
  }

  SpendLedger.Outcome spend(WritId id, long retainUntil) {
    if (notes.containsKey(id)) {
      return SpendLedger.Outcome.ALREADY_SPENT;
    }
    notes.put(id, retainUntil);
    byExpiry.add(new Note(retainUntil, id));
    return SpendLedger.Outcome.SPENT_NOW;
  }

  boolean contains(WritId id) {
    return notes.containsKey(id);
  }

  int size() {
    return notes.size();
  }

  long logTime() {
    return logTime;
  }

  /** The notes ordered by id, for a deterministic snapshot. */
  NavigableMap<WritId, Long> sortedById() {
    return new TreeMap<>(notes);
  }

  /** Replaces all state (snapshot load). */
  void reset(long newLogTime, Map<WritId, Long> newNotes) {
    notes.clear();
    byExpiry.clear();
    logTime = newLogTime;
    newNotes.forEach(
        (id, until) -> {
          notes.put(id, until);
          byExpiry.add(new Note(until, id));
        });
  }
}
