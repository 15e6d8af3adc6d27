package dev.writ.state;

import dev.writ.core.SpiffeId;
import dev.writ.core.WritId;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The replicated node registry (docs/spec/enrollment.md section 6): pending enrollments, registered
 * nodes and revoked SVID serials with the revocation epoch. Deterministic: every change takes its
 * time from the command's {@code at}, never a clock.
 *
 * <p>Not thread-safe: the state machine guards it with its own lock.
 */
final class NodeRegistry {
  /** Pending enrollments at once (enrollment.md section 3.1). */
  static final int MAX_PENDING = 4096;

  private final NavigableMap<WritId, PendingEnrollment> pending = new TreeMap<>();
  private final NavigableMap<SpiffeId, NodeRecord> nodes = new TreeMap<>();
  private final NavigableSet<String> revoked = new TreeSet<>();
  private long epoch;

  /** Drops pending enrollments that lapsed at or before {@code at}. */
  void advanceTo(long at) {
    pending.values().removeIf(p -> p.expires() <= at);
  }

  /** Opens an enrollment, or says why not (a refusal code). */
  Optional<String> open(PendingEnrollment p) {
    if (pending.containsKey(p.id())) {
      return Optional.of("already_pending");
    }
    if (pending.size() >= MAX_PENDING) {
      return Optional.of("too_many_pending");
    }
    pending.put(p.id(), p);
    return Optional.empty();
  }

  /** Whether {@code id} is an open enrollment for {@code node}. */
  boolean isOpenFor(WritId id, SpiffeId node) {
    PendingEnrollment p = pending.get(id);
    return p != null && p.node().equals(node);
  }

  /**
   * Registers a node enrolled by writ {@code id}, closing its pending enrollment. A node already
   * registered under that name is replaced and its serials are revoked in the same step.
   */
  void register(WritId id, NodeRegistration reg, long at) {
    pending.remove(id);
    NodeRecord old = nodes.get(reg.node());
    if (old != null) {
      revoke(old.registration().serial());
      old.previousSerial().ifPresent(this::revoke);
    }
    nodes.put(reg.node(), new NodeRecord(reg, Optional.empty(), 0, id, at));
  }

  /** Renews a node's SVID, or says why not (a refusal code). */
  Optional<String> renew(
      SpiffeId node, String serial, long notAfter, SortedMap<String, String> measurements) {
    NodeRecord old = nodes.get(node);
    if (old == null) {
      return Optional.of("unknown_node");
    }
    NodeRegistration r = old.registration();
    if (revoked.contains(r.serial())) {
      return Optional.of("revoked");
    }
    NodeRegistration renewed =
        new NodeRegistration(
            r.node(), r.posture(), r.kind(), measurements, r.advisory(), serial, notAfter);
    nodes.put(
        node,
        new NodeRecord(
            renewed, Optional.of(r.serial()), r.notAfter(), old.enrolledBy(), old.enrolledAt()));
    return Optional.empty();
  }

  /** Revokes a serial; the epoch rises when the serial was not already revoked. */
  void revoke(String serial) {
    if (revoked.add(serial)) {
      epoch++;
    }
  }

  Optional<NodeRecord> node(SpiffeId id) {
    return Optional.ofNullable(nodes.get(id));
  }

  Optional<PendingEnrollment> pending(WritId id) {
    return Optional.ofNullable(pending.get(id));
  }

  boolean isRevoked(String serial) {
    return revoked.contains(serial);
  }

  long epoch() {
    return epoch;
  }

  int nodeCount() {
    return nodes.size();
  }

  // snapshot access (SnapshotFormat), in a stable order

  Map<WritId, PendingEnrollment> pendingEntries() {
    return pending;
  }

  Map<SpiffeId, NodeRecord> nodeEntries() {
    return nodes;
  }

  NavigableSet<String> revokedSerials() {
    return revoked;
  }

  void reset(
      Iterable<PendingEnrollment> p, Iterable<NodeRecord> n, Iterable<String> r, long newEpoch) {
    pending.clear();
    nodes.clear();
    revoked.clear();
    p.forEach(x -> pending.put(x.id(), x));
    n.forEach(x -> nodes.put(x.registration().node(), x));
    r.forEach(revoked::add);
    epoch = newEpoch;
  }
}
