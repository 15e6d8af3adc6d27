package dev.writ.state;

import dev.writ.core.Reason;
import dev.writ.core.SpendLedger.Outcome;
import dev.writ.core.WritId;
import dev.writ.core.json.JsonException;
import dev.writ.core.json.JsonLimits;
import dev.writ.core.json.JsonReader;
import dev.writ.core.json.JsonValue;
import dev.writ.core.json.JsonValue.JsonInteger;
import dev.writ.core.json.JsonValue.JsonObject;
import dev.writ.core.json.JsonValue.JsonString;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Decides whether a concurrent history of calls to the spend ledger is linearizable against its
 * sequential specification: a set of spent ids plus an append-only log of decision records, where
 * {@code authorize(id)} appends {@code allow} and spends when the id is unspent, and appends {@code
 * deny}/{@code SPENT} otherwise, and {@code auditDenial} appends a {@code deny} and spends nothing
 * (docs/spec/log.md, section 10). Every call returns the index of its own leaf, so the only
 * candidate linearization is the order of the final log: the history is linearizable exactly when
 * every reply is the log's leaf at its index, the log replayed through the specification gives
 * every reply, and the log order agrees with real time (a call that returned before another was
 * invoked has the smaller index).
 *
 * <p>{@link #check} runs the checks top-down and throws a {@link Violation} naming the first broken
 * rule. A {@link Failed} call (no reply: timeout, lost leader) may or may not have taken effect:
 * its leaf may be anywhere in the log after every call that returned before it was invoked, or
 * missing. Failed calls are matched to unclaimed leaves greedily, which is exact when at most one
 * failed call can produce any one leaf (true of every history the tests here record). Notes never
 * expire within a checked history: the callers retain every spend past the history's end.
 *
 * <p>Thread-safe: stateless.
 */
final class LinearizabilityChecker {
  /** A leaf is under 400 bytes (SnapshotFormat.MAX_LINE_BYTES bounds it at 512). */
  private static final JsonReader LEAF_READER =
      new JsonReader(new JsonLimits(512, 1, 64, 16), JsonReader.Mode.INTEGERS_ONLY);

  private LinearizabilityChecker() {}

  /** What a client asked for. */
  sealed interface Call permits Authorize, AuditDenial {}

  /** {@code RatisSpendLedger.authorize} of {@code id}. */
  record Authorize(WritId id) implements Call {}

  /** {@code RatisSpendLedger.auditDenial} with this id (if any) and reason. */
  record AuditDenial(Optional<WritId> id, Reason reason) implements Call {}

  /** What the client got back. */
  sealed interface Reply permits Authorized, Audited, Failed {}

  /** An authorization reply. */
  record Authorized(Outcome outcome, AuditLeaf leaf) implements Reply {}

  /** A denial-audit reply. */
  record Audited(AuditLeaf leaf) implements Reply {}

  /** No reply: the call failed closed and may still take effect later. */
  record Failed(String error) implements Reply {}

  /**
   * One call of the history. {@code invoked} and {@code returned} are ticks of one counter shared
   * by all clients, taken just before the call and just after its reply, so {@code a.returned() <
   * b.invoked()} means that {@code a} finished before {@code b} started.
   */
  record Op(int client, Call call, long invoked, long returned, Reply reply) {
    Op {
      if (returned <= invoked) {
        throw new IllegalArgumentException("an op returns after it is invoked");
      }
      boolean fits =
          switch (reply) {
            case Authorized _ -> call instanceof Authorize;
            case Audited _ -> call instanceof AuditDenial;
            case Failed _ -> true;
          };
      if (!fits) {
        throw new IllegalArgumentException("reply " + reply + " does not answer " + call);
      }
    }

    /** The reply's leaf, absent for a failed call. */
    Optional<AuditLeaf> leaf() {
      return switch (reply) {
        case Authorized a -> Optional.of(a.leaf());
        case Audited a -> Optional.of(a.leaf());
        case Failed _ -> Optional.empty();
      };
    }

    boolean completed() {
      return !(reply instanceof Failed);
    }

    boolean precedes(Op other) {
      return completed() && returned < other.invoked;
    }

    @Override
    public String toString() {
      return "client "
          + client
          + " "
          + call
          + " ["
          + invoked
          + ","
          + (completed() ? Long.toString(returned) : "?")
          + "] -> "
          + reply;
    }
  }

  /** Which rule a history breaks. */
  enum Kind {
    /** Two replicas hold different logs. */
    REPLICA_DIVERGENCE,
    /** A log leaf is not a readable decision record. */
    MALFORMED_LEAF,
    /** The log is not dense, or a log position belongs to no call. */
    INDEX_GAP,
    /** Two replies carry the same leaf index. */
    DUPLICATE_INDEX,
    /** A reply's leaf is not in the final log, or differs from the log's leaf at its index. */
    REPLY_MISMATCH,
    /** A leaf does not record its call, or its decision contradicts the reply's outcome. */
    WRONG_LEAF,
    /** A spend returned SPENT_NOW though a call on the same id had returned before it began. */
    STALE_READ,
    /** A spend returned ALREADY_SPENT before any other spend of the id had begun. */
    READ_FROM_FUTURE,
    /** An id was spent twice. */
    DOUBLE_ALLOW,
    /** Spends of an id all said ALREADY_SPENT though none had spent it. */
    LOST_SPEND,
    /** The log order contradicts the real-time order of two calls. */
    REALTIME_ORDER
  }

  /** The history is not linearizable; {@link #kind()} says which rule it breaks. */
  static final class Violation extends AssertionError {
    private static final long serialVersionUID = 1L;

    private final Kind kind;

    Violation(Kind kind, String detail) {
      super(kind + ": " + detail);
      this.kind = kind;
    }

    Kind kind() {
      return kind;
    }
  }

  /** The parts of a decision record the specification looks at. */
  private record LeafView(
      long index, Optional<String> id, String decision, Optional<String> reason) {}

  /**
   * Checks {@code history} against the final log of every replica; returns normally when the
   * history is linearizable.
   *
   * @param replicas each replica's audit leaves in log order (at least one replica)
   * @throws Violation naming the first broken rule
   */
  static void check(List<Op> history, List<List<AuditLeaf>> replicas) {
    List<AuditLeaf> log = agreedLog(replicas);
    List<LeafView> views = denseLog(log);
    Op[] byIndex = repliesInLog(history, log, views);
    attributeUnclaimedLeaves(history, views, byIndex);
    checkSpendReplies(history);
    replayLog(views, byIndex);
    checkRealTimeOrder(history);
  }

  private static List<AuditLeaf> agreedLog(List<List<AuditLeaf>> replicas) {
    if (replicas.isEmpty()) {
      throw new IllegalArgumentException("at least one replica's log is needed");
    }
    List<AuditLeaf> first = replicas.getFirst();
    for (int r = 1; r < replicas.size(); r++) {
      List<AuditLeaf> other = replicas.get(r);
      if (!other.equals(first)) {
        throw new Violation(
            Kind.REPLICA_DIVERGENCE,
            "replica "
                + r
                + " holds "
                + other.size()
                + " leaves, replica 0 "
                + first.size()
                + (other.size() == first.size() ? ", with different bytes" : ""));
      }
    }
    return first;
  }

  private static List<LeafView> denseLog(List<AuditLeaf> log) {
    List<LeafView> views = new ArrayList<>(log.size());
    for (int i = 0; i < log.size(); i++) {
      AuditLeaf leaf = log.get(i);
      LeafView view = view(leaf);
      if (leaf.index() != i || view.index() != i) {
        throw new Violation(
            Kind.INDEX_GAP,
            "log position " + i + " holds a leaf with index " + view.index() + " (" + leaf + ")");
      }
      views.add(view);
    }
    return views;
  }

  /** Checks every completed reply against the log; returns the call of each claimed position. */
  private static Op[] repliesInLog(List<Op> history, List<AuditLeaf> log, List<LeafView> views) {
    Op[] byIndex = new Op[log.size()];
    for (Op op : history) {
      Optional<AuditLeaf> maybeLeaf = op.leaf();
      if (maybeLeaf.isEmpty()) {
        continue;
      }
      AuditLeaf leaf = maybeLeaf.get();
      long index = leaf.index();
      if (index >= log.size()) {
        throw new Violation(
            Kind.REPLY_MISMATCH, op + " has leaf " + index + " but the log has " + log.size());
      }
      int i = (int) index;
      if (byIndex[i] != null) {
        throw new Violation(
            Kind.DUPLICATE_INDEX, op + " and " + byIndex[i] + " both have leaf " + index);
      }
      if (!Arrays.equals(leaf.bytes(), log.get(i).bytes())) {
        throw new Violation(Kind.REPLY_MISMATCH, op + ": reply bytes differ from log leaf " + i);
      }
      if (!records(views.get(i), op.call())) {
        throw new Violation(Kind.WRONG_LEAF, "leaf " + i + " does not record " + op.call());
      }
      if (op.reply() instanceof Authorized a
          && (a.outcome() == Outcome.SPENT_NOW)
              != views.get(i).decision().equals(DecisionRecords.ALLOW)) {
        throw new Violation(
            Kind.WRONG_LEAF,
            op + ": outcome " + a.outcome() + " but leaf decision " + views.get(i).decision());
      }
      byIndex[i] = op;
    }
    return byIndex;
  }

  /**
   * Gives every unclaimed log position to a failed call that could have written it, not before a
   * call that returned before the failed one began; a position no failed call can take is a gap.
   */
  private static void attributeUnclaimedLeaves(
      List<Op> history, List<LeafView> views, Op[] byIndex) {
    List<Op> failed = new ArrayList<>(history.stream().filter(op -> !op.completed()).toList());
    for (int i = 0; i < byIndex.length; i++) {
      if (byIndex[i] != null) {
        continue;
      }
      LeafView view = views.get(i);
      Op owner = null;
      for (Op candidate : failed) {
        if (records(view, candidate.call()) && !placedTooEarly(candidate, i, history)) {
          owner = candidate;
          break;
        }
      }
      if (owner == null) {
        throw new Violation(Kind.INDEX_GAP, "log leaf " + i + " belongs to no call");
      }
      failed.remove(owner);
      byIndex[i] = owner;
    }
  }

  /** Whether a leaf of {@code failed} at {@code index} would precede a call that finished first. */
  private static boolean placedTooEarly(Op failed, int index, List<Op> history) {
    for (Op op : history) {
      if (op.precedes(failed) && op.leaf().orElseThrow().index() > index) {
        return true;
      }
    }
    return false;
  }

  /** The reply-level rules for spends of one id, which need no log. */
  private static void checkSpendReplies(List<Op> history) {
    Map<WritId, List<Op>> byId = new HashMap<>();
    for (Op op : history) {
      if (op.call() instanceof Authorize(WritId id)) {
        byId.computeIfAbsent(id, k -> new ArrayList<>()).add(op);
      }
    }
    for (Map.Entry<WritId, List<Op>> e : byId.entrySet()) {
      List<Op> spends = e.getValue();
      List<Op> spentNow = new ArrayList<>();
      for (int j = 0; j < spends.size(); j++) {
        Op b = spends.get(j);
        if (!(b.reply() instanceof Authorized(Outcome outcome, AuditLeaf leaf))) {
          continue;
        }
        if (outcome == Outcome.SPENT_NOW) {
          spentNow.add(b);
          for (Op a : spends) {
            if (a.precedes(b)) { // never true of b itself
              throw new Violation(
                  Kind.STALE_READ, b + " spent " + e.getKey() + " after " + a + " had returned");
            }
          }
        } else if (!anotherBegan(spends, j, b.returned())) {
          throw new Violation(
              Kind.READ_FROM_FUTURE,
              b + " found " + e.getKey() + " spent (leaf " + leaf.index() + ") before any spend");
        }
      }
      if (spentNow.size() > 1) {
        throw new Violation(Kind.DOUBLE_ALLOW, e.getKey() + " spent by " + spentNow);
      }
      if (spentNow.isEmpty() && spends.stream().allMatch(Op::completed)) {
        throw new Violation(
            Kind.LOST_SPEND, "no spend of " + e.getKey() + " said SPENT_NOW: " + spends);
      }
    }
  }

  /** Whether a call of {@code ops} other than the {@code self}-th was invoked before {@code t}. */
  private static boolean anotherBegan(List<Op> ops, int self, long t) {
    for (int i = 0; i < ops.size(); i++) {
      if (i != self && ops.get(i).invoked() < t) {
        return true;
      }
    }
    return false;
  }

  /** Replays the log, in order, through the sequential specification. */
  private static void replayLog(List<LeafView> views, Op[] byIndex) {
    Set<String> spent = new HashSet<>();
    for (int i = 0; i < views.size(); i++) {
      LeafView view = views.get(i);
      switch (byIndex[i].call()) {
        case Authorize(WritId id) -> {
          boolean allowed = view.decision().equals(DecisionRecords.ALLOW);
          boolean fresh = spent.add(id.hex());
          if (allowed && !fresh) {
            throw new Violation(Kind.DOUBLE_ALLOW, "log leaf " + i + " allows spent id " + id);
          }
          if (!allowed && fresh) {
            throw new Violation(Kind.LOST_SPEND, "log leaf " + i + " denies unspent id " + id);
          }
        }
        case AuditDenial _ -> {
          // appends a deny and spends nothing; records() already checked the leaf
        }
      }
    }
  }

  /** A call that returned before another was invoked has the smaller leaf index. */
  private static void checkRealTimeOrder(List<Op> history) {
    List<Op> done = history.stream().filter(Op::completed).toList();
    for (Op a : done) {
      for (Op b : done) {
        if (a.precedes(b) && index(a) > index(b)) {
          throw new Violation(
              Kind.REALTIME_ORDER,
              a + " returned before " + b + " began, yet its leaf comes later");
        }
      }
    }
  }

  private static long index(Op op) {
    return op.leaf().orElseThrow().index();
  }

  /** Whether {@code view} is a leaf that {@code call} may append. */
  private static boolean records(LeafView view, Call call) {
    return switch (call) {
      case Authorize(WritId id) ->
          view.id().equals(Optional.of(id.hex()))
              && (view.decision().equals(DecisionRecords.ALLOW)
                  ? view.reason().isEmpty()
                  : view.reason().equals(Optional.of(Reason.SPENT.name())));
      case AuditDenial(Optional<WritId> id, Reason reason) ->
          view.id().equals(id.map(WritId::hex))
              && view.decision().equals(DecisionRecords.DENY)
              && view.reason().equals(Optional.of(reason.name()));
    };
  }

  private static LeafView view(AuditLeaf leaf) {
    JsonValue value;
    try {
      value = LEAF_READER.readCanonical(leaf.bytes());
    } catch (JsonException e) {
      throw new Violation(Kind.MALFORMED_LEAF, leaf + ": " + e.getMessage());
    }
    if (!(value instanceof JsonObject(Map<String, JsonValue> m))
        || !(m.get("index") instanceof JsonInteger(long index))
        || !(m.get("decision") instanceof JsonString(String decision))) {
      throw new Violation(Kind.MALFORMED_LEAF, leaf + " lacks index or decision");
    }
    return new LeafView(index, optionalString(m, "id"), decision, optionalString(m, "reason"));
  }

  private static Optional<String> optionalString(Map<String, JsonValue> m, String name) {
    return m.get(name) instanceof JsonString(String s) ? Optional.of(s) : Optional.empty();
  }
}
